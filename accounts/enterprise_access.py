"""What an enterprise account may reach: a fail-closed list of URL names.

An enterprise account (企业用户) sees its own enterprises only (core.scoping), and only through
the pages and API views named here; every other page and endpoint answers 404 to it, whatever
the object. A new page is closed to enterprises until its name is added to this list.
"""

from __future__ import annotations

from django.http import Http404
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

# Pages (namespace:name) an enterprise account may open.
ENTERPRISE_PAGE_NAMES = frozenset(
    {
        "core:home",
        "core:favicon",
        "healthz",
        "accounts:login",
        "accounts:logout",
        "accounts:password_change",
        "accounts:profile",
        "accounts:token_create",
        "accounts:token_revoke",
        "hazards:photo",
        "hazards:photo_thumbnail",
        "portal:home",
        "portal:hazard_detail",
        "portal:hazard_step",
        "portal:hazard_progress",
        "portal:hazard_photos",
        "portal:hazard_create",
        "portal:selfcheck",
        "portal:account_request",
        # Its inbox (签收), monthly self-inspection summaries and 双报告 minutes.
        "inbox:inbox",
        "inbox:notice_acknowledge",
        "inbox:document_acknowledge",
        "selfcheck:summary_list",
        "hazards:workers_report",
        "hazards:workers_minutes",
    }
)
# API views (api:name) an enterprise account may call: its hazards, their photos and the
# workflow steps the workflow table gives the enterprise role.
ENTERPRISE_API_NAMES = frozenset(
    {
        "api:auth_token",
        "api:me",
        "api:enterprise-list",
        "api:enterprise-detail",
        "api:hazard-list",
        "api:hazard-detail",
        "api:hazard-photos",
        "api:hazard-photo-file",
        "api:hazard-photo-thumbnail",
        "api:hazard-start-rectification",
        "api:hazard-report-progress",
        "api:hazard-request-extension",
        "api:hazard-submit-rectification",
    }
)
ENTERPRISE_VIEW_NAMES = ENTERPRISE_PAGE_NAMES | ENTERPRISE_API_NAMES


def is_enterprise_account(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_enterprise_account)


def enterprise_may_reach(view_name: str | None) -> bool:
    return view_name in ENTERPRISE_VIEW_NAMES


class EnterpriseAccessMiddleware:
    """Pages: an enterprise account gets 404 for every view not in ENTERPRISE_VIEW_NAMES. The
    API (token or session) is guarded by EnterpriseApiPermission, which sees token users."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/") or not is_enterprise_account(request.user):
            return None
        match = request.resolver_match
        if not enterprise_may_reach(match.view_name if match else None):
            raise Http404("未找到该页面。")
        return None


class EnterpriseApiPermission(BasePermission):
    """API: an enterprise account may call only the views in ENTERPRISE_VIEW_NAMES; any other
    answers 404, as if it did not exist."""

    def has_permission(self, request, view) -> bool:
        if not is_enterprise_account(request.user):
            return True
        match = getattr(request, "resolver_match", None)
        if not enterprise_may_reach(match.view_name if match else None):
            raise NotFound("未找到。")
        return True
