"""Request guards shared by every page."""

from django.shortcuts import render


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
