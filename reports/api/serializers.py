"""Shapes of notices and monthly reports in the API (read-only: the jobs write them)."""

from rest_framework import serializers

from hazards.choices import HazardLevel

from .. import services
from ..choices import NoticeStep, ReportState
from ..models import MonthlyReport, Notice


class NoticeSerializer(serializers.ModelSerializer):
    step_label = serializers.SerializerMethodField()
    hazard_number = serializers.CharField(source="hazard.number", read_only=True)
    enterprise = serializers.CharField(source="hazard.enterprise.name", read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "hazard",
            "hazard_number",
            "enterprise",
            "step",
            "step_label",
            "deadline",
            "due_date",
            "created_at",
            "number",
            "issuer",
            "addressees",
            "body",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_step_label(self, obj) -> str:
        return services.step_label(obj.step)

    def get_pdf_url(self, obj) -> str:
        return f"/api/v1/notices/{obj.pk}/notice.pdf"


class MonthlyReportSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    submitted_by = serializers.CharField(
        source="submitted_by.display_name", read_only=True, default=None
    )

    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "region",
            "region_name",
            "year",
            "month",
            "as_of",
            "due_date",
            "state",
            "built_at",
            "submitted_by",
            "submitted_at",
            "figures",
        ]
        read_only_fields = fields


class NoticeQuerySerializer(serializers.Serializer):
    """Query parameters of the notice list (the same filters as the notice page)."""

    q = serializers.CharField(
        label="关键字", required=False, allow_blank=True, help_text="文号、隐患编号或企业名称。"
    )
    step = serializers.ChoiceField(
        label="环节",
        choices=[("remind", "到期提醒（全部）"), *NoticeStep.choices],
        required=False,
        allow_blank=True,
        help_text="remind 表示全部到期提醒，或某一环节。",
    )
    level = serializers.ChoiceField(
        label="隐患级别", choices=HazardLevel.choices, required=False, allow_blank=True
    )
    hazard = serializers.IntegerField(
        label="隐患", required=False, min_value=1, help_text="隐患 id。"
    )
    after = serializers.DateField(label="到期日起", required=False, help_text="到期日不早于该日。")
    before = serializers.DateField(label="到期日止", required=False, help_text="到期日不晚于该日。")
    open = serializers.BooleanField(
        label="仅未销号", required=False, default=False, help_text="true：只列未销号隐患的通知。"
    )

    def as_params(self) -> dict:
        """The cleaned values in the form the shared filter function reads."""
        data = self.validated_data
        params = {key: str(data[key]) for key in ("q", "step", "level", "hazard") if data.get(key)}
        for key in ("after", "before"):
            if data.get(key):
                params[key] = data[key].isoformat()
        if data.get("open"):
            params["open"] = "true"
        return params


class ReportQuerySerializer(serializers.Serializer):
    """Query parameters of the monthly report list."""

    year = serializers.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    month = serializers.IntegerField(label="月份", required=False, min_value=1, max_value=12)
    state = serializers.ChoiceField(
        label="状态", choices=ReportState.choices, required=False, allow_blank=True
    )
    region = serializers.CharField(
        label="地区代码", required=False, allow_blank=True, max_length=12
    )
