"""审计日志: administrators search the audit log (core.audit) by person, words, kind and date."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from .audit import AuditKind, audit_entries_for

PAGE_SIZE = 50


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def audit_list(request):
    """Administrators read the audit log: a superuser all of it, a county's administrator the
    rows of that county."""
    entries = audit_entries_for(request.user)
    if entries is None:
        raise PermissionDenied("只有系统管理员可以查看审计日志。")
    entries = entries.select_related("region")
    q = request.GET.get("q", "").strip()[:100]
    if q:
        words = Q(username__icontains=q) | Q(summary__icontains=q) | Q(target__icontains=q)
        words |= Q(address=q) if _is_address(q) else Q()
        words |= Q(pk=int(q)) if q.isdigit() else Q()
        entries = entries.filter(words)
    kind = request.GET.get("kind", "")
    if kind in AuditKind.values:
        entries = entries.filter(kind=kind)
    if since := _day(request.GET.get("since")):
        entries = entries.filter(at__date__gte=since)
    if until := _day(request.GET.get("until")):
        entries = entries.filter(at__date__lte=until)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_list.html",
        {
            "page": page,
            "kinds": AuditKind.choices,
            "filters": {
                "q": q,
                "kind": kind,
                "since": request.GET.get("since", ""),
                "until": request.GET.get("until", ""),
            },
            "query": query.urlencode(),
        },
    )


def _is_address(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
