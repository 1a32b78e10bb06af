"""Home page, health check and error pages."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
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
    """Report the database (and Redis when configured); 503 when one is down."""
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

            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["redis"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


def error_400(request, exception=None):
    return render(request, "errors/400.html", status=400)


def error_403(request, exception=None):
    audit_refusal(request, str(exception or "") or "没有权限")
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    return render(request, "errors/500.html", status=500)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the site icon."""
    return redirect(static("img/favicon.svg"), permanent=True)
