"""What the province benchmark's generator and runner share: the bench database and settings.

Everything runs against its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/qingling_bench), never the demo or test database, with
production-like settings: DEBUG off, Redis cache in its own Redis database number.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/qingling_bench"
MARKER = "bench_dataset"  # one-row table written last by the generator

# Production-like settings for the benchmark process (DEBUG off; the SSL redirect is off
# because the in-process client talks plain HTTP; Redis database 9 is the bench's own cache).
BENCH_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
    "QINGLING_VAR_DIR": os.environ.get("BENCH_VAR_DIR", "/tmp/qingling-bench-var"),
    "LOG_LEVEL": "WARNING",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


def use_quick_database() -> None:
    """--quick works in its own database, so a quick check keeps the full data set."""
    os.environ.setdefault("BENCH_DATABASE_URL", DEFAULT_URL + "_quick")


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)


def bench_environ() -> dict[str, str]:
    env = dict(os.environ)
    env.update(BENCH_ENV)
    env["DATABASE_URL"] = database_url()
    return env


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(bench_environ())
    import django

    django.setup()


def connect(dbname: str | None = None, **kwargs):
    import psycopg

    base, name = database_url().rsplit("/", 1)
    return psycopg.connect(f"{base}/{dbname or name}", **kwargs)


def database_name() -> str:
    return database_url().rsplit("/", 1)[1]


def create_database(*, drop: bool = False) -> None:
    name = database_name()
    with connect("postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and drop:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def dataset() -> dict | None:
    """The generator's marker row (sizes, seed, as-of date, load times), or None."""
    try:
        with connect() as conn:
            found = conn.execute("SELECT to_regclass(%s) IS NOT NULL", [MARKER]).fetchone()[0]
            if not found:
                return None
            row = conn.execute(f"SELECT value FROM {MARKER} WHERE key = 'dataset'").fetchone()
    except Exception:  # noqa: BLE001 - no database yet
        return None
    return json.loads(row[0]) if row else None


def _reference_work() -> int:
    """A fixed piece of interpreter work like a page's: small dicts, strings, calls."""
    rows = []
    for i in range(200_000):
        row = {"id": i, "name": f"隐患{i}", "state": "rectifying" if i % 3 else "closed"}
        rows.append(row["name"] + str(row["id"] % 7) + row["state"][:2])
    return len("".join(rows))


def machine_speed() -> dict:
    """How fast this machine runs Python, to read the timings by: the best of five runs of a fixed
    piece of work (milliseconds; less is faster), with the cores and the processor's name.
    The same code measured on two machines differs by about the ratio of their figures."""
    import platform
    import time

    best = None
    for _ in range(5):
        started = time.process_time()
        _reference_work()
        spent = time.process_time() - started
        best = spent if best is None else min(best, spent)
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            model = next((ln.split(":", 1)[1].strip() for ln in handle if "model name" in ln), "")
    except OSError:
        pass
    return {
        "reference_ms": round(best * 1000, 1),
        "cores": os.cpu_count(),
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
    }
