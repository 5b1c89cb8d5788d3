"""Caseway settings: one file, every value from the environment through caseway.lib.env.

CASEWAY_MODE is ``production`` (the default: fail closed), ``demo`` (make demo) or ``test``.
Only demo and test may run without explicit keys; see caseway/checks.py and docs/SECURITY.md.
"""

import base64
import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from caseway.indicators.bands import DEFAULT_AGE_BANDS, parse_age_bands
from caseway.lib.env import ConfigurationError, env_bool, env_int, env_int_within, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CASEWAY_VAR_DIR", str(BASE_DIR / "var")))

MODE = env_str("CASEWAY_MODE", "production")
if MODE not in {"production", "demo", "test"}:
    raise ConfigurationError(f"CASEWAY_MODE must be production, demo or test, not {MODE!r}")
DEMO_MODE = MODE == "demo"
TEST_MODE = MODE == "test"
DEBUG = env_bool("CASEWAY_DEBUG", False)


def _demo_keys() -> dict[str, str]:
    """Random keys for a demo install, created once under var/ and never used elsewhere."""
    path = VAR_DIR / "demo-keys.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    keys = {
        "secret_key": secrets.token_urlsafe(50),
        "vault_keys": "1:" + base64.b64encode(os.urandom(32)).decode(),
        "blind_index_key": base64.b64encode(os.urandom(32)).decode(),
        "audit_key": base64.b64encode(os.urandom(32)).decode(),
    }
    path.write_text(json.dumps(keys, indent=2), encoding="utf-8")
    path.chmod(0o600)
    return keys


def _throwaway_keys() -> dict[str, str]:
    return {
        "secret_key": secrets.token_urlsafe(50),
        "vault_keys": "1:" + base64.b64encode(os.urandom(32)).decode(),
        "blind_index_key": base64.b64encode(os.urandom(32)).decode(),
        "audit_key": base64.b64encode(os.urandom(32)).decode(),
    }


_fallback_keys = _demo_keys() if DEMO_MODE else _throwaway_keys() if TEST_MODE else {}

# Keys. In production every one of them must be given explicitly (caseway.checks refuses to start).
SECRET_KEY = env_str("CASEWAY_SECRET_KEY") or _fallback_keys.get("secret_key", "")
SECRET_KEY_FALLBACKS = env_list("CASEWAY_SECRET_KEY_FALLBACKS")  # old keys, during a rotation only
VAULT_KEYS = env_str("CASEWAY_VAULT_KEYS") or _fallback_keys.get("vault_keys", "")
BLIND_INDEX_KEY = env_str("CASEWAY_BLIND_INDEX_KEY") or _fallback_keys.get("blind_index_key", "")
AUDIT_KEY = env_str("CASEWAY_AUDIT_KEY") or _fallback_keys.get("audit_key", "")
AUDIT_ANCHOR_FILE = Path(env_str("CASEWAY_AUDIT_ANCHOR_FILE", str(VAR_DIR / "audit-anchors.jsonl")))

ALLOWED_HOSTS = env_list(
    "CASEWAY_ALLOWED_HOSTS",
    ["127.0.0.1", "localhost", "testserver"] if (DEMO_MODE or TEST_MODE) else [],
)
CSRF_TRUSTED_ORIGINS = env_list("CASEWAY_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "django_tasks_db",
    # Caseway, by floor (DESIGN.md): an app imports only apps listed before it.
    "caseway.audit",
    "caseway.scheduling",
    "caseway.vault",
    "caseway.accounts",
    "caseway.orgs",
    "caseway.directory",
    "caseway.clients",
    "caseway.referrals",
    "caseway.casework",
    "caseway.legal",
    "caseway.messaging",
    "caseway.portal",
    "caseway.indicators",
    "caseway.feedback",
    "caseway.api",
    "caseway",
]
if TEST_MODE:
    INSTALLED_APPS.append("caseway.vault.tests.vaulttestapp")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "caseway.accounts.middleware.SessionLifetimeMiddleware",
    "caseway.accounts.middleware.SecondFactorRequiredMiddleware",
    "caseway.orgs.middleware.ActiveMembershipMiddleware",
    "caseway.portal.middleware.PortalSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "caseway.middleware.NoStoreForAuthenticatedMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "caseway.urls"
WSGI_APPLICATION = "caseway.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "caseway.context_processors.shell",
            ],
        },
    },
]

# Database: SQLite under var/ by default, PostgreSQL (or another SQLite file) from a URL.
DATABASE_URL = env_str("CASEWAY_DATABASE_URL", f"sqlite:///{VAR_DIR / 'caseway.sqlite3'}")
_database = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CASEWAY_DB_CONN_MAX_AGE", 60))
if _database["ENGINE"] == "django.db.backends.sqlite3":
    if _database["NAME"] and _database["NAME"] != ":memory:":
        Path(_database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _database["CONN_MAX_AGE"] = 0
    _busy_timeout = env_int("CASEWAY_SQLITE_BUSY_TIMEOUT", 20)  # seconds
    _database["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing
        # half-way with "database is locked"; the timeout is how long they queue. The pragma
        # repeats it (in milliseconds) and must agree, as it runs last and would win.
        "transaction_mode": "IMMEDIATE",
        "timeout": _busy_timeout,
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;PRAGMA foreign_keys=ON;"
            f"PRAGMA busy_timeout={_busy_timeout * 1000};"
        ),
    }
    _database["TEST"] = {"NAME": env_str("CASEWAY_SQLITE_TEST_NAME") or None}
else:
    _database.setdefault("OPTIONS", {})
    if _database["ENGINE"] == "django.db.backends.postgresql":
        # JIT compiled a large search plan on every request (seconds each, docs/PERFORMANCE.md): off.
        _database["OPTIONS"]["options"] = f"{_database['OPTIONS'].get('options', '')} -c jit=off".strip()
    _database["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Authentication
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2 everywhere; tests use the same algorithm with a small memory cost to stay fast.
PASSWORD_HASHERS = [
    "caseway.accounts.hashers.CheapArgon2PasswordHasher"
    if TEST_MODE
    else "django.contrib.auth.hashers.Argon2PasswordHasher"
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "display_name")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "caseway.accounts.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
OTP_TOTP_ISSUER = env_str("CASEWAY_SITE_NAME", "Caseway")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Lockout: only the pair (IP address, username) is locked, so nobody can lock a real user out
# by guessing at their username from elsewhere.
AXES_FAILURE_LIMIT = env_int("CASEWAY_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("CASEWAY_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "caseway.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("CASEWAY_PROXY_COUNT", 0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Sessions: idle timeout and absolute lifetime are enforced by SessionLifetimeMiddleware.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = env_int("CASEWAY_SESSION_IDLE_MINUTES", 30) * 60
SESSION_ABSOLUTE_TIMEOUT = env_int("CASEWAY_SESSION_ABSOLUTE_HOURS", 12) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"
REAUTH_MAX_AGE = env_int("CASEWAY_REAUTH_MINUTES", 10) * 60
# Unfinished intakes untouched for this many hours are shredded (key destroyed) by an hourly job.
INTAKE_DRAFT_MAX_HOURS = env_int("CASEWAY_INTAKE_DRAFT_HOURS", 72)
if INTAKE_DRAFT_MAX_HOURS < 1:
    raise ConfigurationError(f"CASEWAY_INTAKE_DRAFT_HOURS must be at least 1 hour, not {INTAKE_DRAFT_MAX_HOURS}")
# How long a break-glass opening of a sensitive case's identity lasts, in minutes (at most a day).
BREAK_GLASS_MINUTES = env_int("CASEWAY_BREAK_GLASS_MINUTES", 30)
if not 1 <= BREAK_GLASS_MINUTES <= 24 * 60:
    raise ConfigurationError(f"CASEWAY_BREAK_GLASS_MINUTES must be from 1 to 1440 minutes, not {BREAK_GLASS_MINUTES}")
# A secure link for an organization outside the network: days before it expires (at most 30), and
# wrong PINs before it is locked for good (at most 10).
EXTERNAL_LINK_DAYS = env_int("CASEWAY_EXTERNAL_LINK_DAYS", 7)
if not 1 <= EXTERNAL_LINK_DAYS <= 30:
    raise ConfigurationError(f"CASEWAY_EXTERNAL_LINK_DAYS must be from 1 to 30 days, not {EXTERNAL_LINK_DAYS}")
EXTERNAL_LINK_PIN_FAILURES = env_int("CASEWAY_EXTERNAL_LINK_PIN_FAILURES", 5)
if not 1 <= EXTERNAL_LINK_PIN_FAILURES <= 10:
    raise ConfigurationError(
        f"CASEWAY_EXTERNAL_LINK_PIN_FAILURES must be from 1 to 10, not {EXTERNAL_LINK_PIN_FAILURES}"
    )
# Small-cell suppression (caseway.lib.disclosure): counts from 1 to this minus one are hidden in
# every statistic that leaves the system. Never below 3 (a 1 or a 2 identifies someone too easily);
# above 100 hides everything.
SMALL_CELL_THRESHOLD = env_int("CASEWAY_SMALL_CELL_THRESHOLD", 5)
if not 3 <= SMALL_CELL_THRESHOLD <= 100:
    raise ConfigurationError(f"CASEWAY_SMALL_CELL_THRESHOLD must be from 3 to 100, not {SMALL_CELL_THRESHOLD}")
# The supervisors' caseload page counts a case "without contact" after this many days (at most a year).
NO_CONTACT_DAYS = env_int("CASEWAY_NO_CONTACT_DAYS", 30)
if not 1 <= NO_CONTACT_DAYS <= 365:
    raise ConfigurationError(f"CASEWAY_NO_CONTACT_DAYS must be from 1 to 365 days, not {NO_CONTACT_DAYS}")
# Appointment reminders are queued this many hours before the appointment (at most a week).
REMINDER_HOURS = env_int("CASEWAY_REMINDER_HOURS", 24)
if not 1 <= REMINDER_HOURS <= 168:
    raise ConfigurationError(f"CASEWAY_REMINDER_HOURS must be from 1 to 168 hours, not {REMINDER_HOURS}")
# Notification channels (messaging/channels.py): the SMS default delivers nothing ("console_not_delivered").
MESSAGING_SMS_BACKEND = env_str("CASEWAY_SMS_BACKEND", "caseway.messaging.channels.ConsoleSmsBackend")
MESSAGING_EMAIL_BACKEND = env_str("CASEWAY_NOTIFICATION_EMAIL_BACKEND", "caseway.messaging.channels.DjangoEmailBackend")
# For caseway.messaging.channels.FileSmsBackend (development only): where the SMS are written.
MESSAGING_SMS_FILE = env_str("CASEWAY_SMS_FILE", str(VAR_DIR / "sms-outbox.jsonl"))
# For caseway.messaging.channels.HttpGatewaySmsBackend: where and how to post each SMS.
MESSAGING_SMS_GATEWAY_URL = env_str("CASEWAY_SMS_GATEWAY_URL", "")
MESSAGING_SMS_GATEWAY_TOKEN = env_str("CASEWAY_SMS_GATEWAY_TOKEN", "")
MESSAGING_SMS_GATEWAY_USER = env_str("CASEWAY_SMS_GATEWAY_USER", "")
MESSAGING_SMS_GATEWAY_PASSWORD = env_str("CASEWAY_SMS_GATEWAY_PASSWORD", "")
MESSAGING_SMS_GATEWAY_SENDER = env_str("CASEWAY_SMS_GATEWAY_SENDER", "")
MESSAGING_SMS_GATEWAY_TIMEOUT = env_int_within("CASEWAY_SMS_GATEWAY_TIMEOUT", 10, 1, 60)
CSRF_FAILURE_VIEW = "caseway.views.csrf_failure"

# Transport security. Production defaults are strict; a TLS-terminating proxy sets
# CASEWAY_PROXY_SSL_HEADER=1 so Django trusts X-Forwarded-Proto.
_secure_default = MODE == "production"
SECURE_SSL_REDIRECT = env_bool("CASEWAY_SSL_REDIRECT", _secure_default)
# Load balancers probe /healthz over plain HTTP inside the network: answer them, don't redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("CASEWAY_SECURE_COOKIES", _secure_default)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("CASEWAY_HSTS_SECONDS", 31536000 if _secure_default else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CASEWAY_HSTS_INCLUDE_SUBDOMAINS", _secure_default)
SECURE_HSTS_PRELOAD = env_bool("CASEWAY_HSTS_PRELOAD", _secure_default)
if env_bool("CASEWAY_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin", not DESIGN.md's "no-referrer": under no-referrer browsers send `Origin: null`
# with form posts, which Django's CSRF protection must refuse. same-origin still sends nothing
# to other sites, so no URL of ours ever leaks to a link's destination.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# Request size: bigger bodies are refused with 400 before anything is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("CASEWAY_MAX_BODY_BYTES", 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500

# Internationalization: every page works right-to-left.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("ar", "العربية"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "caseway" / "locale"]
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = env_str("CASEWAY_TIME_ZONE", "UTC")
USE_TZ = True

# Static files: hashed names and a year of cache, served by WhiteNoise.
STATIC_URL = "/static/"
# Tests serve straight from the apps' static folders (WhiteNoise finders), with no collected copy.
STATIC_ROOT = None if TEST_MODE else Path(env_str("CASEWAY_STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TEST_MODE
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = TEST_MODE
WHITENOISE_MAX_AGE = 31536000

# Background tasks: a database queue worked by `manage.py db_worker`; immediate in tests.
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if TEST_MODE
        else "django_tasks_db.DatabaseBackend",
    }
}

# API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "caseway.orgs.authentication.ApiTokenAuthentication",
        "caseway.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "caseway.lib.pagination.CappedLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "EXCEPTION_HANDLER": "caseway.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Caseway API",
    "DESCRIPTION": "Multi-agency case management and referral platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema name per choice set shared by several fields (status, from/to status, categories).
    "ENUM_NAME_OVERRIDES": {
        "ReferralStatusEnum": "caseway.referrals.models.Status",
        "DataCategoryEnum": "caseway.orgs.categories.DataCategory",
        "CaseStatusEnum": "caseway.clients.models.CaseStatus",
        "AppointmentKindEnum": "caseway.casework.models.Appointment.Kind",
        "SupportPaymentKindEnum": "caseway.casework.models.SupportPayment.Kind",
        "SupportPaymentMethodEnum": "caseway.casework.models.SupportPayment.Method",
        "ConsentMethodEnum": "caseway.clients.models.Consent.Method",
        "CasePlanStatusEnum": "caseway.casework.models.CasePlan.Status",
        "GoalStatusEnum": "caseway.casework.models.Goal.Status",
        "TaskKindEnum": "caseway.casework.models.Task.Kind",
        "MilestoneKindEnum": "caseway.casework.models.Milestone.Kind",
        "CaseNoteKindEnum": "caseway.casework.models.CaseNote.Kind",
        "CaseNoteConfidentialityEnum": "caseway.casework.models.CaseNote.Confidentiality",
        "ClosureRequestReasonEnum": "caseway.casework.models.ClosureRequest.Reason",
        "ClosureRequestStatusEnum": "caseway.casework.models.ClosureRequest.Status",
    },
}
API_TOKEN_DEFAULT_DAYS = env_int("CASEWAY_API_TOKEN_DAYS", 90)

# Shell
SITE_NAME = env_str("CASEWAY_SITE_NAME", "Caseway")
# The portal shows only neutral words: someone else may look at the client's phone.
PORTAL_SITE_NAME = env_str("CASEWAY_PORTAL_SITE_NAME", "Community services")
# A neutral icon for the portal's tab and home-screen shortcut (a URL; none by default).
PORTAL_ICON_URL = env_str("CASEWAY_PORTAL_ICON_URL", "")
PORTAL_INVITATION_DAYS = env_int_within("CASEWAY_PORTAL_INVITATION_DAYS", 7, 1, 30)
PORTAL_MAX_ATTEMPTS = env_int_within("CASEWAY_PORTAL_MAX_ATTEMPTS", 5, 3, 10)
PORTAL_LOCKOUT_MINUTES = env_int_within("CASEWAY_PORTAL_LOCKOUT_MINUTES", 15, 1, 24 * 60)
PORTAL_IDLE_MINUTES = env_int_within("CASEWAY_PORTAL_IDLE_MINUTES", 15, 1, 60)
PORTAL_SHARED_IDLE_MINUTES = env_int_within("CASEWAY_PORTAL_SHARED_IDLE_MINUTES", 5, 1, 30)
# Documents and message attachments (lib/uploads.py checks them).
UPLOAD_MAX_MB = env_int_within("CASEWAY_UPLOAD_MAX_MB", 5, 1, 50)
# Legal deadlines: how many days before each one its parties are alerted (most to least).
_lead_days = env_list("CASEWAY_LEGAL_DEADLINE_LEAD_DAYS", ["30", "14", "7", "1"])
if not _lead_days or not all(day.isdigit() and 1 <= int(day) <= 365 for day in _lead_days):
    raise ConfigurationError("CASEWAY_LEGAL_DEADLINE_LEAD_DAYS must list days from 1 to 365, such as 30,14,7,1")
LEGAL_DEADLINE_LEAD_DAYS = sorted({int(day) for day in _lead_days})
# Legal analytics: a matter whose current stage has lasted longer than this many days is delayed.
LEGAL_DELAY_DAYS = env_int_within("CASEWAY_LEGAL_DELAY_DAYS", 180, 1, 3660)

# Indicators: the age bands of the disaggregations (runs of the recorded age groups, checked at
# start), and how many days after a period ends its snapshots are frozen (never recomputed).
INDICATOR_AGE_BANDS = parse_age_bands(env_str("CASEWAY_INDICATOR_AGE_BANDS", DEFAULT_AGE_BANDS))
INDICATOR_FREEZE_DAYS = env_int_within("CASEWAY_INDICATOR_FREEZE_DAYS", 60, 0, 3660)
# How long a "you have a new message" notice may wait for the client's next safe time.
MESSAGE_NOTICE_HOURS = env_int_within("CASEWAY_MESSAGE_NOTICE_HOURS", 48, 1, 168)
QUICK_EXIT_URL = env_str("CASEWAY_QUICK_EXIT_URL", "https://www.wikipedia.org/")

if TEST_MODE:
    _mailer = {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
elif DEMO_MODE:
    _mailer = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}  # demo mail shows in the terminal
else:
    _mailer = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env_str("CASEWAY_SMTP_HOST", "localhost"),
            "port": env_int("CASEWAY_SMTP_PORT", 587),
            "username": env_str("CASEWAY_SMTP_USER"),
            "password": env_str("CASEWAY_SMTP_PASSWORD"),
            "use_tls": env_bool("CASEWAY_SMTP_STARTTLS", True),
            "timeout": 20,
        },
    }
MAILERS = {"default": _mailer}
DEFAULT_FROM_EMAIL = env_str("CASEWAY_FROM_EMAIL", "no-reply@localhost")

# Logs carry event names and ids only, never values (DESIGN.md principle 4).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("CASEWAY_LOG_LEVEL", "WARNING" if TEST_MODE else "INFO")},
    "loggers": {
        "django.security.DisallowedHost": {"level": "ERROR"},
        # Tests provoke hundreds of 403/404/405 on purpose; their tracebacks are noise there.
        "django.request": {"level": "ERROR" if TEST_MODE else "WARNING"},
        "django.security.csrf": {"level": "ERROR" if TEST_MODE else "WARNING"},
    },
}
