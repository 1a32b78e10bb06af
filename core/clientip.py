"""The address of the client behind a request, for throttling, lock-out and the audit log.

X-Forwarded-For is believed only when the request came from a configured proxy
(settings.TRUSTED_PROXIES, addresses or networks); anyone else can write that header.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[ipaddress._BaseNetwork, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(request) -> str:
    """REMOTE_ADDR, or, when that is a trusted proxy, the right-most address of
    X-Forwarded-For that is not a trusted proxy itself (what the outermost proxy saw)."""
    meta = getattr(request, "META", {})
    remote = meta.get("REMOTE_ADDR", "") or ""
    if not _trusted(remote):
        return remote
    forwarded = [a.strip() for a in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    for address in reversed(forwarded):
        if not _trusted(address):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote
    return remote


def client_key(group, request) -> str:
    """django-ratelimit key: public pages' limits count per client address, as read above."""
    return client_address(request) or "unknown"
