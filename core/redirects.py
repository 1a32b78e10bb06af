"""Where a page may send the browser next: only to this site."""

from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, target: str | None) -> str | None:
    """`target` when it is a path or URL of this site (host and scheme), else None."""
    if not target:
        return None
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else None
