"""What validating a ledger reads from the database, once per file and in chunks: the
enterprises, sectors, regions, clauses, people and 挂牌文号 the rows name, and the hazards they
could duplicate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from accounts.choices import ENTERPRISE_EDITOR_ROLES
from accounts.models import User
from core.choices import RegionLevel
from core.models import Region, Sector
from enterprises.models import Enterprise
from hazards.bulk import StandardsInForce
from hazards.models import Clause, Hazard, JudgmentStandard, Supervision

from .parse import parse_date


@dataclass
class Lookups:
    by_code: dict[str, dict]
    scoped_ids: set[int]
    by_name: dict[str, list[dict]]
    sectors: dict[str, Sector]
    sector_by_id: dict[int, Sector]
    allowed_sector_ids: set[int] | None
    regions_by_name: dict[str, list[Region]]
    regions_by_pair: dict[tuple[str, str], Region]
    default_region: Region | None
    clauses: dict[int, Clause]
    clauses_by_standard_ref: dict[tuple[str, str], list[Clause]]
    standard_sectors: dict[int, set[int]]
    users: dict[str, int]
    existing: set[tuple[int, str, date]]
    doc_nos: set[str]
    can_create_enterprises: bool
    new_enterprises: dict[str, dict] = field(default_factory=dict)
    # Hazards of the system by number: {number: in the user's scope}.
    numbers: dict[str, bool] = field(default_factory=dict)
    # Existing hazards by (enterprise, description, found date) → their number.
    existing_numbers: dict[tuple, str] = field(default_factory=dict)
    applicable_by_sector: dict[tuple, list] = field(default_factory=dict)
    in_force: StandardsInForce = field(default_factory=StandardsInForce)
    nearest: dict[tuple, list[str]] = field(default_factory=dict)


def _chunks(items: list, size: int = 2000):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def load_lookups(by, values: list[dict]) -> Lookups:
    """Everything the rows' cell texts (`values`) name, as `by` may see it."""
    by_code, by_name, scoped = _enterprises(by, values)
    sectors = list(Sector.objects.all())
    allowed = by.scope_sector_ids
    regions_by_name, pairs = _regions(by)
    clauses = {c.pk: c for c in Clause.objects.select_related("standard")}
    default_region = by.scope_region
    if default_region is not None and default_region.level not in (
        RegionLevel.COUNTY,
        RegionLevel.TOWN,
    ):
        default_region = None
    return Lookups(
        by_code=by_code,
        scoped_ids=scoped,
        by_name=by_name,
        sectors={s.name: s for s in sectors},
        sector_by_id={s.pk: s for s in sectors},
        allowed_sector_ids=set(allowed) if allowed is not None else None,
        regions_by_name=regions_by_name,
        regions_by_pair=pairs,
        default_region=default_region,
        clauses=clauses,
        clauses_by_standard_ref=_by_standard_ref(clauses.values()),
        standard_sectors=_standard_sectors(),
        users=_people(by, values),
        existing=set(),
        numbers=_numbers(by, values),
        doc_nos=_taken_doc_nos(values),
        can_create_enterprises=by.has_role(*ENTERPRISE_EDITOR_ROLES),
    )


def _by_standard_ref(clauses) -> dict[tuple[str, str], list[Clause]]:
    """Clauses by (standard name, ref): a revised standard keeps its name and refs."""
    found: dict[tuple[str, str], list[Clause]] = {}
    for clause in clauses:
        found.setdefault((clause.standard.name, clause.ref), []).append(clause)
    return found


def _enterprises(by, values: list[dict]) -> tuple[dict, dict, set[int]]:
    """Enterprises by credit code (any), by name (in scope), and which of them are in scope."""
    codes = sorted({v["credit_code"] for v in values if v.get("credit_code")})
    names = sorted({v["enterprise"] for v in values if v.get("enterprise")})
    by_code: dict[str, dict] = {}
    columns = ("pk", "name", "credit_code", "region_id", "sector_id")
    for chunk in _chunks(codes):
        for e in Enterprise.objects.filter(credit_code__in=chunk).values(*columns):
            by_code[e["credit_code"]] = e
    by_name: dict[str, list[dict]] = {}
    for chunk in _chunks(names):
        for e in Enterprise.objects.for_user(by).filter(name__in=chunk).values(*columns):
            by_name.setdefault(e["name"], []).append(e)
    ids = [e["pk"] for e in by_code.values()]
    scoped = {e["pk"] for found in by_name.values() for e in found}
    for chunk in _chunks(ids):
        scoped.update(
            Enterprise.objects.for_user(by).filter(pk__in=chunk).values_list("pk", flat=True)
        )
    return by_code, by_name, scoped


def _regions(by) -> tuple[dict[str, list[Region]], dict[tuple[str, str], Region]]:
    """The user's regions by name, and by (parent name, name)."""
    by_name: dict[str, list[Region]] = {}
    pairs: dict[tuple[str, str], Region] = {}
    for region in Region.objects.for_user(by).select_related("parent"):
        by_name.setdefault(region.name, []).append(region)
        if region.parent is not None:
            pairs[(region.parent.name, region.name)] = region
    return by_name, pairs


def _standard_sectors() -> dict[int, set[int]]:
    through = JudgmentStandard.sectors.through.objects.values_list(
        "judgmentstandard_id", "sector_id"
    )
    standard_sectors: dict[int, set[int]] = {}
    for standard_id, sector_id in through:
        standard_sectors.setdefault(standard_id, set()).add(sector_id)
    return standard_sectors


def _people(by, values: list[dict]) -> dict[str, int]:
    """复查人 names and usernames that name exactly one user in the importer's region."""
    people = sorted({v["rechecked_by"] for v in values if v.get("rechecked_by")})
    users: dict[str, list[int]] = {}
    if people:
        qs = User.objects.filter(Q(name__in=people) | Q(username__in=people))
        if by.scope_region is not None:
            qs = qs.filter(region__code__startswith=by.scope_region.prefix)
        for pk, name, username in qs.values_list("pk", "name", "username"):
            for key in {name, username}:
                users.setdefault(key, []).append(pk)
    return {k: v[0] for k, v in users.items() if len(v) == 1}


def _numbers(by, values: list[dict]) -> dict[str, bool]:
    """The hazards the rows' 隐患编号 name, and whether each is in the user's scope."""
    numbers = sorted({v["number"] for v in values if v.get("number")})
    found: dict[str, bool] = {}
    for chunk in _chunks(numbers):
        found.update(
            dict.fromkeys(
                Hazard.objects.filter(number__in=chunk).values_list("number", flat=True), False
            )
        )
        found.update(
            dict.fromkeys(
                Hazard.objects.for_user(by)
                .filter(number__in=chunk)
                .values_list("number", flat=True),
                True,
            )
        )
    return found


def _taken_doc_nos(values: list[dict]) -> set[str]:
    doc_nos = sorted({v["supervision_doc_no"] for v in values if v.get("supervision_doc_no")})
    taken: set[str] = set()
    for chunk in _chunks(doc_nos):
        taken.update(Supervision.objects.filter(doc_no__in=chunk).values_list("doc_no", flat=True))
    return taken


def known_enterprise(values: dict[str, str], lookups: Lookups) -> dict:
    """The registered enterprise a row names, if any (before full validation)."""
    found = lookups.by_code.get(values.get("credit_code", "").upper())
    if found is None and not values.get("credit_code"):
        candidates = lookups.by_name.get(values.get("enterprise", ""), [])
        found = candidates[0] if len(candidates) == 1 else None
    found_date = None
    try:
        found_date = parse_date(values.get("found_date"))
    except (ValueError, OverflowError):
        pass
    return {"enterprise_id": found["pk"] if found else None, "found_date": found_date}


def load_existing(lookups: Lookups, rows: list[dict]) -> None:
    """Existing hazards with the same enterprise and found date (for duplicate detection)."""
    ids = sorted({r["enterprise_id"] for r in rows if r.get("enterprise_id")})
    dates = sorted({r["found_date"] for r in rows if r.get("found_date")})
    if not ids or not dates:
        return
    for chunk in _chunks(ids):
        found = Hazard.objects.filter(enterprise_id__in=chunk, found_date__in=dates).values_list(
            "enterprise_id", "description", "found_date", "number"
        )
        for e, d, f, number in found:
            key = (e, d.strip(), f.isoformat())
            lookups.existing.add(key)
            lookups.existing_numbers[key] = number
