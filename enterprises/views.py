"""Enterprise registry pages. Views declare; services decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.choices import ENTERPRISE_EDITOR_ROLES
from core.errors import ServiceError, add_to_form, message_user
from core.filtering import filter_results
from core.idempotency import idempotent
from core.uploads import bind_upload_form, read_upload

from . import services
from .filtersets import EnterpriseFilterSet
from .forms import EnterpriseForm, ImportUploadForm
from .models import Enterprise, EnterpriseImport

PAGE_SIZES = (20, 50, 100)


def _can_edit(user) -> bool:
    return user.has_role(*ENTERPRISE_EDITOR_ROLES)


def _page_size(request) -> int:
    try:
        size = int(request.GET.get("page_size", PAGE_SIZES[0]))
    except ValueError:
        return PAGE_SIZES[0]
    return size if size in PAGE_SIZES else PAGE_SIZES[0]


@login_required
def enterprise_list(request):
    queryset = Enterprise.objects.for_user(request.user).select_related("region", "sector")
    filterset = EnterpriseFilterSet(request.GET or None, queryset=queryset, request=request)
    results, filter_errors = filter_results(filterset, queryset)
    page = Paginator(results, _page_size(request)).get_page(request.GET.get("page"))
    template = (
        "enterprises/includes/enterprise_table.html"
        if request.htmx
        else "enterprises/enterprise_list.html"
    )
    return render(
        request,
        template,
        {
            "filter": filterset,
            "filter_errors": filter_errors,
            "page": page,
            "can_edit": _can_edit(request.user),
            "page_sizes": PAGE_SIZES,
        },
    )


@login_required
def enterprise_detail(request, pk: int):
    enterprise = get_object_or_404(
        Enterprise.objects.for_user(request.user).select_related(
            "region__parent", "sector", "department"
        ),
        pk=pk,
    )
    history = list(enterprise.history.select_related("history_user").order_by("-history_date")[:50])
    changes = []
    for newer, older in zip(history, history[1:] + [None], strict=True):
        diff = newer.diff_against(older).changes if older else []
        changes.append(
            {
                "record": newer,
                "changes": [
                    {
                        "field": Enterprise._meta.get_field(c.field).verbose_name,
                        "old": _display(c.field, c.old),
                        "new": _display(c.field, c.new),
                    }
                    for c in diff
                ],
            }
        )
    return render(
        request,
        "enterprises/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "changes": changes,
            "can_edit": _can_edit(request.user),
        },
    )


def _display(field_name: str, value):
    field = Enterprise._meta.get_field(field_name)
    if field.choices:
        return dict(field.choices).get(value, value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if field.is_relation and value is not None and not field.many_to_many:
        obj = field.related_model.objects.filter(pk=value).first()
        return str(obj) if obj else value
    return "（空）" if value in (None, "") else value


def _save_form(request, form, enterprise=None):
    data = dict(form.cleaned_data)
    other = data.pop("other_sectors", None)
    try:
        if enterprise is None:
            return services.enterprise_create(by=request.user, other_sectors=other, **data)
        return services.enterprise_update(
            enterprise=enterprise, by=request.user, other_sectors=other, **data
        )
    except ServiceError as exc:
        add_to_form(form, exc, request=request)
    return None


@login_required
def enterprise_create(request):
    if not _can_edit(request.user):
        raise PermissionDenied
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        enterprise = _save_form(request, form)
        if enterprise:
            messages.success(request, f"已登记企业：{enterprise.name}")
            return redirect(enterprise)
    return render(request, "enterprises/enterprise_form.html", {"form": form, "title": "新增企业"})


@login_required
def enterprise_edit(request, pk: int):
    enterprise = get_object_or_404(Enterprise.objects.for_user(request.user), pk=pk)
    if not _can_edit(request.user):
        raise PermissionDenied
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        enterprise = _save_form(request, form, Enterprise.objects.get(pk=pk))
        if enterprise:
            messages.success(request, "企业信息已保存。")
            return redirect(enterprise)
    return render(
        request,
        "enterprises/enterprise_form.html",
        {
            "form": form,
            "title": f"编辑：{enterprise.name}",
            "enterprise": enterprise,
        },
    )


@login_required
def import_template(request):
    response = HttpResponse(
        services.import_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E4%BC%81%E4%B8%9A%E5%90%8D%E5%BD%95%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response


@login_required
@idempotent
def import_upload(request):
    if not _can_edit(request.user):
        raise PermissionDenied
    form = bind_upload_form(ImportUploadForm, request)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.enterprise_import_preview(
                by=request.user, data=read_upload(upload), file_name=upload.name
            )
        except ServiceError as exc:
            add_to_form(form, exc, request=request)
        else:
            return redirect(batch)
    recent = EnterpriseImport.objects.for_user(request.user).filter(uploaded_by=request.user)[:10]
    return render(request, "enterprises/import_upload.html", {"form": form, "recent": recent})


@login_required
def import_detail(request, pk: int):
    batch = get_object_or_404(EnterpriseImport.objects.for_user(request.user), pk=pk)
    return render(
        request,
        "enterprises/import_detail.html",
        {
            "batch": batch,
            "preview": batch.rows[:50],
            "errors": batch.errors[:500],
        },
    )


@login_required
@require_POST
@idempotent
def import_commit(request, pk: int):
    batch = get_object_or_404(EnterpriseImport.objects.for_user(request.user), pk=pk)
    try:
        count = services.enterprise_import_commit(batch=batch, by=request.user)
    except ServiceError as exc:
        message_user(request, exc)
        return redirect(batch)
    messages.success(request, f"导入完成：新增企业 {count} 家。")
    return redirect("enterprises:enterprise_list")
