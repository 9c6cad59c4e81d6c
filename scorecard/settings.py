"""Scorecard settings: one file, configured by environment variables with safe defaults.

SQLite in the project folder is the embedded default; DATABASE_URL selects PostgreSQL.
DEBUG is off unless DEBUG=true; with DEBUG off, SECRET_KEY must be set.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from scorecard.env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    issuer_from_setting,
    issuer_is_acceptable,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
# Under pytest static files are served from their folders, without collectstatic.
TESTING = "pytest" in sys.modules

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (for example the output of: python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'), or set DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-true"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "simple_history",
    "indicators",
    "risks",
    "recovery_plans",
    "meetings",
    "comparators",
    "returns",
    "timetable",
    "notifications",
    "onboarding",
    "published_rows",
    "demo",
    "django_tasks_db",
    "django.contrib.sitemaps",
    "django.forms",
    "operations",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "operations.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages, CSV and JSON compressed (after whitenoise, which serves static files
    # compressed already; before everything that writes the body).
    "operations.middleware.CompressTextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the audit history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Refuses sign-in to a username from an address after repeated failures (last, as axes
    # asks).
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Counts failed sign-ins and refuses them during a lockout; then the password check
    # (refused to those who must use single sign-on), then the identity provider's.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.PasswordBackend",
    "accounts.backends.SsoBackend",
]

# Single sign-on with the council's identity provider through OpenID Connect (README,
# "Signing in with the council's account"): off unless OIDC_ISSUER, OIDC_CLIENT_ID and
# OIDC_CLIENT_SECRET are all set. The endpoints come from the issuer's discovery document,
# fetched at the first sign-in.
OIDC_ISSUER = issuer_from_setting(os.environ.get("OIDC_ISSUER", ""))
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "").strip()
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "").strip()
_OIDC_GIVEN = {
    "OIDC_ISSUER": OIDC_ISSUER,
    "OIDC_CLIENT_ID": OIDC_RP_CLIENT_ID,
    "OIDC_CLIENT_SECRET": OIDC_RP_CLIENT_SECRET,
}
if any(_OIDC_GIVEN.values()) and not all(_OIDC_GIVEN.values()):
    raise ImproperlyConfigured(
        "Single sign-on needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET; not set: "
        + ", ".join(name for name, value in _OIDC_GIVEN.items() if not value)
        + "."
    )
if OIDC_ISSUER and not issuer_is_acceptable(OIDC_ISSUER):
    raise ImproperlyConfigured(
        f"OIDC_ISSUER must be an https:// address (http:// only on this machine), not "
        f"{OIDC_ISSUER!r}."
    )
# The button reads "Sign in with <OIDC_PROVIDER_NAME>".
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "").strip() or "your council account"
OIDC_RP_SCOPES = "openid email profile"
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_SIGN_ALGO", "RS256").strip()
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
# Officers, the performance team, clerks and staff sign in through the provider only;
# superusers too, unless SSO_SUPERUSER_PASSWORDS keeps theirs for when it is away.
SSO_REQUIRED_FOR_STAFF = env_bool("SSO_REQUIRED_FOR_STAFF", default=False)
SSO_SUPERUSER_PASSWORDS = env_bool("SSO_SUPERUSER_PASSWORDS", default=False)
if SSO_REQUIRED_FOR_STAFF and not OIDC_ISSUER:
    raise ImproperlyConfigured(
        "SSO_REQUIRED_FOR_STAFF turns staff passwords off, so it needs single sign-on: set "
        "OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET."
    )
# Five wrong passwords for one username from one address lock that pair out for 15
# minutes: guessing is stopped, while nobody can lock a councillor out from elsewhere.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "operations.security.client_ip"
AXES_VERBOSE = False

ROOT_URLCONF = "scorecard.urls"

# Form widgets render through the project's templates too (templates/components/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

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
                "scorecard.context_processors.council",
            ],
        },
    },
]

WSGI_APPLICATION = "scorecard.wsgi.application"
ASGI_APPLICATION = "scorecard.asgi.application"

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # A write takes the lock when its transaction begins, so a second writer waits
            # (up to the timeout, in seconds) and then sees the first's save, instead of
            # failing with "database is locked" when it tries to upgrade a read lock.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Argon2id with OWASP's parameters (scorecard/hashers.py); the PBKDF2 hashers after it
# let passwords stored before sign in, and Django rehashes them with Argon2id as they do.
PRODUCTION_PASSWORD_HASHERS = [
    "scorecard.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
PASSWORD_HASHERS = PRODUCTION_PASSWORD_HASHERS
if TESTING:
    # Tests need no secrecy; tests/test_passwords.py checks the production hashers.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# GOV.UK Frontend's fonts-free assets and plotly.js (its basic bundle: the scatter and bar
# charts the app draws, a quarter of the full bundle's size) come from npm:
# the app serves every asset itself, with no CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk/assets", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "assets"),
    ("plotly", BASE_DIR / "node_modules" / "plotly.js-basic-dist-min"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# No request body over 21 MB is read at all (the largest upload, an appendix PDF, may be
# 20 MB); a proxy in front should refuse the same (nginx: client_max_body_size 21m).
MAX_REQUEST_BYTES = 21 * 1024 * 1024

# Uploaded appendices and rendered agenda packs.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
if TESTING and "MEDIA_ROOT" not in os.environ:
    import tempfile

    # Tests store packs and uploads in a folder of their own, never in the project's.
    MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="scorecard-test-media-"))
MEDIA_URL = "/media/"

# Background work (agenda pack rendering) goes through Django's tasks framework to a
# database-backed queue; `manage.py db_worker` runs it. Tests run tasks immediately.
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if TESTING and not env_bool("TASKS_DB", default=False)
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Lancashire County Council")
# The service's public address (https://scorecard.example.gov.uk/): links in the agenda
# pack resolve against it. Without it, the first of ALLOWED_HOSTS.
SITE_URL = os.environ.get("SITE_URL", "")

# E-mail goes out through an SMTP server (the council's relay, Microsoft 365, GOV.UK Notify's
# SMTP, ...), sent by the task worker; with DEBUG on and no EMAIL_HOST, messages are printed
# by `make run` instead. See the README's "E-mail" section.
_email_host = os.environ.get("EMAIL_HOST", "")
_email_port = env_int("EMAIL_PORT", 587)
if DEBUG and not _email_host:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host or "localhost",
                "port": _email_port,
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=_email_port == 587),
                "use_ssl": env_bool("EMAIL_USE_SSL", default=_email_port == 465),
                "timeout": env_int("EMAIL_TIMEOUT", 20),
            },
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("EMAIL_FROM", "Scorecard <scorecard@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Notices nobody may switch off (kinds from notifications/notices.py, comma-separated).
MANDATORY_NOTICES = frozenset(env_list("MANDATORY_NOTICES", []))
# Password reset links: how many an address or an account may ask for in an hour.
PASSWORD_RESET_PER_HOUR = env_int("PASSWORD_RESET_PER_HOUR", 3)
PASSWORD_RESET_PER_ADDRESS_PER_HOUR = env_int("PASSWORD_RESET_PER_ADDRESS_PER_HOUR", 10)
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: every script and stylesheet is a file the app serves
# (plotly's own rules too, static/css/plotly.css), and nothing may frame the pages.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# A session lasts a working day and ends with the browser; changing a password ends every
# other session of that user (Django checks the password hash in each session).
SESSION_COOKIE_AGE = 60 * 60 * 10
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_REFERRER_POLICY = "same-origin"
# Behind a TLS-terminating proxy (the production profile): trust its X-Forwarded-Proto,
# send every plain-HTTP request to HTTPS (health checks excepted) and ask browsers to stay.
BEHIND_PROXY = env_bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies append to X-Forwarded-For before the app: the client's address for login
# throttling is the one the outermost of them saw.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 1) if BEHIND_PROXY else 0
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)

# Statistical process control (README, "Statistical process control"). The defaults are
# those of NHS England's Making Data Count method as NHSRplotthedots implements it.
# SPC_SCREEN_MOVING_RANGES=false keeps every moving range in the limits, as the Making Data
# Count Excel tool does; SPC_MINIMUM_POINTS raises the number of figures before any (trial)
# limits are drawn, for instance to 6 as Wheeler's "Understanding Variation" advises.
SPC_SCREEN_MOVING_RANGES = env_bool("SPC_SCREEN_MOVING_RANGES", default=True)
SPC_MINIMUM_POINTS = env_int("SPC_MINIMUM_POINTS", 2)
if SPC_MINIMUM_POINTS < 2:
    raise ImproperlyConfigured(
        "SPC_MINIMUM_POINTS must be 2 or more: limits need at least one moving range."
    )

# The return timetable a quarter gets until the performance team sets one (README, "The
# return timetable"), in working days (Monday to Friday but English bank holidays): returns
# open and are due so many working days after the quarter's end, sign-off so many after the
# due date and publication so many after sign-off. Reminders go so many before the due date.
RETURNS_OPEN_WORKING_DAYS = env_int("RETURNS_OPEN_WORKING_DAYS", 1)
RETURNS_DUE_WORKING_DAYS = env_int("RETURNS_DUE_WORKING_DAYS", 15)
RETURNS_SIGN_OFF_WORKING_DAYS = env_int("RETURNS_SIGN_OFF_WORKING_DAYS", 5)
RETURNS_PUBLICATION_WORKING_DAYS = env_int("RETURNS_PUBLICATION_WORKING_DAYS", 10)
RETURNS_REMINDER_WORKING_DAYS = env_int("RETURNS_REMINDER_WORKING_DAYS", 3)
if not 1 <= RETURNS_OPEN_WORKING_DAYS <= RETURNS_DUE_WORKING_DAYS:
    raise ImproperlyConfigured(
        "RETURNS_OPEN_WORKING_DAYS must be 1 or more, and RETURNS_DUE_WORKING_DAYS no fewer: "
        "returns open after the quarter ends and cannot be due before they open."
    )
for _name in (
    "RETURNS_SIGN_OFF_WORKING_DAYS",
    "RETURNS_PUBLICATION_WORKING_DAYS",
    "RETURNS_REMINDER_WORKING_DAYS",
):
    if globals()[_name] < 0:
        raise ImproperlyConfigured(f"{_name} must be 0 or more working days.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # LOG_FORMAT=json (the production profile) writes one JSON object per line.
    "formatters": {
        "json": {"()": "operations.jsonlog.JsonFormatter"},
        "text": {"format": "%(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json" if os.environ.get("LOG_FORMAT") == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint reports each layout step at INFO; only its warnings are worth reading.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Each failed sign-in is a warning; axes's bookkeeping is not worth a line.
        "axes": {"level": "WARNING"},
    },
}
