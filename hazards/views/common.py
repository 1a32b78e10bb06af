"""What the hazard pages share: list settings, step buttons, how timeline data reads."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404

from core.models import Region
from enterprises.models import Enterprise

from .. import services
from ..choices import (
    Action,
    HazardLevel,
    PhotoKind,
    Stoppage,
    SupervisionLevel,
    UrgingKind,
)
from ..models import Hazard

PAGE_SIZES = (20, 50, 100)
LIST_RELATED = ("enterprise", "region", "sector", "clause__standard__superseded_by")
# What a list row shows besides the hazard: fetched by key after the page's rows (two small
# queries) rather than joined, since planning a seven-table join costs more than the page.
# Only the columns a row shows (and the queue's reasons read) are fetched: a hazard has 45,
# most of them long texts of the rectification.
LIST_PREFETCH = (
    Prefetch("enterprise", queryset=Enterprise.objects.only("pk", "name")),
    Prefetch("region", queryset=Region.objects.only("pk", "name")),
)
LIST_FIELDS = (
    "number",
    "enterprise",
    "region",
    "level",
    "supervision_level",
    "state",
    "place",
    "description",
    "found_date",
    "current_deadline",
    "other_basis",
    "basis_confirmed_at",
)
# The people a hazard names: fetched together in one query by scoped_hazard.
USER_FIELDS = ("found_by", "rechecked_by", "closed_by", "basis_confirmed_by")
# The people the rows of a related list name, fetched in that same query when the list is.
RELATED_PEOPLE = {
    "extensions": ("requested_by", "decided_by"),
    "supervisions": ("listed_by", "removed_by"),
    "events": ("actor",),
}
# Lists most hazards have no row in (a visit it was found at, extension requests, listings,
# photos): one query asks which the hazard has, and only those are fetched.
OFTEN_EMPTY = frozenset({"finding", "extensions", "supervisions", "photos"})
# Joined to the hazard rather than fetched by key: one small join each (the public report a
# hazard was verified from is a reverse one-to-one, read without importing its app).
JOINED = (*LIST_RELATED[:3], "tipoff")
# The hazard page: what its head (the steps, whose guards read the hazard's lists) needs, and
# what only its body (kept for everyone who may see the hazard, hazards.fragments) shows.
# (The finding is asked with the head's lists, in the one query of which lists the hazard has.)
DETAIL_RELATED = (
    "tipoff",
    "finding__inspection__enterprise",
    "extensions",
    "supervisions",
    "photos",
)
BODY_RELATED = (*USER_FIELDS, "events")
SEARCH_LIMIT = 20
# Filters folded under 更多筛选 on the list page.
ADVANCED_FILTERS = (
    "source",
    "basis",
    "sector",
    "is_open",
    "supervised",
    "found_after",
    "found_before",
    "deadline_after",
    "deadline_before",
    "closed_after",
    "closed_before",
)

# Steps that cannot be undone ask for confirmation first (the text of the dialog).
CONFIRM = {
    Action.SIGN_OFF: "销号后该隐患闭环结束，不能撤销。确认销号吗？",
    Action.REMOVE_SUPERVISION: "摘牌后将解除挂牌督办，不能撤销。确认摘牌吗？",
    Action.RECHECK_FAIL: "复查不通过将退回整改，并以新的期限重新计算。确认复查不通过吗？",
    Action.REFUSE_EXTENSION: "确认不批准该延期申请吗？",
}
BUTTON_STYLES = {
    Action.RECHECK_FAIL: "outline-danger",
    Action.REFUSE_EXTENSION: "outline-danger",
    Action.SIGN_OFF: "success",
    Action.CONFIRM_BASIS: "outline-success",
    Action.RECHECK_PASS: "success",
    Action.APPROVE_EXTENSION: "success",
    Action.LIST_SUPERVISION: "outline-danger",
    Action.REMOVE_SUPERVISION: "outline-secondary",
    Action.RECORD_DUAL_REPORT: "outline-secondary",
    Action.RECORD_URGING: "outline-warning",
    Action.REPORT_PROGRESS: "outline-primary",
    Action.REQUEST_EXTENSION: "outline-primary",
}
# How the `data` of a timeline event reads.
EVENT_DATA_LABELS = {
    "level": "级别",
    "deadline": "期限",
    "stoppage": "停产停业",
    "requested_deadline": "申请延期至",
    "approved_deadline": "批准延期至",
    "supervision_deadline": "督办期限调整为",
    "completed_date": "整改完成日期",
    "passed": "复查结果",
    "new_deadline": "新的整改期限",
    "doc_no": "督办文号",
    "regulator": "向监管部门报告",
    "workers": "向职工大会报告",
    "minutes": "会议记录",
    "kind": "照片",
    "fields": "修改了",
    "urging_kind": "督促方式",
    "urging_date": "督促日期",
    "urging_doc_no": "文号",
    "other_basis": "其他依据",
}
EVENT_DATA_VALUES = {
    "level": {**dict(HazardLevel.choices), **dict(SupervisionLevel.choices)},
    "stoppage": dict(Stoppage.choices),
    "kind": dict(PhotoKind.choices),
    "passed": {True: "通过", False: "不通过"},
    "urging_kind": dict(UrgingKind.choices),
}


def page_size_of(request) -> int:
    try:
        size = int(request.GET.get("page_size", PAGE_SIZES[0]))
    except ValueError:
        return PAGE_SIZES[0]
    return size if size in PAGE_SIZES else PAGE_SIZES[0]


def can_register(user) -> bool:
    return user.has_role(*services.REGISTER_ROLES)


def scoped_hazard(request, pk: int, *related: str | Prefetch) -> Hazard:
    """A hazard in the user's scope, or 404. Its enterprise, region and sector come joined;
    the clause and `related` by key, one small query each (the people it and its related rows
    name in one together): planning one join of a dozen tables costs PostgreSQL more than all
    of them."""
    joined = [name for name in JOINED if name in LIST_RELATED or name in related]
    queryset = Hazard.objects.for_user(request.user).select_related(*joined)
    hazard = get_object_or_404(queryset, pk=pk)
    load_related(hazard, *(name for name in (*LIST_RELATED, *related) if name not in joined))
    return hazard


def load_related(hazard: Hazard, *related: str | Prefetch) -> None:
    """Fetch these relations of a hazard already read (the lists it has no row in recorded as
    empty without a query), and the people they and the hazard name, in one query."""
    people = [name for name in related if name in USER_FIELDS]
    fetched = [_fetch(name) for name in related if name not in people]
    fetched = [f for f in fetched if _has_rows(hazard, f)]
    absent = _absent(hazard, [_head(f) for f in fetched if _head(f) in OFTEN_EMPTY])
    for name in absent:
        _cache_empty(hazard, name)
    prefetch_related_objects([hazard], *[f for f in fetched if _head(f) not in absent])
    owners = [(hazard, people)]
    for relation, fields in RELATED_PEOPLE.items():
        if relation in related:
            owners += [(row, fields) for row in getattr(hazard, relation).all()]
    _attach_people(owners)


def _head(name: str | Prefetch) -> str:
    return (name.prefetch_through if isinstance(name, Prefetch) else name).split("__")[0]


def _has_rows(hazard: Hazard, name: str | Prefetch) -> bool:
    """A relation by key worth a query: not a key the hazard leaves empty (a hazard judged on
    another basis has no clause; reading it then asks nothing)."""
    field = Hazard._meta.get_field(_head(name))
    return not (field.many_to_one and getattr(hazard, field.attname) is None)


def _absent(hazard: Hazard, names: list[str]) -> set[str]:
    """Which of these reverse relations hold no row for the hazard, asked in one query of
    EXISTS (on the database the hazard was read from): the page fetches only the lists the
    hazard has."""
    if not names:
        return set()
    relations = [Hazard._meta.get_field(name) for name in names]
    connection = connections[hazard._state.db or DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    checks = ", ".join(
        f"EXISTS (SELECT 1 FROM {quote(rel.related_model._meta.db_table)}"
        f" WHERE {quote(rel.field.column)} = %s)"
        for rel in relations
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {checks}", [hazard.pk] * len(relations))
        found = cursor.fetchone()
    return {name for name, has in zip(names, found, strict=True) if not has}


def _cache_empty(hazard: Hazard, name: str) -> None:
    """Record a relation the hazard has no row in as read, as prefetch_related would: the
    page, the step guards and the templates then read it without a query."""
    relation = Hazard._meta.get_field(name)
    if relation.one_to_one:
        relation.set_cached_value(hazard, None)
        return
    rows = getattr(hazard, name).get_queryset()
    rows._result_cache, rows._prefetch_done = [], True
    hazard.__dict__.setdefault("_prefetched_objects_cache", {})[relation.cache_name] = rows


def _attach_people(owners: list[tuple[object, tuple[str, ...] | list[str]]]) -> None:
    """The people the hazard and its related rows name (who found, re-checked, closed it, who
    asked for an extension, who took a step …), all in one query."""
    ids = {getattr(row, f"{name}_id") for row, fields in owners for name in fields} - {None}
    people = get_user_model().objects.in_bulk(ids) if ids else {}
    for row, fields in owners:
        for name in fields:
            setattr(row, name, people.get(getattr(row, f"{name}_id")))


def _fetch(name: str | Prefetch) -> str | Prefetch:
    """A relation fetched by key, the rest of its path joined to it: one query for the clause
    with its standard and the standard replacing it, one for the finding (a reverse one-to-one)
    with its visit, whether or not the hazard has one."""
    if isinstance(name, Prefetch):
        return name
    head, _, rest = name.partition("__")
    field = Hazard._meta.get_field(head)
    if rest and (field.many_to_one or field.one_to_one):
        return Prefetch(head, queryset=field.related_model.objects.select_related(rest))
    return name
