from rest_framework import serializers

from core.models import Department, Region, Sector


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
