"""Test settings: PostgreSQL and Redis, as in production."""

import os

os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-" + "x" * 60)
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qingling")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "*")
# Parallel test processes (pytest-xdist) keep their files apart.
os.environ.setdefault(
    "QINGLING_VAR_DIR", "/tmp/qingling-test-var" + os.environ.get("PYTEST_XDIST_WORKER", "")
)

from .settings import *  # noqa: E402,F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Fault drills start real workers with CELERY_TASK_ALWAYS_EAGER=false.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)  # noqa: F405
# A job that waits for its test to release it: something for a drill to kill mid-run.
JOB_HANDLERS = {**JOB_HANDLERS, "drill_wait": "tests.processes.drill_job"}  # noqa: F405
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = []  # noqa: F405
# One prefix per test process: parallel runs on one Redis must not share cached figures.
CACHES["default"]["KEY_PREFIX"] = f"qingling-test-{os.getpid()}"  # noqa: F405
os.makedirs(STATIC_ROOT, exist_ok=True)  # noqa: F405 - whitenoise warns when it is missing
