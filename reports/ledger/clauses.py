"""Matching a ledger's 判定依据 text to a clause of a judgment standard that applies to the
hazard's sector."""

from __future__ import annotations

import re

from core.models import Sector
from hazards.models import Clause

from .lookups import Lookups

_CITATION = re.compile(r"《(?P<name>[^》]+)》\s*(?P<ref>[^：:\s]+)")


def _applies(clause: Clause, sector: Sector, lookups: Lookups) -> bool:
    ids = {sector.pk, sector.parent_id}
    return bool(lookups.standard_sectors.get(clause.standard_id, set()) & ids)


def match_clause(text: str, sector: Sector, lookups: Lookups) -> Clause | None:
    """Match 判定依据 text: 《standard》ref, a doc number with a ref, a ref alone, or the text."""
    if match := _CITATION.search(text):
        clause = lookups.clauses_by_standard_ref.get((match["name"], match["ref"]))
        if clause is not None and _applies(clause, sector, lookups):
            return clause
    applicable = [c for c in lookups.clauses.values() if _applies(c, sector, lookups)]
    compact = re.sub(r"\s", "", text)
    by_ref = [c for c in applicable if c.ref in compact]
    if by_ref:
        with_doc = [c for c in by_ref if c.standard.doc_no and c.standard.doc_no in compact]
        for candidates in (with_doc, by_ref):
            longest = max(len(c.ref) for c in candidates) if candidates else 0
            best = [c for c in candidates if len(c.ref) == longest]
            current = [c for c in best if c.standard.superseded_by_id is None]
            if len(best) == 1:
                return best[0]
            if len(current) == 1:
                return current[0]
    by_text = [c for c in applicable if len(c.text) >= 8 and re.sub(r"\s", "", c.text) in compact]
    return by_text[0] if len(by_text) == 1 else None
