"""Which judgment-standard clauses a hazard may cite: the standards in force on its found date,
for the enterprise's sectors and sub-sectors, one search across them, and the gaps where the
catalog has no (complete) standard."""

from __future__ import annotations

import re
from datetime import date

from django.db.models import (
    Q,
    QuerySet,
)
from django.utils import timezone

from core.models import Sector
from enterprises.models import Enterprise

from .choices import (
    StandardStatus,
)
from .models import (
    Clause,
    JudgmentStandard,
)


def standards_in_force(on: date) -> QuerySet[JudgmentStandard]:
    """The standards that apply to a hazard found on a day: in force since, and not replaced by
    a loaded successor. One whose successor is not loaded yet stays (with a warning)."""
    return JudgmentStandard.objects.exclude(effective__gt=on).exclude(
        Q(superseded_by__isnull=False) & (Q(ends__isnull=True) | Q(ends__lte=on))
    )


def hazard_sectors(enterprise: Enterprise, sector: Sector | None = None) -> list[Sector]:
    """The sector a hazard is registered under, then the enterprise's other sectors (the special
    marks such as 液氨制冷 or 有限空间 that bring their own clauses)."""
    first = sector or enterprise.sector
    return [first, *(s for s in enterprise.other_sectors.all() if s.pk != first.pk)]


def _sector_clauses(sectors: list[Sector]) -> Q:
    ids = {s.pk for s in sectors}
    broad = ids | {s.parent_id for s in sectors if s.parent_id}
    standards = JudgmentStandard.objects.filter(sectors__in=broad).values("pk")
    return Q(standard__in=standards) & (
        Q(applies_to__isnull=True) | Q(applies_to__in=ids) | Q(applies_to__parent__in=ids)
    )


def clause_offer(*, sectors: list[Sector], on: date | None = None) -> QuerySet[Clause]:
    """The clauses offered for a hazard of these sectors found on a day: those of the standards
    in force that day, by sub-sector where the standard has them (a 冶金 enterprise gets the
    general and the 冶金 items of the 工贸 standard, not the 有色 ones; 液氨制冷 items only where
    the enterprise is marked with it). Retired clauses are not offered."""
    on = on or timezone.localdate()
    return (
        Clause.objects.filter(_sector_clauses(sectors), retired=False)
        .filter(standard__in=standards_in_force(on).values("pk"))
        .select_related("standard__superseded_by", "applies_to")
    )


def clause_choices(sector: Sector) -> QuerySet[Clause]:
    """Clauses offered today for a hazard of a sector (or its parent sector)."""
    return clause_offer(sectors=[sector])


_NUMERAL = "零〇一二两三四五六七八九十百\\d"
_REFERENCE = re.compile(
    rf"^(?:(?P<doc>[^第\s]*?\d+)号令?)?"
    rf"(?:第(?P<article>[{_NUMERAL}]+)条)?"
    rf"(?:第?[（(](?P<item>[{_NUMERAL}]+)[）)]项?|第(?P<item_only>[{_NUMERAL}]+)项)?$"
)
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGITS.update({"五": 5, "六": 6, "七": 7, "八": 8, "九": 9})


def chinese_number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零三 → 103; Arabic digits as they are."""
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for char in text:
        if char == "百":
            total, digit = total + (digit or 1) * 100, 0
        elif char == "十":
            total, digit = total + (digit or 1) * 10, 0
        else:
            digit = _DIGITS[char]
    return total + digit


def reference_numbers(ref: str) -> tuple[int | None, int | None]:
    """The article and item numbers of a clause reference: 第四条第（一）项 → (4, 1)."""
    match = _REFERENCE.match(re.sub(r"\s", "", ref))
    if not match:
        return None, None
    item = match["item"] or match["item_only"]
    return (
        chinese_number(match["article"]) if match["article"] else None,
        chinese_number(item) if item else None,
    )


def _reference(word: str) -> Q | None:
    """A citation such as 121号第六项, 10号令第四条第（一）项, 第十二条 or 第（三）项, as a
    condition on clauses; None when the word is not one."""
    match = _REFERENCE.match(word)
    if not match or not any(match.groupdict().values()):
        return None
    condition = Q()
    if match["doc"]:
        condition &= Q(standard__doc_no__regex=rf"(^|[^0-9]){re.escape(match['doc'])}号")
    article = chinese_number(match["article"]) if match["article"] else None
    item_text = match["item"] or match["item_only"]
    item = chinese_number(item_text) if item_text else None
    if article is not None:
        condition &= Q(article=article)
        if item is not None:
            condition &= Q(item=item)
    elif item is not None:
        # Standards numbered 一、二… under one lead-in record their items as articles (第六条).
        condition &= Q(item=item) | Q(item__isnull=True, article=item)
    return condition


def _keyword(qs: QuerySet[Clause], keyword: str) -> QuerySet[Clause]:
    for word in keyword.split():
        condition = _reference(word)
        if condition is None:
            condition = (
                Q(text__icontains=word)
                | Q(ref__icontains=word)
                | Q(sub_sector__icontains=word)
                | Q(lead_in__icontains=word)
                | Q(standard__doc_no__icontains=word)
            )
        qs = qs.filter(condition)
    return qs


def clause_search(
    *,
    sector: Sector | None = None,
    sectors: list[Sector] | None = None,
    keyword: str = "",
    current_only: bool = True,
    on: date | None = None,
) -> QuerySet[Clause]:
    """One search across all standards, or those of some sectors: words of the clause text, or
    references such as 121号第六项. `current_only`: only clauses offered on `on` (default
    today); otherwise every clause, including those of replaced standards and retired ones."""
    sectors = sectors if sectors is not None else [sector] if sector else []
    if current_only:
        qs = (
            clause_offer(sectors=sectors, on=on)
            if sectors
            else Clause.objects.filter(
                retired=False,
                standard__in=standards_in_force(on or timezone.localdate()).values("pk"),
            ).select_related("standard__superseded_by", "applies_to")
        )
    else:
        qs = Clause.objects.select_related("standard__superseded_by", "applies_to")
        if sectors:
            qs = qs.filter(_sector_clauses(sectors))
    return _keyword(qs, keyword).order_by("standard__code", "order")


def basis_gap(sector: Sector, on: date | None = None) -> str:
    """Why the catalog cannot give a 重大 hazard of this sector found on a day its clause
    (no standard, an incomplete one, or one replaced by a successor not loaded yet), or ''."""
    on = on or timezone.localdate()
    ids = [sector.pk] + ([sector.parent_id] if sector.parent_id else [])
    standards = (
        standards_in_force(on)
        .filter(pk__in=JudgmentStandard.objects.filter(sectors__in=ids).values("pk"))
        .select_related("superseded_by")
        .order_by("code")
    )
    found = False
    for standard in standards:
        found = True
        if standard.status_on(on) == StandardStatus.ENDED:
            return f"《{standard.name}》{standard.warning_on(on)}"
        if not standard.complete:
            return f"《{standard.name}》条款未完整收录"
    return "" if found else f"“{sector.name}”行业尚未录入重大事故隐患判定标准"


def standard_tasks() -> list[dict]:
    """What admins should do to the catalog: load the successor of a standard that has been
    replaced by one not in the catalog yet, and complete the standards marked incomplete."""
    today = timezone.localdate()
    tasks = []
    for standard in JudgmentStandard.objects.select_related("superseded_by").order_by("code"):
        if standard.status_on(today) == StandardStatus.ENDED:
            tasks.append(
                {
                    "standard": standard,
                    "title": f"录入 {standard.successor_label}",
                    "text": f"《{standard.name}》自 {standard.ends:%Y-%m-%d} 起已被取代，"
                    f"新准则（{standard.successor_note}）尚未录入。",
                }
            )
        elif not standard.complete and standard.is_current:
            tasks.append(
                {
                    "standard": standard,
                    "title": f"补全《{standard.name}》",
                    "text": f"条款未完整收录（已录入 {standard.clauses.count()} 条），"
                    "缺少的部分见标准说明。",
                }
            )
    return tasks
