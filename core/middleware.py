"""Request guards shared by every page."""

from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from core.errors import Kind, ServiceError, log_refusal, message_user


class HealthzMiddleware:
    """Answer /healthz before sessions, authentication and messages run: a load balancer or a
    browser with a session cookie gets the JSON health report, never an error from them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            from core.views import healthz

            return healthz(request)
        return self.get_response(request)


class RejectNulBytesMiddleware:
    """Answer 400 to form or query values containing NUL.

    PostgreSQL refuses NUL in text, so such a value would otherwise surface as a 500 from
    whichever search or filter first hands it to the database. The API has its own JSON guard.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/") and self._has_nul(request):
            return render(
                request,
                "errors/400.html",
                {"message": "提交的内容含有非法字符（NUL），请检查后重试。"},
                status=400,
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path:
            return True
        if any("\x00" in v for values in request.GET.lists() for v in values[1]):
            return True
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            return any("\x00" in v for values in request.POST.lists() for v in values[1])
        return False


class ServiceErrorMiddleware:
    """A ServiceError that a page view did not handle itself: a wrong role is a 403 page, an
    object out of scope a 404, anything else a message on the page the user came from."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        if not isinstance(exc, ServiceError) or request.path.startswith("/api/"):
            return None
        if exc.kind in (Kind.ROLE, Kind.SCOPE):
            log_refusal(request, exc)
        if exc.kind == Kind.ROLE:
            raise PermissionDenied(exc.message) from exc
        if exc.kind == Kind.SCOPE:
            raise Http404(exc.message) from exc
        message_user(request, exc)
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = "/"
        return HttpResponseRedirect(back)


class PrivateCacheMiddleware:
    """Nothing a signed-in user receives (pages, API answers, PDFs, exports), and nothing the
    API answers, is kept by a shared cache or on disk: `Cache-Control: private, no-store`. A
    view that chose a private policy itself (photos, kept an hour in the user's own browser)
    keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        chosen = response.headers.get("Cache-Control", "")
        if (signed_in or request.path.startswith("/api/")) and "private" not in chosen:
            response.headers["Cache-Control"] = "private, no-store"
        return response


class ChineseNotFoundMiddleware:
    """With DEBUG on (the demo of `make run`), a page that does not exist still shows the
    site's Chinese 404 page, not Django's English debugging page. The API keeps its JSON."""

    MARKER = b"DEBUG = True</code>"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and not request.path.startswith("/api/")
            and response.get("Content-Type", "").startswith("text/html")
            and not getattr(response, "streaming", False)
            and self.MARKER in response.content
        ):
            from core.views import error_404

            return error_404(request)
        return response


class SessionRefreshMiddleware:
    """Sessions end after SESSION_COOKIE_AGE of inactivity. Instead of writing the session on
    every request, a signed-in session is saved (and its expiry moved on) at most once per
    SESSION_REFRESH_SECONDS: a page view costs no database write, and the idle limit holds
    within that margin."""

    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session-based sign-in: a token call carries no session and must not start one.
        if session is not None and session.get(SESSION_KEY) is not None:
            import time

            from django.conf import settings

            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now
        return response


def session_refreshed_at_login(sender, request, user, **kwargs):
    """A session saved at login has just had its expiry set: the idle clock starts there."""
    if request is not None and hasattr(request, "session"):
        import time

        request.session[SessionRefreshMiddleware.KEY] = int(time.time())
