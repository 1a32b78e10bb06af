"""A paginator whose total count is cached under a data version, for lists of a million rows."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cached_property

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.utils import timezone


class VersionedCountPaginator(Paginator):
    """Counts once per (query, data version, day); any committed change gives a new version.

    The day is part of the key because filters such as "overdue" depend on today's date.
    """

    def __init__(self, *args, version: Callable[[], int], key: str | None = None, **kwargs):
        """`key`, when given, names the rows as surely as their SQL would (e.g. the user and
        the filters of the request) and spares compiling the SQL to name them."""
        super().__init__(*args, **kwargs)
        self._version = version
        self._key = key

    @cached_property
    def count(self) -> int:
        if self._key is not None:
            digest = self._key
        else:
            try:
                sql = str(self.object_list.query)
            except EmptyResultSet:  # a filter that can match nothing (e.g. pk__in=[])
                return 0
            digest = hashlib.sha256(sql.encode()).hexdigest()
        key = f"list-count:{digest}:{self._version()}:{timezone.localdate().isoformat()}"
        value = cache.get(key)
        if value is None:
            value = super().count
            cache.set(key, value, 3600)
        return value
