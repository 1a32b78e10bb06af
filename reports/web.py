"""What the reports pages and API share: file downloads and page sizes of the lists."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import quote

from django.core.paginator import Paginator
from django.http import HttpResponse

from core.logs import timed

log = logging.getLogger(__name__)

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZES = (20, 50, 100)


def download(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def export(
    request, what: str, build: Callable[[], bytes], name: str, content_type: str
) -> HttpResponse:
    """Build a document for download; the log and the Server-Timing header say how long it took."""
    started = time.monotonic()
    with timed(log, f"{what} export", by=request.user, file=name):
        data = build()
    response = download(data, name, content_type)
    milliseconds = (time.monotonic() - started) * 1000
    response["Server-Timing"] = f"{name.rsplit('.', 1)[-1]};dur={milliseconds:.0f}"
    return response


def page(request, queryset):
    """One page of a list; an unknown page size falls back to the first one offered."""
    try:
        size = int(request.GET.get("page_size") or PAGE_SIZES[0])
    except ValueError:
        size = PAGE_SIZES[0]
    size = size if size in PAGE_SIZES else PAGE_SIZES[0]
    return Paginator(queryset, size).get_page(request.GET.get("page"))
