import re

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.models import Department, Region, Sector

# Ids are 64-bit: a larger number would reach PostgreSQL as an error, not as "not found".
ID_BOUNDS = {"min_value": 1, "max_value": 2**63 - 1}


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "code", "name", "parent", "supervisor_kind"]


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "kind", "region"]


class ScopedRelatedMixin:
    """A reference to a scoped model: only rows of `model.objects.for_user(request.user)` exist,
    so an object outside the caller's scope reads exactly like one that does not exist."""

    def __init__(self, model, **kwargs):
        self.model = model
        # The empty queryset names the model for the schema; get_queryset decides at run time.
        super().__init__(queryset=model.objects.none(), **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return self.model.objects.for_user(user) if user else self.model.objects.none()


class ScopedPrimaryKeyRelatedField(ScopedRelatedMixin, serializers.PrimaryKeyRelatedField):
    default_error_messages = {"does_not_exist": "“{pk_value}”不存在，或不在您的管辖范围内。"}


class ScopedSlugRelatedField(ScopedRelatedMixin, serializers.SlugRelatedField):
    default_error_messages = {"does_not_exist": "“{value}”不存在，或不在您的管辖范围内。"}


LOCAL_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"


@extend_schema_field(
    {
        "type": "string",
        "pattern": LOCAL_TIME_PATTERN,
        "example": "09:30:00",
        "description": "北京时间的时刻 HH:MM 或 HH:MM:SS，不带时区。",
    }
)
class LocalTimeField(serializers.TimeField):
    """A time of day on the wall clock (a visit's start and end), without offset or fraction.

    OpenAPI's `format: time` (RFC 3339 full-time) requires an offset, which a time of day in
    Beijing does not carry; the schema declares the exact pattern instead, and input is held
    to the same pattern as output."""

    default_error_messages = {"invalid": "时间格式应为 HH:MM 或 HH:MM:SS，例如 09:30。"}

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M:%S")
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        if not isinstance(value, str) or not re.fullmatch(LOCAL_TIME_PATTERN, value):
            self.fail("invalid", format="HH:MM")
        return super().to_internal_value(value)
