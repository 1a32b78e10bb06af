"""A user's effective scope: the one answer to "what may this person see", read by every
queryset's `for_user`, by the services that check a write, and by every cache keyed by scope."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class EffectiveScope:
    """A region subtree (code prefix; None for every region) and a sector set (None for every
    sector). `department_kind` is set for a sector department, whose plans and draws are those
    of departments of its kind."""

    region_prefix: str | None
    sector_ids: frozenset[int] | None
    department_kind: str | None
    # Set for an enterprise account: it sees only rows of these enterprises (and only models
    # that declare `scope_enterprise_path`).
    enterprise_ids: frozenset[int] | None = None

    def covers_region(self, code: str | None) -> bool:
        """A territory check; an enterprise account has no territory."""
        if self.enterprise_ids is not None:
            return False
        return self.region_prefix is None or bool(code and code.startswith(self.region_prefix))

    def covers_sector(self, sector_id: int | None) -> bool:
        if self.enterprise_ids is not None:
            return False
        return self.sector_ids is None or sector_id in self.sector_ids

    def covers_enterprise(self, enterprise_id: int | None) -> bool:
        """An enterprise account covers its own enterprises only; staff cover by territory."""
        return self.enterprise_ids is not None and enterprise_id in self.enterprise_ids

    @property
    def key(self) -> str:
        """A short stable name of the scope, for cache keys: equal scopes, equal keys."""
        raw = "{}|{}|{}|{}".format(
            "*" if self.region_prefix is None else self.region_prefix,
            "*" if self.sector_ids is None else ",".join(map(str, sorted(self.sector_ids))),
            self.department_kind or "",
            "*" if self.enterprise_ids is None else ",".join(map(str, sorted(self.enterprise_ids))),
        )
        return hashlib.sha1(raw.encode()).hexdigest()[:16]


# The key of a user who sees nothing; never equal to a real scope's key (those are hex).
NO_SCOPE_KEY = "none"


def effective_scope(user) -> EffectiveScope | None:
    """None when the user sees nothing: anonymous or inactive, an account without a region
    (only a superuser may have none, meaning every region), or an enterprise account that
    holds no enterprise. An enterprise account's scope is its enterprises, never a territory."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    enterprise_ids = getattr(user, "scope_enterprise_ids", None)
    if enterprise_ids is not None:
        if not enterprise_ids:
            return None
        return EffectiveScope(
            region_prefix=None,
            sector_ids=None,
            department_kind=None,
            enterprise_ids=frozenset(enterprise_ids),
        )
    region = user.scope_region
    if region is None and not user.is_superuser:
        return None
    sector_ids = user.scope_sector_ids
    department = getattr(user, "department", None) if sector_ids is not None else None
    return EffectiveScope(
        region_prefix=region.prefix if region is not None else None,
        sector_ids=frozenset(sector_ids) if sector_ids is not None else None,
        department_kind=department.kind if department is not None else None,
    )


def scope_key(user) -> str:
    scope = effective_scope(user)
    return scope.key if scope is not None else NO_SCOPE_KEY
