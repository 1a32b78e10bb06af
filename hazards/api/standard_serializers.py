"""Judgment standards and their clauses in the API (reference data, read-only)."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from core.models import Sector
from enterprises.models import Enterprise

from ..choices import StandardStatus
from ..models import (
    Clause,
    JudgmentStandard,
)


class ClauseSerializer(serializers.ModelSerializer):
    standard_name = serializers.CharField(source="standard.name", read_only=True)
    standard_doc_no = serializers.CharField(source="standard.doc_no", read_only=True)
    label = serializers.CharField(source="__str__", read_only=True)
    citation = serializers.CharField(read_only=True)
    warning = serializers.SerializerMethodField(
        help_text="所属标准在查询日期（found_date，默认今天）已被取代时的提示，如“已被 AQ 3067—2026 "
        "取代，新准则尚未录入”；否则为空字符串。"
    )

    def get_warning(self, clause: Clause) -> str:
        return clause.standard.warning_on(self.context.get("on") or timezone.localdate())

    class Meta:
        model = Clause
        fields = [
            "id",
            "standard",
            "standard_name",
            "standard_doc_no",
            "ref",
            "article",
            "item",
            "sub_sector",
            "applies_to",
            "lead_in",
            "text",
            "order",
            "retired",
            "label",
            "citation",
            "warning",
        ]


class StandardClauseSerializer(serializers.ModelSerializer):
    """A clause inside its standard's detail (the standard is known already)."""

    class Meta:
        model = Clause
        fields = [
            "id",
            "ref",
            "article",
            "item",
            "sub_sector",
            "applies_to",
            "lead_in",
            "text",
            "order",
            "retired",
        ]


class JudgmentStandardSerializer(serializers.ModelSerializer):
    is_current = serializers.BooleanField(
        read_only=True, help_text="今天可以引用（现行有效，或已被尚未录入的新标准取代）。"
    )
    status = serializers.ChoiceField(
        choices=StandardStatus.choices, read_only=True, help_text="今天的状态。"
    )
    clause_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = JudgmentStandard
        fields = [
            "id",
            "code",
            "name",
            "doc_no",
            "issuer",
            "sector_label",
            "sectors",
            "published",
            "effective",
            "ends",
            "superseded_by",
            "successor_note",
            "status",
            "is_current",
            "complete",
            "missing",
            "notes",
            "source",
            "clause_count",
        ]


class JudgmentStandardDetailSerializer(JudgmentStandardSerializer):
    clauses = StandardClauseSerializer(many=True, read_only=True)

    class Meta(JudgmentStandardSerializer.Meta):
        fields = [*JudgmentStandardSerializer.Meta.fields, "clauses"]


class ClauseQuerySerializer(serializers.Serializer):
    """Query parameters of the clause search."""

    sector = serializers.PrimaryKeyRelatedField(
        queryset=Sector.objects.all(),
        label="行业领域",
        required=False,
        allow_null=True,
        help_text="行业领域 id：只列适用于该行业（或其上级行业）的判定标准条款；细分行业"
        "（如冶金）只得到通用条款和本细分行业的条款。",
        error_messages={"does_not_exist": "行业领域“{pk_value}”不存在。"},
    )
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.none(),
        label="企业",
        required=False,
        allow_null=True,
        help_text="企业 id：列出登记该企业隐患时可选的条款（企业的行业，以及液氨制冷、有限空间、"
        "粉尘涉爆等专项标记）。",
        error_messages={"does_not_exist": "企业不存在，或不在您的管辖范围内。"},
    )
    found_date = serializers.DateField(
        label="发现日期",
        required=False,
        allow_null=True,
        help_text="只列该日施行的标准的条款（默认今天）。",
    )
    q = serializers.CharField(
        label="关键字",
        required=False,
        allow_blank=True,
        help_text="条款内容中的词，或条款号（如“第十二条”“121号第六项”“10号令第四条第（一）项”）；"
        "空格分隔多个，须同时匹配。",
    )
    include_superseded = serializers.BooleanField(
        label="包括已替代标准",
        required=False,
        default=False,
        help_text="包括已被新标准替代的旧标准条款和已停用的条款。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(
            getattr(request, "user", None)
        )
