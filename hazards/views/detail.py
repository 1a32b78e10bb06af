"""One hazard: its page, its workflow steps, edits and photos."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.errors import ServiceError, add_to_form
from core.idempotency import idempotent
from core.media import photo_response

from .. import fragments, services, workflow
from ..choices import (
    Action,
    ExtensionStatus,
    PhotoKind,
)
from ..forms import HazardEditForm, PhotoUploadForm, StepForm, read_photos
from ..minutes import workers_report_refusal
from ..models import ExtensionRequest, Hazard, HazardEvent, HazardPhoto
from .common import (
    BODY_RELATED,
    BUTTON_STYLES,
    CONFIRM,
    DETAIL_RELATED,
    EVENT_DATA_LABELS,
    EVENT_DATA_VALUES,
    can_register,
    load_related,
    scoped_hazard,
)

DECIDES_EXTENSION = (Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION)
SLOT_TEMPLATES = {
    "source_report": "hazards/includes/detail_source_report.html",
    "workers_report": "hazards/includes/detail_workers_report.html",
    "photo_form": "hazards/includes/detail_photo_form.html",
}


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


def _source_report(hazard: Hazard, user):
    """The public report (群众举报) the hazard was verified from, when the user may see that
    report: the report keeps its own scope (a department seeing the hazard's sector does not
    see a report that was never transferred to it). The reverse link is read without importing
    the app above this one."""
    try:
        report = hazard.tipoff
    except (AttributeError, ObjectDoesNotExist):
        return None
    if not type(report).objects.for_user(user).filter(pk=report.pk).exists():
        return None
    return report


def _detail(request, hazard: Hazard, *, failed: StepForm | None = None, error: str = ""):
    user = request.user
    photos = list(hazard.photos.all())
    extensions = list(hazard.extensions.all())
    pending = next((e for e in extensions if e.status == ExtensionStatus.PENDING), None)
    steps = []
    available, blocked = workflow.options(hazard, user)
    for transition in available:
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
                # What the decision rests on: the request being approved or refused.
                "request": pending if transition.action in DECIDES_EXTENSION else None,
            }
        )
    photo_kinds = [kind for kind, states in workflow.PHOTO_STATES.items() if hazard.state in states]
    can_edit = hazard.state in workflow.EDIT_STATES and can_register(user)
    user_parts = {
        "hazard": hazard,
        "source_report": _source_report(hazard, user),
        "can_record_workers_report": workers_report_refusal(hazard, user) is None,
        "photo_form": PhotoUploadForm(kinds=photo_kinds)
        if photo_kinds and can_register(user)
        else None,
    }

    def draw_body() -> str:
        load_related(hazard, *BODY_RELATED)
        photos_of_event = Counter(p.event_id for p in photos if p.event_id)
        return render_to_string(
            "hazards/includes/hazard_body.html",
            {
                "hazard": hazard,
                "slots": {name: fragments.slot_marker(name) for name in fragments.SLOTS},
                "before_photos": [p for p in photos if p.kind == PhotoKind.BEFORE],
                "after_photos": [p for p in photos if p.kind == PhotoKind.AFTER],
                "extensions": extensions,
                "supervisions": list(hazard.supervisions.all()),
                "progress_due": services.progress_reports_due([hazard]).get(hazard.pk),
                "events": [(e, _event_data(e), photos_of_event[e.pk]) for e in hazard.events.all()],
            },
            request,
        )

    def fill(slot: str) -> str:
        return render_to_string(SLOT_TEMPLATES[slot], user_parts, request).strip("\n")

    return render(
        request,
        "hazards/hazard_detail.html",
        {
            "hazard": hazard,
            "body": fragments.hazard_body(hazard, draw_body, fill),
            "steps": steps,
            "blocked": blocked,
            "step_error": error,
            "can_edit": can_edit,
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
    hazard = scoped_hazard(request, pk, *DETAIL_RELATED)
    return _detail(request, hazard)


@login_required
@require_POST
@idempotent
def hazard_action(request, pk: int, action: str):
    hazard = scoped_hazard(request, pk, *DETAIL_RELATED)
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
            add_to_form(form, exc, request=request)
            hazard.refresh_from_db()
            return _detail(request, hazard, failed=form, error=exc.message)
        messages.success(request, f"已{transition.action.label}。")
        return redirect(hazard)
    return _detail(request, hazard, failed=form)


@login_required
def hazard_edit(request, pk: int):
    hazard = scoped_hazard(request, pk)
    form = HazardEditForm(request.POST or None, hazard=hazard)
    if request.method == "POST" and form.is_valid():
        try:
            services.hazard_update(hazard=hazard, by=request.user, **form.cleaned_data)
        except Hazard.DoesNotExist as exc:
            raise Http404 from exc
        except ServiceError as exc:
            add_to_form(form, exc, request=request)
        else:
            messages.success(request, "隐患信息已保存。")
            return redirect(hazard)
    return render(request, "hazards/hazard_edit.html", {"hazard": hazard, "form": form})


@login_required
@require_POST
def photo_upload(request, pk: int):
    hazard = scoped_hazard(request, pk)
    form = PhotoUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.check_photo_count(len(form.cleaned_data["photos"]))  # before reading them
            services.hazard_add_photos(
                hazard=hazard,
                by=request.user,
                kind=form.cleaned_data["kind"],
                photos=read_photos(form.cleaned_data["photos"]),
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
    return photo_response(photo.thumbnail if thumbnail else photo.image)


@login_required
@require_GET
def photo(request, pk: int):
    return _photo_response(request, pk, thumbnail=False)


@login_required
@require_GET
def photo_thumbnail(request, pk: int):
    return _photo_response(request, pk, thumbnail=True)
