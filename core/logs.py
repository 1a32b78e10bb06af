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


class OncePerInterval(logging.Filter):
    """Let through at most one record per `seconds` (per logger name and message), so a
    failing dependency called on every request logs one line a minute, not thousands."""

    def __init__(self, seconds: float = 60):
        super().__init__()
        self.seconds = seconds
        self._last: dict[tuple[str, str], float] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, str(record.msg))
        now = time.monotonic()
        if now - self._last.get(key, -self.seconds - 1) < self.seconds:
            return False
        self._last[key] = now
        record.msg = f"{record.msg} (further failures in the next {self.seconds:.0f}s not logged)"
        return True
