"""Hazard pages. Views declare what to show and call services and the workflow; nothing more."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.errors import ServiceError, add_to_form
from core.filtering import filter_results
from core.paginator import VersionedCountPaginator
from enterprises.models import Enterprise

from . import pending, services, versioning, workflow
from .choices import (
    Action,
    ExtensionStatus,
    HazardLevel,
    HazardState,
    PhotoKind,
    Stoppage,
    SupervisionLevel,
    UrgingKind,
)
from .filtersets import HazardFilterSet
from .forms import HazardCreateForm, HazardEditForm, PhotoUploadForm, StepForm, read_photos
from .models import ExtensionRequest, Hazard, HazardEvent, HazardPhoto, JudgmentStandard

PAGE_SIZES = (20, 50, 100)
LIST_RELATED = ("enterprise", "region", "sector", "clause__standard")
# The detail page names the visit a hazard was found at (来源检查) through its finding.
DETAIL_RELATED = ("found_by", "rechecked_by", "closed_by", "finding__inspection__enterprise")
SEARCH_LIMIT = 20
# Filters folded under 更多筛选 on the list page.
ADVANCED_FILTERS = (
    "source",
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
    "completed_date": "整改完成日期",
    "passed": "复查结果",
    "new_deadline": "新的整改期限",
    "doc_no": "督办文号",
    "regulator": "向监管部门报告",
    "workers": "向职工大会报告",
    "kind": "照片",
    "fields": "修改了",
    "urging_kind": "督促方式",
    "urging_date": "督促日期",
    "urging_doc_no": "文号",
}
EVENT_DATA_VALUES = {
    "level": {**dict(HazardLevel.choices), **dict(SupervisionLevel.choices)},
    "stoppage": dict(Stoppage.choices),
    "kind": dict(PhotoKind.choices),
    "passed": {True: "通过", False: "不通过"},
    "urging_kind": dict(UrgingKind.choices),
}


def _page_size(request) -> int:
    try:
        size = int(request.GET.get("page_size", PAGE_SIZES[0]))
    except ValueError:
        return PAGE_SIZES[0]
    return size if size in PAGE_SIZES else PAGE_SIZES[0]


def _can_register(user) -> bool:
    return user.has_role(*services.REGISTER_ROLES)


def _scoped_hazard(request, pk: int, *related: str) -> Hazard:
    return get_object_or_404(
        Hazard.objects.for_user(request.user).select_related(*LIST_RELATED, *related), pk=pk
    )


# ---------------------------------------------------------------- lists


def _mark_progress_due(page) -> None:
    """Give each listed hazard of the page its progress-report lateness (one query)."""
    due = services.progress_reports_due(page.object_list)
    for hazard in page.object_list:
        hazard.progress_due = due.get(hazard.pk)


@login_required
def hazard_list(request):
    queryset = Hazard.objects.for_user(request.user).select_related(*LIST_RELATED)
    filterset = HazardFilterSet(request.GET or None, queryset=queryset, request=request)
    results, filter_errors = filter_results(filterset, queryset)
    page = VersionedCountPaginator(
        results, _page_size(request), version=versioning.data_version
    ).get_page(request.GET.get("page"))
    _mark_progress_due(page)
    selected_states = request.GET.getlist("state")
    chosen_enterprise = None
    if request.GET.get("enterprise"):
        chosen_enterprise = (
            Enterprise.objects.for_user(request.user)
            .filter(
                pk=int(value)
                if (value := request.GET["enterprise"]).isascii() and value.isdigit()
                else None
            )
            .first()
        )
    template = "hazards/includes/hazard_table.html" if request.htmx else "hazards/hazard_list.html"
    return render(
        request,
        template,
        {
            "filter": filterset,
            "filter_errors": filter_errors,
            "page": page,
            "page_sizes": PAGE_SIZES,
            "state_choices": [
                (value, label, value in selected_states) for value, label in HazardState.choices
            ],
            "chosen_enterprise": chosen_enterprise,
            "can_register": _can_register(request.user),
            "advanced_fields": ADVANCED_FILTERS,
            "advanced": any(request.GET.get(name) for name in ADVANCED_FILTERS),
        },
    )


@login_required
def hazard_queue(request):
    queryset = (
        services.hazard_queue(request.user)
        .select_related(*LIST_RELATED)
        .order_by("current_deadline", "number")
    )
    page = VersionedCountPaginator(
        queryset, _page_size(request), version=versioning.data_version
    ).get_page(request.GET.get("page"))
    _mark_progress_due(page)
    return render(
        request,
        "hazards/hazard_queue.html",
        {"page": page, "page_sizes": PAGE_SIZES, "queue": True},
    )


# ---------------------------------------------------------------- detail and steps


def _step_initial(hazard: Hazard, transition, user, pending: ExtensionRequest | None) -> dict:
    """Helpful starting values for a step form; the workflow still checks everything."""
    today = timezone.localdate().isoformat()
    initial = {}
    for name in transition.fields:
        if transition.action == Action.LIST_SUPERVISION:
            if name == "issuing_unit" and user.department:
                initial[name] = user.department.name
            continue
        if name in ("completed_date", "recheck_date", "urging_date"):
            initial[name] = today
        elif name == "plan_deadline":
            initial[name] = hazard.current_deadline.isoformat()
        elif name == "approved_deadline" and pending:
            initial[name] = pending.requested_deadline.isoformat()
        elif name in ("measures", "responsible_person", "emergency_plan", "stoppage", "funds"):
            value = getattr(hazard, name)
            if value not in (None, ""):
                initial[name] = value
    return initial


def _detail(request, hazard: Hazard, *, failed: StepForm | None = None, error: str = ""):
    user = request.user
    photos = list(hazard.photos.select_related("uploaded_by"))
    extensions = list(hazard.extensions.select_related("requested_by", "decided_by"))
    pending = next((e for e in extensions if e.status == ExtensionStatus.PENDING), None)
    steps = []
    for transition in workflow.available(hazard, user):
        if failed is not None and failed.action == transition.action:
            form = failed
        else:
            form = StepForm(
                transition=transition,
                initial=_step_initial(hazard, transition, user, pending),
            )
        steps.append(
            {
                "form": form,
                "confirm": CONFIRM.get(transition.action, ""),
                "style": BUTTON_STYLES.get(transition.action, "primary"),
                "open": form is failed,
            }
        )
    events = list(
        hazard.events.select_related("actor").prefetch_related(
            Prefetch("photos", queryset=HazardPhoto.objects.only("pk", "event_id", "kind"))
        )
    )
    photo_kinds = [kind for kind, states in workflow.PHOTO_STATES.items() if hazard.state in states]
    can_edit = hazard.state in workflow.EDIT_STATES and _can_register(user)
    return render(
        request,
        "hazards/hazard_detail.html",
        {
            "hazard": hazard,
            "before_photos": [p for p in photos if p.kind == PhotoKind.BEFORE],
            "after_photos": [p for p in photos if p.kind == PhotoKind.AFTER],
            "extensions": extensions,
            "supervisions": list(hazard.supervisions.select_related("listed_by", "removed_by")),
            "progress_due": services.progress_reports_due([hazard]).get(hazard.pk),
            "events": [(e, _event_data(e)) for e in events],
            "steps": steps,
            "step_error": error,
            "can_edit": can_edit,
            "photo_form": PhotoUploadForm(kinds=photo_kinds)
            if photo_kinds and _can_register(user)
            else None,
        },
    )


def _event_data(event: HazardEvent) -> list[tuple[str, str]]:
    rows = []
    for key, value in (event.data or {}).items():
        if key not in EVENT_DATA_LABELS:
            continue
        if isinstance(value, list):
            value = "、".join(str(v) for v in value)
        value = EVENT_DATA_VALUES.get(key, {}).get(value, value)
        rows.append((EVENT_DATA_LABELS[key], value))
    return rows


@login_required
def hazard_detail(request, pk: int):
    hazard = _scoped_hazard(request, pk, *DETAIL_RELATED)
    return _detail(request, hazard)


@login_required
@require_POST
def hazard_action(request, pk: int, action: str):
    hazard = _scoped_hazard(request, pk, *DETAIL_RELATED)
    try:
        transition = workflow.TABLE[Action(action)]
    except (ValueError, KeyError) as exc:
        raise Http404 from exc
    form = StepForm(request.POST, transition=transition)
    if form.is_valid():
        comment, payload = form.payload()
        try:
            workflow.apply(
                hazard=hazard, action=action, by=request.user, comment=comment, **payload
            )
        except Hazard.DoesNotExist as exc:
            raise Http404 from exc
        except ServiceError as exc:
            add_to_form(form, exc)
            hazard.refresh_from_db()
            return _detail(request, hazard, failed=form, error=exc.message)
        messages.success(request, f"已{transition.action.label}。")
        return redirect(hazard)
    return _detail(request, hazard, failed=form)


@login_required
def hazard_edit(request, pk: int):
    hazard = _scoped_hazard(request, pk)
    form = HazardEditForm(request.POST or None, hazard=hazard)
    if request.method == "POST" and form.is_valid():
        try:
            services.hazard_update(hazard=hazard, by=request.user, **form.cleaned_data)
        except Hazard.DoesNotExist as exc:
            raise Http404 from exc
        except ServiceError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "隐患信息已保存。")
            return redirect(hazard)
    return render(request, "hazards/hazard_edit.html", {"hazard": hazard, "form": form})


@login_required
@require_POST
def photo_upload(request, pk: int):
    hazard = _scoped_hazard(request, pk)
    form = PhotoUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            for name, data in read_photos(form.cleaned_data["photos"]):
                services.hazard_add_photo(
                    hazard=hazard,
                    by=request.user,
                    kind=form.cleaned_data["kind"],
                    data=data,
                    name=name,
                )
        except Hazard.DoesNotExist as exc:
            raise Http404 from exc
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已上传 {len(form.cleaned_data['photos'])} 张照片。")
    else:
        messages.error(
            request, "；".join(str(e) for errors in form.errors.values() for e in errors)
        )
    return redirect(hazard.get_absolute_url() + "#photos")


def _photo_response(request, pk: int, thumbnail: bool):
    photo = get_object_or_404(
        HazardPhoto.objects.filter(hazard__in=Hazard.objects.for_user(request.user)), pk=pk
    )
    file = photo.thumbnail if thumbnail else photo.image
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def photo(request, pk: int):
    return _photo_response(request, pk, thumbnail=False)


@login_required
@require_GET
def photo_thumbnail(request, pk: int):
    return _photo_response(request, pk, thumbnail=True)


# ---------------------------------------------------------------- registration


@login_required
def hazard_create(request):
    form = HazardCreateForm(request.POST or None, request.FILES or None, user=request.user)
    kept = []
    if request.method == "POST":
        # Photos kept from a previous attempt that came back with an error (hazards.pending).
        kept = pending.load(request.user, request.POST.getlist("kept_photo"))
        if form.is_valid():
            data = dict(form.cleaned_data)
            new = read_photos(data.pop("photos"))
            photos = [(p.name, p.data) for p in kept] + new
            try:
                hazard = services.hazard_register(by=request.user, photos=photos, **data)
            except Enterprise.DoesNotExist:
                form.add_error("enterprise", "请重新选择企业。")
            except ServiceError as exc:
                add_to_form(form, exc, aliases={"file": "photos"})
            else:
                pending.discard(kept)
                messages.success(request, f"已登记隐患 {hazard.number}。")
                return redirect(hazard)
        else:
            new = read_photos(request.FILES.getlist("photos"))
        kept += pending.stash(request.user, new)
    return render(
        request,
        "hazards/hazard_create.html",
        {
            "form": form,
            "enterprise": form.selected("enterprise"),
            "clause": form.selected("clause"),
            "can_register": _can_register(request.user),
            "kept_photos": kept,
        },
    )


@login_required
@require_GET
def enterprise_options(request):
    """htmx: enterprises in scope matching a name or credit code, as radio choices."""
    keyword = request.GET.get("enterprise_q", "").strip()
    enterprises = Enterprise.objects.for_user(request.user).select_related("region", "sector")
    selected = request.GET.get("enterprise", "")
    chosen = enterprises.filter(pk=selected).first() if selected.isdigit() else None
    if keyword:
        enterprises = enterprises.filter(
            Q(name__icontains=keyword) | Q(credit_code__icontains=keyword.upper())
        )
    return render(
        request,
        "hazards/includes/enterprise_options.html",
        {
            "enterprises": list(enterprises.order_by("name")[:SEARCH_LIMIT]),
            "chosen": chosen,
            "selected": selected,
            "keyword": keyword,
        },
    )


@login_required
@require_GET
def clause_options(request):
    """htmx: clauses that apply to the chosen enterprise's sector, searched by keyword."""
    keyword = request.GET.get("clause_q", "").strip()
    pk = request.GET.get("enterprise", "")
    enterprise = (
        Enterprise.objects.for_user(request.user).select_related("sector").filter(pk=pk).first()
        if pk.isdigit()
        else None
    )
    clauses, total = [], 0
    if enterprise is not None:
        found = services.clause_search(sector=enterprise.sector, keyword=keyword)
        total = found.count()
        clauses = list(found[:SEARCH_LIMIT])
    selected = request.GET.get("clause", "")
    chosen = None
    if enterprise and selected.isdigit() and all(str(c.pk) != selected for c in clauses):
        # Keep the chosen clause visible while searching, if it applies to this enterprise.
        chosen = (
            services.clause_search(sector=enterprise.sector, current_only=False)
            .filter(pk=selected)
            .first()
        )
    if selected and not chosen and all(str(c.pk) != selected for c in clauses):
        selected = ""
    return render(
        request,
        "hazards/includes/clause_options.html",
        {
            "enterprise": enterprise,
            "clauses": clauses,
            "total": total,
            "chosen": chosen,
            "selected": selected,
            "keyword": keyword,
            "limit": SEARCH_LIMIT,
        },
    )


# ---------------------------------------------------------------- judgment standards


@login_required
def standard_list(request):
    standards = (
        JudgmentStandard.objects.select_related("superseded_by")
        .annotate(clause_count=Count("clauses"))
        .order_by("sector_label", "-effective", "code")
    )
    return render(request, "hazards/standard_list.html", {"standards": standards})


@login_required
def standard_detail(request, pk: int):
    standard = get_object_or_404(JudgmentStandard.objects.select_related("superseded_by"), pk=pk)
    keyword = request.GET.get("q", "").strip()
    clauses = services.clause_search(sector=None, keyword=keyword, current_only=False).filter(
        standard=standard
    )
    template = (
        "hazards/includes/clause_table.html" if request.htmx else "hazards/standard_detail.html"
    )
    return render(
        request,
        template,
        {
            "standard": standard,
            "clauses": clauses,
            "keyword": keyword,
            "sectors": list(standard.sectors.all()),
        },
    )
