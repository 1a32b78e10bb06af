"""Settings for Qingling. Every value that differs between machines comes from the environment.

Defaults give the zero-setup demo (SQLite, filesystem job broker); production sets
DJANGO_DEBUG=false, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and REDIS_URL.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("QINGLING_VAR_DIR", str(BASE_DIR / "var")))
# Local state of the zero-setup run (SQLite file, file cache, job queue, uploads) lives here.
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-dev-key-only-for-debug" if DEBUG else None)
if not DEBUG and (SECRET_KEY.startswith("insecure") or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a random string of 50+ characters.")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_htmx",
    "csp",
    "axes",
    "core",
    "accounts",
    "enterprises",
    "hazards",
    "inspections",
    "reports",
    "portal",
    "tipoffs",
    "demo",
]

MIDDLEWARE = [
    "core.middleware.HealthzMiddleware",
    "core.db_router.PrimaryAfterWriteMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.RejectNulBytesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.SessionRefreshMiddleware",
    "accounts.enterprise_access.EnterpriseAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.ServiceErrorMiddleware",
    "core.middleware.ChineseNotFoundMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PrivateCacheMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
# Inputs and drop-downs drawn in Python, with the markup of Django's widget templates.
FORM_RENDERER = "core.renderers.FastWidgetRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "reports.notices.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'qingling.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The demo runs the web server and the job worker side by side on one file.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# A streaming replica of the primary (optional): web requests read from it, except for a few
# seconds after the same browser wrote (core.db_router). Writes and migrations use the primary.
if env_str("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.db_router.PrimaryReplicaRouter"]
DATABASE_PRIMARY_AFTER_WRITE_SECONDS = env_int("DATABASE_PRIMARY_AFTER_WRITE_SECONDS", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    # Redis is only a cache: a read or write that fails (Redis stopped, unreachable) counts as a
    # miss, so pages, the API and login keep working from the database. Django's own RedisCache
    # raises instead; django-redis ignores connection errors and logs them (at most once a
    # minute, see LOGGING). The short timeouts keep an unreachable Redis from stalling pages.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "qingling",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "core.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Per-process memory for what is drawn from reference data alone (regions, sectors): a list
# page's filter form, the menus, region names (core.reference_cache). It empties on restart, so a deploy never serves the old
# HTML; a region or sector edited meanwhile shows everywhere within REFERENCE_CACHE_SECONDS.
REFERENCE_CACHE_SECONDS = env_int("REFERENCE_CACHE_SECONDS", 300)
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "qingling-reference",
    "TIMEOUT": REFERENCE_CACHE_SECONDS,
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.ScopedModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule on passwords: Django tells validators when a password changed (every way it
    # can change: the page, the admin, manage.py changepassword); this one revokes API tokens.
    {"NAME": "accounts.tokens.RevokeTokensOnPasswordChange"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
# Where core:home sends a signed-in user, by role (URL names); every other role gets the default.
# Each role lands on its work: inspectors on today's visits, reviewers on what waits for them.
HOME_URLS_BY_ROLE = {
    "inspector": "inspections:home",
    "reviewer": "hazards:queue",
    "leader": "dashboard:dashboard",
    "enterprise": "portal:home",
}
HOME_URL_DEFAULT = "hazards:hazard_list"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after a working day of inactivity or when the browser closes.
# Sessions are read from the cache and written through to the database: one query less on
# every page, and with the cache down or emptied they are read from the database as before.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The idle clock moves on at most once per this many seconds (core.middleware.SessionRefreshMiddleware).
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 300)

# Lock-out after repeated failed logins (per user name and address).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Every page is in Simplified Chinese, whatever language the browser asks for: no locale
# middleware, one language.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
# Chinese for the few strings of the Django admin its own catalog does not translate yet.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# `make backup` writes its dated archives here.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "core.storage.CompressedManifestStorage"
            if env_bool("STATIC_COMPRESS", True)
            else "core.storage.ManifestStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Imports (enterprise registry, hazard ledger, judgment standards): the largest file accepted,
# refused from the request's Content-Length before the body is read.
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)

# The reverse proxies in front of the site (addresses or networks, e.g. "172.16.0.0/12"):
# only a request from one of them may name the client (X-Forwarded-For) and the scheme
# (X-Forwarded-Proto). Empty: the site faces clients directly and believes neither header.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_address"

# API tokens (django-rest-knox): stored as SHA-512 digests, valid this many days.
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env_int("API_TOKEN_TTL_DAYS", 30)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

# Content-Security-Policy (django-csp). Scripts only from this site: page behaviours live in
# static/js, an inline <script> must carry nonce="{{ request.csp_nonce }}". Styles allow inline
# because templates use style attributes and htmx and ECharts set styles; no script can run
# from them. Everything is vendored, so nothing is loaded from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The API's schema and documentation need a signed-in user unless this is set (core.api.docs).
API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", False)

# Production hardening; `manage.py check --deploy` is clean when DEBUG is off.
if not DEBUG:
    if TRUSTED_PROXIES:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The container health check calls /healthz over plain HTTP from inside.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REFERRER_POLICY = "same-origin"
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = []

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.enterprise_access.EnterpriseApiPermission",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.base.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.base.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttles.AnonThrottle",
        "core.api.throttles.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/min"),
        "user": env_str("API_THROTTLE_USER", "2000/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "清零 API",
    "DESCRIPTION": "重大事故隐患排查整治闭环管理系统接口。浏览器使用会话认证，程序使用 Token 认证。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Served from the installed package: intranets have no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.add_links",
        "core.api.schema.empty_filters",
    ],
    "ENUM_NAME_OVERRIDES": {
        "DepartmentKindEnum": "core.choices.DepartmentKind",
        "HazardLevelEnum": "hazards.choices.HazardLevel",
        "HazardStateEnum": "hazards.choices.HazardState",
        "SupervisionLevelEnum": "hazards.choices.SupervisionLevel",
        "PhotoKindEnum": "hazards.choices.PhotoKind",
        "StandardStatusEnum": "hazards.choices.StandardStatus",
        "BasisKindEnum": "hazards.choices.BasisKind",
        "TipoffStateEnum": "tipoffs.choices.TipoffState",
    },
}

# Background jobs: Redis when REDIS_URL is set, otherwise a filesystem broker that needs no server.
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
else:
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("out", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        # Broadcast exchanges (worker remote control); the default is a folder in the cwd.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
# Queuing a task while the broker is down fails within about two seconds instead of hanging the
# request; the job stays queued in the database and core.sweep_jobs hands it over later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
# A worker takes one message at a time, so a killed worker hands back only the job it ran.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)


# Notices and monthly reports (reports app). Parsed loudly: a bad value stops the start-up.
def _reminder_days() -> list[int]:
    days = sorted({int(d) for d in env_list("REPORTS_REMINDER_DAYS", "7,3")}, reverse=True)
    if any(d <= 0 for d in days):
        raise ImproperlyConfigured("REPORTS_REMINDER_DAYS must be positive whole days, e.g. 7,3.")
    return days


_ESCALATION_STEPS = {"overdue", "county_letter", "bulletin", "city_escalation"}


def _escalation_ladder(name: str, default: str, steps: set[str]) -> list[tuple[int, str]]:
    """Days after the deadline → step, e.g. "1:overdue,15:county_letter,30:city_escalation"."""
    ladder = []
    for item in env_list(name, default):
        days, _, step = item.partition(":")
        if step not in steps or not days.strip().isdigit() or int(days) < 1:
            raise ImproperlyConfigured(
                f"{name} item {item!r} is not days:step with one of {sorted(steps)}."
            )
        ladder.append((int(days), step))
    return sorted(ladder)


REPORTS_REMINDER_DAYS = _reminder_days()
# The ladder of 重大事故隐患, and that of 一般隐患: 提请市级督办 (a request to list the hazard
# for 挂牌督办) concerns 重大事故隐患 only, so the 一般 ladder ends at the county's steps.
REPORTS_ESCALATION_LADDER = _escalation_ladder(
    "REPORTS_ESCALATION_LADDER",
    "1:overdue,15:county_letter,22:bulletin,30:city_escalation",
    _ESCALATION_STEPS,
)
REPORTS_ESCALATION_LADDER_GENERAL = _escalation_ladder(
    "REPORTS_ESCALATION_LADDER_GENERAL",
    "1:overdue,15:county_letter,22:bulletin",
    _ESCALATION_STEPS - {"city_escalation"},
)
REPORTS_MONTHLY_BUILD_DAY = env_int("REPORTS_MONTHLY_BUILD_DAY", 20)
REPORTS_MONTHLY_DUE_DAY = env_int("REPORTS_MONTHLY_DUE_DAY", 28)
if not (1 <= REPORTS_MONTHLY_BUILD_DAY <= 28 and 1 <= REPORTS_MONTHLY_DUE_DAY <= 28):
    raise ImproperlyConfigured("REPORTS_MONTHLY_BUILD_DAY and _DUE_DAY must be between 1 and 28.")
# An enterprise's monthly self-inspection summary for a month is due by this day of the next month.
REPORTS_SELFCHECK_DUE_DAY = env_int("REPORTS_SELFCHECK_DUE_DAY", 5)
if not 1 <= REPORTS_SELFCHECK_DUE_DAY <= 28:
    raise ImproperlyConfigured("REPORTS_SELFCHECK_DUE_DAY must be between 1 and 28.")
REPORTS_SMS_BACKEND = env_str("REPORTS_SMS_BACKEND", "reports.notices.delivery.LoggingSmsBackend")

CELERY_BEAT_SCHEDULE: dict = {
    # The notice ladder runs every morning; a missed day is caught up by the next run.
    "reports-notices": {
        "task": "reports.tasks.run_notices",
        "schedule": crontab(hour=7, minute=30),
    },
    # Runs daily but builds only from the configured day on, once per region and month:
    # a scheduler that was down on the 20th still builds the report the next morning.
    # The outbox of e-mails and SMS: what a stopped run left pending goes out within minutes.
    "reports-send-deliveries": {
        "task": "reports.tasks.send_deliveries",
        "schedule": crontab(minute="*/5"),
    },
    "reports-monthly-build": {
        "task": "reports.tasks.build_monthly_reports",
        "schedule": crontab(hour=6, minute=0),
    },
    "reports-late-filers": {
        "task": "reports.tasks.remind_late_filers",
        "schedule": crontab(hour=9, minute=0),
    },
    # Background jobs whose worker died are requeued once, then marked failed.
    "core-sweep-jobs": {"task": "core.sweep_jobs", "schedule": 60.0},
    "core-forget-idempotency-keys": {
        "task": "core.forget_idempotency_keys",
        "schedule": crontab(hour=4, minute=10),
    },
    # Files of rolled-back saves (core.media), Sunday night.
    "core-clean-media": {
        "task": "core.clean_media",
        "schedule": crontab(hour=3, minute=30, day_of_week=0),
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "qingling@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "filters": {"once_a_minute": {"()": "core.logs.OncePerInterval", "seconds": 60}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "console_throttled": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["once_a_minute"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # A stopped Redis fails every cache call: one line a minute says so.
        "core.cache": {"handlers": ["console_throttled"], "propagate": False},
    },
}

SITE_NAME = "清零 · 重大事故隐患闭环管理"

# Hazards: an extension may be requested only within this many working days before the deadline.
HAZARD_EXTENSION_WINDOW_WORKDAYS = env_int("HAZARD_EXTENSION_WINDOW_WORKDAYS", 20)
# At most this many approved extensions per hazard, and never beyond this many calendar days
# after the original deadline (整改期限 as registered).
HAZARD_EXTENSION_MAX_APPROVED = env_int("HAZARD_EXTENSION_MAX_APPROVED", 1)
HAZARD_EXTENSION_MAX_DAYS = env_int("HAZARD_EXTENSION_MAX_DAYS", 90)
HAZARD_PHOTO_MAX_BYTES = env_int("HAZARD_PHOTO_MAX_BYTES", 10 * 1024 * 1024)
# The minutes of a workers' congress report (双报告): PDF, image or Word (.docx).
HAZARD_MINUTES_MAX_BYTES = env_int("HAZARD_MINUTES_MAX_BYTES", 10 * 1024 * 1024)
HAZARD_PHOTO_MAX_PIXELS = env_int("HAZARD_PHOTO_MAX_PIXELS", 50_000_000)
# Photos in one upload (a registration or an "add photos"), and on one hazard in all.
HAZARD_PHOTOS_PER_REQUEST = env_int("HAZARD_PHOTOS_PER_REQUEST", 20)
HAZARD_PHOTOS_PER_HAZARD = env_int("HAZARD_PHOTOS_PER_HAZARD", 60)
# Public reports (群众举报): photos per report, and how often one client address may file a
# report or look up a tracking code (django-ratelimit rates, e.g. "5/h").
TIPOFF_PHOTOS_MAX = env_int("TIPOFF_PHOTOS_MAX", 5)
TIPOFF_RATE = env_str("TIPOFF_RATE", "5/h")
TIPOFF_STATUS_RATE = env_str("TIPOFF_STATUS_RATE", "30/h")
# How often one client address may send the public enterprise account request (/qiye/request/).
ENTERPRISE_REQUEST_RATE = env_str("ENTERPRISE_REQUEST_RATE", "5/h")
# The counts live in the cache; Redis is only a cache, so while it is down the public page
# stays open rather than refusing every citizen.
RATELIMIT_FAIL_OPEN = True

# Dashboard: 重点监管企业执法检查覆盖率 counts from 1 January of the period's year (annual);
# false makes it follow the chosen period.
DASHBOARD_COVERAGE_ANNUAL = env_bool("DASHBOARD_COVERAGE_ANNUAL", True)

# Reference data loaded by `manage.py load_reference`, in order.
REFERENCE_LOADERS = [
    "core.services.regions_load",
    "core.services.sectors_load",
    "core.services.work_calendar_seed_default",
    "hazards.services.standards_load",
]

# Background jobs (core.Job): kind → handler taking (job, progress_callback).
JOB_HANDLERS = {
    "ledger_export": "reports.ledger.export.ledger_export_job",
    "ledger_import_commit": "reports.ledger.commit.ledger_import_commit_job",
}
# A running job writes a heartbeat this often (seconds); the sweep requeues (once) or fails a
# running job whose heartbeat is older than JOB_STALE_SECONDS: its worker died.
JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", 10)
JOB_STALE_SECONDS = env_int("JOB_STALE_SECONDS", 180)
# Ledger exports up to this many rows download at once; larger ones run as a job.
LEDGER_SYNC_MAX_ROWS = env_int("LEDGER_SYNC_MAX_ROWS", 5000)

# Inspections: visits a year per risk grade (分级分类), default deadlines in days per hazard level,
# and optional overrides of the 文号 abbreviation per document type (e.g. {"order": "责改"}).
INSPECTION_YEARLY_VISIT_CAPS = {
    "red": env_int("INSPECTION_CAP_RED", 4),
    "orange": env_int("INSPECTION_CAP_ORANGE", 3),
    "yellow": env_int("INSPECTION_CAP_YELLOW", 2),
    "blue": env_int("INSPECTION_CAP_BLUE", 1),
}
INSPECTION_DEADLINE_DAYS = {
    "major": env_int("INSPECTION_MAJOR_DEADLINE_DAYS", 30),
    "general": env_int("INSPECTION_GENERAL_DEADLINE_DAYS", 15),
}
INSPECTION_DOCUMENT_KINDS: dict[str, str] = {}
