"""Public-report API serializers: shape only; the rules are in tipoffs.services and workflow."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.schema import ErrorResponseSerializer
from core.models import Sector
from hazards.choices import HazardLevel
from hazards.models import Clause

from ..models import Tipoff, TipoffEvent, TipoffPhoto
from ..workflow import available

ErrorSerializer = ErrorResponseSerializer


class TipoffListSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    anonymous = serializers.BooleanField(read_only=True, help_text="未留电话的匿名举报。")
    department_name = serializers.SerializerMethodField()

    class Meta:
        model = Tipoff
        fields = [
            "id",
            "region",
            "region_name",
            "where",
            "what",
            "state",
            "state_label",
            "state_changed_at",
            "created_at",
            "anonymous",
            "department",
            "department_name",
            "sector",
            "enterprise",
            "hazard",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_department_name(self, obj) -> str | None:
        return obj.department.name if obj.department_id else None


class TipoffEventSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = TipoffEvent
        fields = [
            "action",
            "action_label",
            "from_state",
            "to_state",
            "actor_name",
            "comment",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor_name(self, obj) -> str | None:
        return obj.actor.display_name if obj.actor_id else None


class TipoffPhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = TipoffPhoto
        fields = ["id", "extension", "width", "height", "size", "created_at"]
        read_only_fields = fields


class TipoffDetailSerializer(TipoffListSerializer):
    events = TipoffEventSerializer(many=True, read_only=True)
    photos = TipoffPhotoSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField(help_text="当前用户现在可以执行的操作。")

    class Meta(TipoffListSerializer.Meta):
        fields = [
            *TipoffListSerializer.Meta.fields,
            "reject_reason",
            "finding",
            "reward_amount",
            "reward_recorded_by",
            "reward_approved_by",
            "reward_approved_at",
            "events",
            "photos",
            "actions",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, obj) -> list[str]:
        request = self.context.get("request")
        if request is None:
            return []
        return [t.action.value for t in available(obj, request.user)]


class IdentitySerializer(serializers.Serializer):
    anonymous = serializers.BooleanField(help_text="匿名举报时为 true，phone 为空。")
    phone = serializers.CharField(allow_blank=True, help_text="举报人电话。每次读取记入审计日志。")


def _comment():
    return serializers.CharField(required=False, allow_blank=True, max_length=1000, label="说明")


class AcceptSerializer(serializers.Serializer):
    comment = _comment()


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, label="不予受理理由")


class TransferSerializer(serializers.Serializer):
    sector = serializers.PrimaryKeyRelatedField(
        queryset=Sector.objects.all(), required=False, allow_null=True, label="行业领域"
    )
    enterprise = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1, label="被举报企业"
    )
    comment = _comment()


class VerifySerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(min_value=1, max_value=2**31 - 1, label="被举报企业")
    level = serializers.ChoiceField(choices=HazardLevel.choices, label="隐患级别")
    clause = serializers.PrimaryKeyRelatedField(
        queryset=Clause.objects.all(), required=False, allow_null=True, label="判定依据"
    )
    other_basis = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, label="其他依据"
    )
    place = serializers.CharField(
        required=False, allow_blank=True, max_length=128, label="隐患地点/部位"
    )
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, label="隐患描述"
    )
    deadline = serializers.DateField(label="整改期限")
    finding = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, label="核查情况"
    )


class NotVerifiedSerializer(serializers.Serializer):
    finding = serializers.CharField(max_length=2000, label="核查情况")


class RewardSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0.01"), label="奖励金额（元）"
    )


STEP_SERIALIZERS = {
    "accept": AcceptSerializer,
    "reject": RejectSerializer,
    "transfer": TransferSerializer,
    "verify": VerifySerializer,
    "not-verified": NotVerifiedSerializer,
}
