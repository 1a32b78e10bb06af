"""Matching a ledger's 判定依据 text to a clause of a judgment standard that applies to the
hazard's sector: 《standard》ref, a citation written out (121号第六项, 第三条第（二）项), or the
clause's own words; when none matches, the nearest clauses are offered."""

from __future__ import annotations

import difflib
import re
from datetime import date

from core.models import Sector
from hazards.models import Clause
from hazards.services import chinese_number

from .lookups import Lookups

_CITATION = re.compile(r"《(?P<name>[^》]+)》\s*(?P<ref>[^：:\s]+)")
_NUMERAL = "零〇一二两三四五六七八九十百\\d"
_DOC = re.compile(r"(\d+)\s*号")
_ARTICLE = re.compile(rf"第\s*([{_NUMERAL}]+)\s*条")
_ITEM = re.compile(rf"第?\s*[（(]\s*([{_NUMERAL}]+)\s*[）)]\s*项?|第\s*([{_NUMERAL}]+)\s*项")
SUGGESTIONS = 3


def _applies(clause: Clause, sector: Sector, lookups: Lookups) -> bool:
    ids = {sector.pk, sector.parent_id}
    return bool(lookups.standard_sectors.get(clause.standard_id, set()) & ids)


def _numbers(text: str) -> tuple[str | None, int | None, int | None]:
    """The document number, article and item a citation names: 121号第六项 → ('121', None, 6)."""
    doc = _DOC.search(text)
    article = _ARTICLE.search(text)
    item = _ITEM.search(text)
    item_text = (item.group(1) or item.group(2)) if item else None
    return (
        doc.group(1) if doc else None,
        chinese_number(article.group(1)) if article else None,
        chinese_number(item_text) if item_text else None,
    )


def _by_numbers(text: str, candidates: list[Clause]) -> list[Clause]:
    doc, article, item = _numbers(text)
    if article is None and item is None:
        return []
    if doc:
        pattern = re.compile(rf"(^|[^0-9]){doc}号")
        candidates = [c for c in candidates if pattern.search(c.standard.doc_no or "")]
    if article is not None:
        found = [c for c in candidates if c.article == article]
        return [c for c in found if c.item == item] if item is not None else found
    # Standards numbered 一、二… under one lead-in record their items as articles (第六条).
    return [c for c in candidates if c.item == item or (c.item is None and c.article == item)]


def _one(found: list[Clause]) -> Clause | None:
    if len(found) == 1:
        return found[0]
    current = [c for c in found if c.standard.superseded_by_id is None]
    return current[0] if len(current) == 1 else None


def match_clause(text: str, sector: Sector, lookups: Lookups, on: date | None) -> Clause | None:
    """The one clause the text names among those applying to the sector on the found date, or
    None."""
    applicable = _applicable(sector, lookups, on)
    if match := _CITATION.search(text):
        named = lookups.clauses_by_standard_ref.get((match["name"], match["ref"]), [])
        if found := _one([c for c in named if c in applicable]):
            return found
    compact = re.sub(r"\s", "", text)
    if found := _one(_by_numbers(compact, applicable)):
        return found
    by_ref = [c for c in applicable if c.ref in compact]
    if by_ref:
        with_doc = [c for c in by_ref if c.standard.doc_no and c.standard.doc_no in compact]
        for candidates in (with_doc, by_ref):
            longest = max(len(c.ref) for c in candidates) if candidates else 0
            if found := _one([c for c in candidates if len(c.ref) == longest]):
                return found
    by_text = [c for c in applicable if len(c.text) >= 8 and re.sub(r"\s", "", c.text) in compact]
    return by_text[0] if len(by_text) == 1 else None


def _applicable(sector: Sector, lookups: Lookups, on: date | None) -> list[Clause]:
    """The clauses a hazard of the sector found on the day may cite (all days when None)."""
    cache = lookups.applicable_by_sector
    key = (sector.pk, on)
    if key not in cache:
        in_force = lookups.in_force.on(on) if on else None
        cache[key] = [
            c
            for c in lookups.clauses.values()
            if _applies(c, sector, lookups)
            and not c.retired
            and (in_force is None or c.standard_id in in_force)
        ]
    return cache[key]


def nearest_clauses(text: str, sector: Sector, lookups: Lookups, on: date | None) -> list[str]:
    """The clauses nearest to an unmatched text, as 《standard》ref：text to choose from: those
    the citation's numbers name (in any applicable standard), else those closest in wording."""
    applicable = _applicable(sector, lookups, on)
    compact = re.sub(r"\s", "", text)
    found = _by_numbers(compact, applicable)
    if not found:
        scored = sorted(
            applicable,
            key=lambda c: difflib.SequenceMatcher(None, compact, c.text[:80]).ratio(),
            reverse=True,
        )
        found = scored
    return [f"《{c.standard.name}》{c.ref}：{c.text[:30]}" for c in found[:SUGGESTIONS]]
