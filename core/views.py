"""Home page, health check and error pages."""

import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from .errors import audit_refusal


@login_required
def home(request):
    """Each role starts on its own page (settings.HOME_URLS_BY_ROLE, URL names)."""
    role = getattr(request.user, "role", "")
    return redirect(settings.HOME_URLS_BY_ROLE.get(role, settings.HOME_URL_DEFAULT))


@never_cache
def healthz(request):
    """Report each part (database, Redis when configured) as JSON; 503 naming what is down.

    Served by core.middleware.HealthzMiddleware before sessions and authentication, so a
    session cookie never makes it touch the database a second time."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means the database is down
        checks["database"] = f"error: {exc.__class__.__name__}"
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(
                settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1
            ).ping()
            checks["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["redis"] = f"error: {exc.__class__.__name__}"
    down = [name for name, value in checks.items() if value != "ok"]
    return JsonResponse(
        {"status": "error" if down else "ok", "checks": checks, "down": down},
        status=503 if down else 200,
    )


DATABASE_DOWN = "数据库暂时不可用，请稍后重试。"


def unavailable(request) -> HttpResponse:
    """The database is down: a static page (or JSON for the API) that needs neither the
    database nor the session. Answered 503 with Retry-After so clients try again."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": DATABASE_DOWN, "code": "unavailable"}, status=503)
    else:
        response = HttpResponse(loader.render_to_string("errors/503.html"), status=503)
    response["Retry-After"] = "30"
    return response


def error_400(request, exception=None):
    return render(request, "errors/400.html", status=400)


def error_403(request, exception=None):
    audit_refusal(request, str(exception or "") or "没有权限")
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    """Rendered without the request's context: its processors would need the database and the
    session, which may be what failed."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return unavailable(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "服务器出错了，请稍后重试。", "code": "error"}, status=500)
    return HttpResponse(loader.render_to_string("errors/500.html"), status=500)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the site icon."""
    return redirect(static("img/favicon.svg"), permanent=True)
