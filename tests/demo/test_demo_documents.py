"""Every enforcement document of the demo keeps the document rules, read in its PDF text.

`document_problems()` also checks any database: run it on a freshly seeded demo with
`uv run python manage.py shell -c "from tests.demo.test_demo_documents import report; report()"`.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from hazards.choices import Action, HazardLevel, Stoppage
from hazards.models import HazardEvent
from inspections import services
from inspections.choices import DocumentType
from inspections.models import EnforcementDocument, IssuingUnit

pytestmark = pytest.mark.django_db

REMEDIES = {DocumentType.ORDER: "指令", DocumentType.MEASURES: "决定"}
NEVER = ("上一级应急管理部门", "None", "0时00分")


def _text(document: EnforcementDocument) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(services.document_bytes(document))
        out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return "".join(out.stdout.decode().split())


def _cn(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _problems_of(document: EnforcementDocument, text: str) -> list[str]:
    """What is wrong with one document, each as a sentence naming it."""
    problems = []
    visit = document.inspection
    team = list(visit.inspectors.all())
    say = problems.append
    if document.issued_by not in team:
        say("制作人不是本次检查的执法人员")
    for person in team:
        if not person.certificate_no:
            say(f"{person.display_name}没有执法证号")
        elif f"{person.display_name}" not in text or person.certificate_no not in text:
            say(f"未印出{person.display_name}的执法证号")
    if visit.sector_id not in visit.department.sector_ids():
        say(f"{visit.department}不监管{visit.sector}行业")
    for word in NEVER:
        if word in text:
            say(f"印有“{word}”")
    unit = IssuingUnit.objects.get(department=visit.department)
    authority = unit.reconsideration_authority
    act = REMEDIES.get(document.type)
    if document.type == DocumentType.RECHECK and not all(
        row["passed"] for row in document.data.get("rechecks", [])
    ):
        act = "意见"
    if act and f"依法向{authority}申请行政复议" not in text:
        say("行政复议告知未写明本级人民政府")
    if act and "6个月内" not in text:
        say("行政诉讼期限不是六个月")
    if not act and "行政复议" in text:
        say("不应有行政复议告知")
    if document.type == DocumentType.RECORD and not visit.start_time:
        if "____时____分至" not in text:
            say("未填开始时间却没有留空")
    # Each problem as its hazard was when the document was issued.
    for row in document.data.get("findings", []):
        hazard = visit.findings.get(hazard__number=row["hazard"]).hazard
        then = hazard.history.as_of(document.issued_at)
        if (row["place"], row["description"], row["deadline"]) != (
            then.place,
            then.description,
            then.current_deadline.isoformat(),
        ):
            say(f"隐患{hazard.number}与制作时的隐患信息不一致")
        if document.type != DocumentType.RECHECK and _cn(then.current_deadline) not in text:
            say(f"未印出隐患{hazard.number}的整改期限")
        if f"{then.place}：{then.description}" not in text:
            say(f"未印出隐患{hazard.number}的部位和描述")
    if document.type == DocumentType.RECHECK:
        events = HazardEvent.objects.filter(
            hazard__finding__inspection=visit,
            action__in=(Action.RECHECK_PASS, Action.RECHECK_FAIL),
            created_at__lte=document.issued_at,
        )
        rechecked = set(events.values_list("hazard__number", flat=True))
        for row in document.data["rechecks"]:
            if row["hazard"] not in rechecked:
                say(f"隐患{row['hazard']}制作时尚未复查")
            result = "通过" if row["passed"] else "不通过"
            if f"{_cn_iso(row['date'])}{result}" not in text:
                say(f"未写明隐患{row['hazard']}的复查日期和结果")
    if document.type == DocumentType.MEASURES and document.data.get("stoppage") not in (
        "",
        Stoppage.NONE,
    ):
        for finding in visit.findings.filter(level=HazardLevel.MAJOR):
            hazard = finding.hazard
            if not hazard.events.filter(action=Action.EDIT, comment__contains=document.number):
                say(f"隐患{hazard.number}没有记录停产停业")
    return [f"{document.number}：{p}" for p in problems]


def _cn_iso(value: str | None) -> str:
    if not value:
        return ""
    year, month, day = (int(part) for part in value.split("-"))
    return f"{year}年{month}月{day}日"


def document_problems() -> tuple[list[str], Counter]:
    """Every rule broken by a document in the database, and how many documents of each type
    (live, void) were read."""
    problems, seen = [], Counter()
    live = Counter()
    for document in EnforcementDocument.objects.select_related(
        "inspection__department", "issued_by"
    ).order_by("pk"):
        seen[(document.get_type_display(), "作废" if document.is_void else "有效")] += 1
        if document.is_void:
            continue
        live[(document.inspection_id, document.type, document.round)] += 1
        problems += _problems_of(document, _text(document))
    problems += [f"检查#{key[0]}有{n}份有效的同类文书" for key, n in live.items() if n > 1]
    return problems, seen


def report() -> None:
    problems, seen = document_problems()
    for (label, state), n in sorted(seen.items()):
        print(f"{label}（{state}）：{n}")
    print(f"共 {sum(seen.values())} 份文书，问题 {len(problems)} 个")
    for problem in problems:
        print(problem)


def test_the_demo_documents_keep_the_rules():
    call_command("seed_demo", verbosity=0)
    problems, seen = document_problems()
    assert problems == []
    types = {label for label, _ in seen}
    assert types == {t.label for t in DocumentType}, seen
