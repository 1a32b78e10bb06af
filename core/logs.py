"""One readable log line per piece of work: what, who, the figures, and how long it took."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def timed(logger: logging.Logger, what: str, *, by=None, **figures) -> Iterator[dict]:
    """Log `what user=… k=v … 1.2s` when the block ends; the block may add figures to the dict
    it is given. A block that raises logs the same line with `failed` and the error's class."""
    started = time.monotonic()
    result: dict = dict(figures)
    outcome = "done"
    try:
        yield result
    except Exception as exc:
        outcome = f"failed ({exc.__class__.__name__})"
        raise
    finally:
        user = getattr(by, "username", None) or "-"
        parts = [what, f"user={user}", *(f"{key}={value}" for key, value in result.items())]
        logger.info("%s %s in %.2fs", " ".join(parts), outcome, time.monotonic() - started)
