"""Django settings for govcloud, read from the environment (see README: Configuration)."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from govcloud.lib.env import ConfigurationError, env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
DATA_DIR = Path(env_str("GOVCLOUD_DATA_DIR", str(PROJECT_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Return the key from the environment, or one kept in the data directory."""
    configured = env_str("GOVCLOUD_SECRET_KEY", "")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("GOVCLOUD_DEBUG", False)
ALLOWED_HOSTS = env_list("GOVCLOUD_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("GOVCLOUD_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Before django.contrib.auth, so that its createsuperuser (which refuses) wins.
    "govcloud.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "govcloud.contract",
    "govcloud.inventory",
    "govcloud.web",
    "govcloud.audit",
    "govcloud.access",
    "govcloud.telemetry",
    "govcloud.kpi",
    "govcloud.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "govcloud.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "govcloud.web.middleware.NoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "govcloud.accounts.middleware.AccountSecurityMiddleware",
    "govcloud.web.pages.RolePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into its response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "govcloud.urls"
WSGI_APPLICATION = "govcloud.wsgi.application"

#: Django's form renderer, but a plain select is written without a template per option.
FORM_RENDERER = "govcloud.lib.form_rendering.QuickSelectRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "govcloud.web.context_processors.navigation",
            ],
        },
    },
]


def _database() -> dict:
    """Return the database from DATABASE_URL, or the SQLite file in the data directory."""
    url = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'govcloud.sqlite3'}")
    if not url.startswith(("sqlite://", "postgres://", "postgresql://")):
        raise ConfigurationError(
            f"DATABASE_URL={url!r}: govcloud supports sqlite:///PATH and postgres://… only"
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60)
    except ValueError as error:
        raise ConfigurationError(f"DATABASE_URL={url!r} cannot be read: {error}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
        config["CONN_MAX_AGE"] = 0
        # Tests use a file, not shared-cache memory, so that concurrent writers wait for
        # each other as they do in production instead of failing on a table lock.
        # One file per test run, so that runs side by side do not share it.
        config["TEST"] = {"NAME": str(DATA_DIR / f"test-govcloud-{os.getpid()}.sqlite3")}
    else:
        # Every choice list of a form reads its rows through QuerySet.iterator(), which on
        # PostgreSQL opens a server-side cursor (three round trips, the rows copied at
        # commit) for a few dozen rows. Long tables are read in keyset pages instead
        # (govcloud/lib/batches.py), in bounded memory without one.
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
    return config


DATABASES = {"default": _database()}

# What the pages keep of figures that never change (a settled period's, docs/kpi.md): in
# files of the data directory, so that every worker process shares them and a restart
# keeps them; one directory per database, so that two databases never read each other's.
_DATABASE_KEY = hashlib.sha256(
    env_str("DATABASE_URL", "sqlite").encode()).hexdigest()[:12]
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / _DATABASE_KEY),
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Authentication policy (MLPS 3, 8.1.4.1; docs/security.md). The values in force are the
# security administrator's (accounts.SecurityPolicy); the environment gives their defaults.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "govcloud.accounts.policy.PolicyLengthValidator"},
    {"NAME": "govcloud.accounts.policy.CharacterClassesValidator"},
    {"NAME": "govcloud.accounts.policy.PasswordHistoryValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_FAILURE_LIMIT = "govcloud.accounts.policy.lockout_failure_limit"
AXES_COOLOFF_TIME = "govcloud.accounts.policy.lockout_duration"
# MLPS asks to lock the account under attack; locking addresses as well would lock out a
# whole agency behind one NAT address, so axes' warning about it is silenced on purpose.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The idle timeout is the policy's; requests slide it, at most once a minute, so that a page
# does not cost a write (AccountSecurityMiddleware.slide_idle_timeout).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
OTP_TOTP_ISSUER = "govcloud"

# What carries approved resource changes out on the cloud (govcloud/inventory/drivers.py).
GOVCLOUD_EXECUTION_DRIVER = env_str(
    "GOVCLOUD_EXECUTION_DRIVER", "govcloud.inventory.drivers.ManualDriver"
)

# Telemetry (docs/telemetry.md): raw samples are kept this many days for late data; rollups
# are kept for good. Maintenance counts only if announced this many hours ahead (C-16).
GOVCLOUD_TELEMETRY_RAW_DAYS = env_int("GOVCLOUD_TELEMETRY_RAW_DAYS", 40, minimum=1)
GOVCLOUD_MAINTENANCE_NOTICE_HOURS = env_int("GOVCLOUD_MAINTENANCE_NOTICE_HOURS", 24, minimum=0)
# The largest batch the push API takes, in samples.
GOVCLOUD_PUSH_MAX_SAMPLES = env_int("GOVCLOUD_PUSH_MAX_SAMPLES", 50_000, minimum=1)

# The UI speaks Simplified Chinese by default and English on request.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
# Stored in UTC, shown in Asia/Shanghai.
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("GOVCLOUD_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "govcloud.lib.api_hardening.WriteRolesPermission",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    # JSON with a nesting limit: a deeply nested body was a 500 (govcloud/lib/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "govcloud.lib.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "govcloud API",
    "DESCRIPTION": _("Contracts, catalog, KPIs, systems and hosts of government-cloud services."),
    "VERSION": "1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the installed sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ChangeKindEnum": "govcloud.inventory.choices.ChangeKind",
        "ChangeStatusEnum": "govcloud.inventory.choices.ChangeStatus",
        "SourceKindEnum": "govcloud.telemetry.choices.SourceKind",
        "ProbeKindEnum": "govcloud.telemetry.choices.ProbeKind",
        "MetricEnum": "govcloud.telemetry.choices.Metric",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("GOVCLOUD_LOG_LEVEL", "WARNING")},
}

# --- Web hardening (MLPS level 3; docs/security.md) ---
# A header or cookie flag per control; docs/security.md lists them with their defaults.
# Content-Security-Policy: only this site's own files run or style a page; no inline
# script, no inline style, no plug-ins, no framing, forms post only back here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Right after SecurityMiddleware, so static files and axes' lockout page get the headers
# too; django-axes wants its own middleware to stay last.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "govcloud.web.middleware.PermissionsPolicyMiddleware",
)

# Cookies: never readable by scripts. The session cookie stays Lax so a link from a
# notification e-mail opens signed in; the CSRF cookie is only ever needed on same-site
# form posts, so Strict costs nothing (a cross-site visit gets a fresh one on its GET).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"


# HTTPS only where cookies are secure, i.e. in production behind TLS.
if SESSION_COOKIE_SECURE:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env_int("GOVCLOUD_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("GOVCLOUD_HSTS_INCLUDE_SUBDOMAINS", False)
# Behind a TLS-terminating proxy Django sees plain HTTP and would redirect for ever; trust
# the proxy's X-Forwarded-Proto only when told to (the proxy must set it, not pass it on).
if env_bool("GOVCLOUD_TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


_PERIODS = {"s", "sec", "second", "m", "min", "minute", "h", "hour", "d", "day"}


def _rate(name: str, default: str) -> str:
    """Return a DRF throttle rate such as "600/minute" from the environment."""
    rate = env_str(name, default).strip()
    number, _slash, period = rate.partition("/")
    if not (number.isascii() and number.isdigit() and int(number) > 0 and period in _PERIODS):
        raise ConfigurationError(f"{name}={rate!r} is not a rate such as 600/minute")
    return rate


# API rate limits, per signed-in user and per client address. Sign-in attempts are
# limited by django-axes (see AXES_* settings).
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "rest_framework.throttling.AnonRateThrottle",
    "rest_framework.throttling.UserRateThrottle",
]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "anon": _rate("GOVCLOUD_API_RATE_ANON", "60/minute"),
    "user": _rate("GOVCLOUD_API_RATE_USER", "600/minute"),
    # Per push token (govcloud/telemetry/api/push.py).
    "telemetry_push": _rate("GOVCLOUD_API_RATE_PUSH", "600/minute"),
}

# Swagger UI under the CSP: its script comes from /api/docs/?script (no inline code), and
# no badge image from validator.swagger.io (img-src allows only this site).
SPECTACULAR_SETTINGS["SWAGGER_UI_SETTINGS"] = {"deepLinking": True, "validatorUrl": None}
# The schema lists the error answers too (400, 403, 404, 429), and ?limit= has a ceiling.
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "govcloud.lib.api_hardening.document_error_responses",
]
REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] = (
    "govcloud.lib.api_hardening.BoundedLimitOffsetPagination"
)
