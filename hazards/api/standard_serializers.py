"""Judgment standards and their clauses in the API (reference data, read-only)."""

from __future__ import annotations

from rest_framework import serializers

from core.models import Sector

from ..models import (
    Clause,
    JudgmentStandard,
)


class ClauseSerializer(serializers.ModelSerializer):
    standard_name = serializers.CharField(source="standard.name", read_only=True)
    standard_doc_no = serializers.CharField(source="standard.doc_no", read_only=True)
    label = serializers.CharField(source="__str__", read_only=True)
    citation = serializers.CharField(read_only=True)

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
            "text",
            "order",
            "label",
            "citation",
        ]


class StandardClauseSerializer(serializers.ModelSerializer):
    """A clause inside its standard's detail (the standard is known already)."""

    class Meta:
        model = Clause
        fields = ["id", "ref", "article", "item", "sub_sector", "text", "order"]


class JudgmentStandardSerializer(serializers.ModelSerializer):
    is_current = serializers.BooleanField(read_only=True)
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
            "superseded_by",
            "is_current",
            "complete",
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
        help_text="行业领域 id：只列适用于该行业（或其上级行业）的判定标准条款。",
        error_messages={"does_not_exist": "行业领域“{pk_value}”不存在。"},
    )
    q = serializers.CharField(
        label="关键字",
        required=False,
        allow_blank=True,
        help_text="关键字（空格分隔多个，须同时匹配）。",
    )
    include_superseded = serializers.BooleanField(
        label="包括已替代标准",
        required=False,
        default=False,
        help_text="包括已被新标准替代的旧标准条款。",
    )
