"""ECM settings, read from the environment.

ECM_ENV selects the profile: ``development`` (default: SQLite, debug on),
``test`` or ``production``. Production has no default secrets: it refuses to start
without DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
ENV = os.environ.get("ECM_ENV", "development")
PRODUCTION = ENV == "production"


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


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
    # ECM domain apps, in layer order (see docs/architecture.md).
    "ecm.core",
    "ecm.audit",
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
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
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
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE avoids lock upgrades mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }

# The shared cache (rate-limit counters, ecm.core.ratelimit): Redis when REDIS_URL is set, else
# a table in the database, so every worker and process counts the same requests.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "ecm_cache"}}

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
SESSION_ENGINE = "django.contrib.sessions.backends.db"
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
OTP_WEBAUTHN_RP_ID = os.environ.get("ECM_WEBAUTHN_RP_ID", "localhost" if not PRODUCTION else "")
OTP_WEBAUTHN_RP_NAME = "ECM children's index"
# Security keys need a domain name, so locally they work at http://localhost:8000 (not 127.0.0.1).
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("ECM_WEBAUTHN_ORIGINS") or ([] if PRODUCTION else ["http://localhost:8000"])

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# GOV.UK Frontend's compiled CSS asks for /assets/fonts/..., so static files live at /assets/.
STATIC_URL = "/assets/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "assets",
    ("govuk-frontend", BASE_DIR / "node_modules" / "govuk-frontend"),
    ("moj-frontend", BASE_DIR / "node_modules" / "@ministryofjustice" / "frontend" / "moj"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    BASE_DIR / "static",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("ECM_FROM_EMAIL", "ecm-no-reply@example.gov.uk")

ECM_SERVICE_NAME = "Every Child Matters"
ECM_PHASE = os.environ.get("ECM_PHASE", "Beta")
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
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ECM_LOG_LEVEL", "WARNING")},
}
