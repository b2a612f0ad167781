"""ECM settings, read from the environment.

ECM_ENV selects the profile: ``production`` (the default when ECM_ENV is unset),
``development`` (``make run`` asks for it: debug on, a published key) or ``test`` (pytest
always runs with it, see config/settings_test.py). Production has no default secrets: it
refuses to start without DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS. Every setting read
here is listed in docs/operations.md ("Settings").
"""

from __future__ import annotations

import os
import sys
import warnings
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
# Unset means production: a forgotten variable must never switch debugging on. Under pytest an
# unset ECM_ENV means test (config/settings_test.py sets it in any case).
ENV = os.environ.get("ECM_ENV") or ("test" if "pytest" in sys.modules else "production")
if ENV not in {"production", "development", "test"}:
    raise ImproperlyConfigured(f"ECM_ENV must be production, development or test, not {ENV!r}.")
PRODUCTION = ENV == "production"


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


if PRODUCTION:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set (at least 50 characters) in production.")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the service's host names in production.")
    DEBUG = False
else:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "development-only-secret-key-not-for-production-use-0123456789")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or ["127.0.0.1", "localhost", "testserver"]
    DEBUG = os.environ.get("DJANGO_DEBUG", "1" if ENV == "development" else "0") == "1"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_forms_gds",
    "govuk_frontend_django",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    # ECM domain apps, in layer order (see docs/architecture.md).
    "ecm.core",
    "ecm.audit",
    "ecm.jobs",
    "ecm.accounts",
    "ecm.notifications",
    "ecm.index",
    "ecm.linkage",
    "ecm.consent",
    "ecm.sharing",
    "ecm.caf",
    "ecm.multiagency",
    "ecm.directory",
    "ecm.misuse",
    "ecm.rights",
    "ecm.budgets",
    "ecm.referrals",
    "ecm.monitoring",
    "ecm.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ecm.core.middleware.RequestContextMiddleware",
    "ecm.core.logs.RequestLogMiddleware",
    "ecm.core.middleware.NulParameterMiddleware",
    # /healthz and /readyz answer here: before sessions, sign-in and the second-factor rule.
    "ecm.core.health.HealthCheckMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ecm.accounts.middleware.SecondFactorDeviceMiddleware",  # django-otp's OTPMiddleware, a fixed device read
    "ecm.accounts.middleware.SessionPolicyMiddleware",
    "ecm.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "ecm.core.ratelimit.RateLimitMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "ecm.core.context_processors.service",
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL points at PostgreSQL in production and CI.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Persistent connections (checked before reuse): opening one per request halved the
        # audited search rate (docs/performance.md). 0 closes after every request.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same PostgreSQL backend, checking a reused connection only after it sat idle
    # (ecm/core/db/postgresql/base.py): one round trip fewer per request under load.
    DATABASES["default"]["ENGINE"] = "ecm.core.db.postgresql"
if DATABASES["default"]["ENGINE"] == "ecm.core.db.postgresql" and os.environ.get("DATABASE_POOL_MAX_SIZE"):
    # Django's psycopg pool instead of persistent connections: one pool per worker process,
    # shared by its threads (then connections are returned to the pool, not kept per thread).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN_SIZE", 2),
        "max_size": env_int("DATABASE_POOL_MAX_SIZE", 4),
        "timeout": 10,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE avoids lock upgrades mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }

# A PostgreSQL streaming replica, when configured, serves the index search and record reads
# (ecm.core.replica); every write and audit append goes to the primary. In tests it mirrors
# the primary's test database.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0)
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["ecm.core.replica.ReplicaRouter"]

# Where `export_audit_heads` writes each day's chain heads: storage the application can add to but
# not rewrite (docs/operations.md, "Audit head exports"). Required in production; elsewhere a
# folder in the working copy.
ECM_AUDIT_HEAD_EXPORT_DIR = os.environ.get("ECM_AUDIT_HEAD_EXPORT_DIR") or (
    "" if PRODUCTION else str(BASE_DIR / "var" / "audit-heads")
)

# Record linkage scores pairs on DuckDB (one machine) or on Spark (national volumes): `match
# --engine` overrides it per run. ECM_SPARK_MASTER is the Spark master URL (local mode by default;
# a cluster's settings come from spark-defaults.conf). See docs/linkage.md, "National volumes".
ECM_LINKAGE_ENGINE = os.environ.get("ECM_LINKAGE_ENGINE", "duckdb")
if ECM_LINKAGE_ENGINE not in ("duckdb", "spark"):
    raise ImproperlyConfigured(f"ECM_LINKAGE_ENGINE must be duckdb or spark, not {ECM_LINKAGE_ENGINE!r}.")
ECM_SPARK_MASTER = os.environ.get("ECM_SPARK_MASTER", "local[2]")
# On SQLite, a match that puts at least this many new children on the index, and at least as many
# as are there already (a first load), does it in one transaction with the indexes built at the
# end: faster, but other writers wait for the whole step. 0: never (docs/linkage.md).
ECM_LINKAGE_FIRST_LOAD_MIN_CHILDREN = env_int("ECM_LINKAGE_FIRST_LOAD_MIN_CHILDREN", 50_000)
if ECM_LINKAGE_FIRST_LOAD_MIN_CHILDREN < 0:
    raise ImproperlyConfigured("ECM_LINKAGE_FIRST_LOAD_MIN_CHILDREN must be 0 (never) or a number of children.")
# A match queues at most 1% of its new records for clerical review, and never fewer than this many
# pairs: an afternoon's work (a pair takes a reviewer about a minute), and the band a small
# installation would otherwise lose (docs/linkage.md, "Thresholds from the model's own estimates").
ECM_LINKAGE_REVIEW_MINIMUM = env_int("ECM_LINKAGE_REVIEW_MINIMUM", 200)
if ECM_LINKAGE_REVIEW_MINIMUM < 1:
    raise ImproperlyConfigured("ECM_LINKAGE_REVIEW_MINIMUM must be a number of review pairs, at least 1.")

# Rate limits: scope -> (requests, seconds), per client address (per API client for FHIR, whose
# number is each client's requests_per_minute). See docs/security.md.
ECM_RATE_LIMITS = {
    "sign-in": (env_int("ECM_RATE_SIGN_IN", 20), 60),
    "public-form": (env_int("ECM_RATE_PUBLIC_FORM", 10), 600),
    "directory-api": (env_int("ECM_RATE_DIRECTORY_API", 600), 60),
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ecm.accounts.backends.PractitionerBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:sign_in"

# Sessions: database-backed so that a user's sessions can be listed and ended.
SESSION_ENGINE = "ecm.accounts.sessions"  # one fixed statement reads the row and whether it is open
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
ECM_IDLE_TIMEOUT = timedelta(minutes=env_int("ECM_IDLE_TIMEOUT_MINUTES", 15))
ECM_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("ECM_ABSOLUTE_TIMEOUT_HOURS", 10))
ECM_STEP_UP_MAX_AGE = timedelta(minutes=env_int("ECM_STEP_UP_MINUTES", 5))
SESSION_COOKIE_AGE = int(ECM_ABSOLUTE_TIMEOUT.total_seconds())

# Lock-out: per username and IP address together.
AXES_FAILURE_LIMIT = env_int("ECM_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ECM_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ecm.accounts.views.signin.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
# The client address: forwarding headers are believed only from these proxies (addresses or
# networks, comma separated); none by default, so REMOTE_ADDR. See ecm/core/client_ip.py.
ECM_TRUSTED_PROXIES = env_list("ECM_TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "ecm.core.client_ip.client_ip"

OTP_TOTP_ISSUER = "ECM"
OTP_TOTP_THROTTLE_FACTOR = 1
# Security keys are bound to the service's domain. In production the defaults come from
# DJANGO_ALLOWED_HOSTS: the first host is the relying party, and every listed host is an
# https origin; set ECM_WEBAUTHN_RP_ID / ECM_WEBAUTHN_ORIGINS only when they differ.
# Locally keys work at http://localhost:8000 (not 127.0.0.1).
_webauthn_hosts = [host.lstrip(".") for host in ALLOWED_HOSTS if host.lstrip(".")]
OTP_WEBAUTHN_RP_ID = os.environ.get("ECM_WEBAUTHN_RP_ID") or (_webauthn_hosts[0] if PRODUCTION else "localhost")
OTP_WEBAUTHN_RP_NAME = "ECM children's index"
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("ECM_WEBAUTHN_ORIGINS") or (
    [f"https://{host}" for host in _webauthn_hosts] if PRODUCTION else ["http://localhost:8000"]
)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# GOV.UK Frontend's compiled CSS asks for /assets/fonts/..., so static files live at /assets/.
STATIC_URL = "/assets/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "assets",
    ("govuk-frontend", BASE_DIR / "node_modules" / "govuk-frontend"),
    ("moj-frontend", BASE_DIR / "node_modules" / "@ministryofjustice" / "frontend" / "moj"),
    # The MOJ Frontend stylesheet asks for /assets/images/icon-*.svg: its images sit beside GOV.UK's.
    BASE_DIR / "node_modules" / "@ministryofjustice" / "frontend" / "moj" / "assets",
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    BASE_DIR / "static",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "ecm.core.staticfiles.ManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if WHITENOISE_USE_FINDERS:
    # Outside production the files come from the finders; WhiteNoise's warning that
    # collectstatic has not run ("No directory at: …/staticfiles/") is only noise in
    # `make serve`'s output, once per web worker.
    warnings.filterwarnings("ignore", message="No directory at: ", category=UserWarning)

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION or os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("ECM_FROM_EMAIL", "ecm-no-reply@example.gov.uk")

# --- Background work and e-mail (docs/operations.md, "Background jobs and schedule") ---------------
# Tasks go to the database queue; `manage.py db_worker` runs them, `manage.py run_scheduler` enqueues
# the daily jobs. Tests swap in the immediate backend per test (conftest.py).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("ECM_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": [],
    }
}
# Seconds to wait before each retry of a failed job; a job runs at most len(delays) + 1 times.
ECM_JOB_RETRY_DELAYS = [int(s) for s in env_list("ECM_JOB_RETRY_DELAYS")] or [60, 300, 1800, 7200]
# The absolute address of the service, for links in e-mails (no trailing slash).
# In production it defaults to https:// and the first of DJANGO_ALLOWED_HOSTS.
ECM_BASE_URL = os.environ.get(
    "ECM_BASE_URL", f"https://{ALLOWED_HOSTS[0].lstrip('.')}" if PRODUCTION else "http://127.0.0.1:8000"
).rstrip("/")
# GOV.UK Notify: when the key is set, e-mail goes through Notify with one template whose body is
# ((body)) and subject ((subject)). Otherwise SMTP when EMAIL_HOST is set, else the console.
ECM_NOTIFY_API_KEY = os.environ.get("ECM_NOTIFY_API_KEY", "")
ECM_NOTIFY_TEMPLATE_ID = os.environ.get("ECM_NOTIFY_TEMPLATE_ID", "")
ECM_NOTIFY_BASE_URL = os.environ.get("ECM_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
if ECM_NOTIFY_API_KEY and not ECM_NOTIFY_TEMPLATE_ID:
    raise ImproperlyConfigured("ECM_NOTIFY_TEMPLATE_ID must be set with ECM_NOTIFY_API_KEY.")
if os.environ.get("EMAIL_HOST"):
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "1") == "1"
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)

ECM_SERVICE_NAME = "Every Child Matters"
ECM_PHASE = os.environ.get("ECM_PHASE", "Beta")
# How long each web process keeps the list of schools and GP practices of the index search form
# (ecm/index/universal.py); 0 in tests, where every test makes its own organisations.
ECM_ORGANISATION_CHOICES_SECONDS = 0 if ENV == "test" else env_int("ECM_ORGANISATION_CHOICES_SECONDS", 60)
ECM_VETTING_VALID_YEARS = 3
ECM_BUDGET_APPROVAL_THRESHOLD_PENCE = env_int("ECM_BUDGET_APPROVAL_THRESHOLD_PENCE", 50000)  # £500
ECM_SAFEGUARDING_CONTACT = os.environ.get(
    "ECM_SAFEGUARDING_CONTACT", "Children's social care front door: 0113 000 0000 (out of hours 0113 000 0001)"
)

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): our own origin only; no inline script or style unless
# it carries the request's nonce ({{ request.csp_nonce }}); no style attributes. docs/security.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_REFERRER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "ecm.accounts.views.security.csrf_failure"
if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
    # Load balancers probe over plain HTTP behind the TLS proxy.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Shared between processes and servers: the database table ecm_cache on the embedded default
# (created by migrate, see ecm/core/migrations), Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "ecm"}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "ecm_cache", "KEY_PREFIX": "ecm"}
    )
}

# Logs: one JSON object a line on standard error (ECM_LOG_FORMAT=console for people reading
# them in a terminal; the default in development). See ecm/core/logs.py: request id, user id,
# method, path without its query string, status and timing; never a child's details.
ECM_LOG_FORMAT = os.environ.get("ECM_LOG_FORMAT", "console" if ENV == "development" else "json")
ECM_LOG_LEVEL = os.environ.get("ECM_LOG_LEVEL", "INFO" if ENV != "test" else "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "ecm.core.logs.json_formatter"},
        "console": {"()": "ecm.core.logs.console_formatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": ECM_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "ecm": {"level": ECM_LOG_LEVEL},
        "django.request": {"level": "WARNING"},
        # Django's own server lines carry the full path with its query string: ours replace them.
        "django.server": {"level": "ERROR"},
    },
}

# Optional error reporting: SENTRY_DSN switches it on; personal data never sent (ecm/core/errors.py).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from ecm.core.errors import init_sentry

    init_sentry(SENTRY_DSN, environment=ENV)
