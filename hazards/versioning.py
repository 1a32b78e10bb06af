"""A version number of the hazard data, bumped after every committed change.

Cached figures (the dashboard) include it in their keys, so a cached figure is never older
than the last committed registration, edit or workflow step.
"""

import time

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "hazards:data-version"


def data_version() -> int:
    return cache.get(VERSION_KEY, 0)


def bump() -> None:
    cache.set(VERSION_KEY, time.time_ns(), None)


def bump_on_commit() -> None:
    """Call inside the transaction that changes hazards; the bump happens once it commits."""
    transaction.on_commit(bump)
