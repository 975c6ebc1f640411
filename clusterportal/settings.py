"""Settings, read from environment variables (see docs/operations/settings.md).

Every setting a deployment may change is listed in ``DOCUMENTED_SETTINGS`` and a
test checks that each is documented.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from core.logs import logging_config

# Numerical libraries use one thread per process (before numpy is first imported): their
# default pools stall for hundreds of milliseconds when the other core is busy
# (docs/matching.md). Web workers and task workers are scaled by processes instead.
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def cache_config(value: str) -> dict[str, dict[str, object]]:
    """``CACHE_URL`` → Django's ``CACHES``: empty = local memory (one process), ``db`` =
    the database's cache table, ``redis://…``/``rediss://…``/``unix://…`` = Redis."""
    value = value.strip()
    if not value:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if value == "db":
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "clusterportal_cache",
            }
        }
    if value.split("://", 1)[0] in {"redis", "rediss", "unix"}:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": value,
                # Keys of several portals in one Redis database stay apart.
                "KEY_PREFIX": env("CACHE_KEY_PREFIX", "clusterportal"),
            }
        }
    raise RuntimeError(
        "CACHE_URL must be empty (local memory), 'db' (the database's cache table) or a "
        f"Redis URL such as redis://127.0.0.1:6379/0; not {value!r}"
    )


def proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """``"HTTP_X_FORWARDED_PROTO,https"`` → Django's ``SECURE_PROXY_SSL_HEADER`` tuple."""
    if not value.strip():
        return None
    parts = [part.strip() for part in value.split(",")]
    if len(parts) != 2 or not all(parts) or not parts[0].startswith("HTTP_"):
        raise RuntimeError(
            "SECURE_PROXY_SSL_HEADER must be the header's META name and the value that means "
            f"https, separated by a comma, e.g. HTTP_X_FORWARDED_PROTO,https; not {value!r}"
        )
    return parts[0], parts[1]


DEBUG = env_bool("DEBUG", default=True)
# Under DEBUG, Django's technical 404 page (with the URL list) instead of the portal's own.
DEBUG_TECHNICAL_404 = env_bool("DEBUG_TECHNICAL_404", default=False)
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

DATA_DIR = Path(env("DATA_DIR", str(BASE_DIR / "var"))).resolve()
# The SQLite file, the search index and uploads live here; a fresh clone has no folder yet.
DATA_DIR.mkdir(parents=True, exist_ok=True)
REFERENCE_DATA_DIR = Path(
    env("REFERENCE_DATA_DIR", str(BASE_DIR.parent / "shared" / "data"))
).resolve()

INSTALLED_APPS = [
    "clusterportal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_tasks",
    # The database-backed task queue and its worker (manage.py db_worker).
    "django_tasks_db",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "messaging",
    "classification",
    "geo",
    "directory",
    "search",
    "accounts",
    "sourcing",
    "inquiries",
    "networks",
    "content",
    "newsletter",
]

MIDDLEWARE = [
    # First: the request id and the access line cover every other middleware's time.
    "core.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.RejectNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.StaffTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "search.middleware.SearchUnavailableMiddleware",
    "clusterportal.middleware.PortalNotFoundMiddleware",
]

if not DEBUG:
    # Static files without DEBUG: compressed, far-future cache headers for hashed names
    # (under DEBUG, Django's runserver serves them from the apps' folders).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "clusterportal.urls"
WSGI_APPLICATION = "clusterportal.wsgi.application"
ASGI_APPLICATION = "clusterportal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "clusterportal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.portal",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'clusterportal.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        # A kept connection is checked before a request uses it: after a restart of
        # PostgreSQL the next request opens a new one instead of failing (errors.py).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers continue while an import writes; a busy writer waits instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# URLs typed without a scheme are https (Django 6's default; silences its warning).
FORMS_URLFIELD_ASSUME_HTTPS = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "clusterportal" / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(DATA_DIR / "static"))).resolve()
# Without DEBUG, collectstatic writes each file under a name with its content's hash,
# gzip- and brotli-compressed beside it; WhiteNoise serves those with a year's
# Cache-Control (docs/operations/production.md). Under DEBUG the files are served from
# the apps' folders as they are, so a developer needs no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "clusterportal.staticfiles.PortalStaticFilesStorage"
        if env_bool("STATIC_COMPRESS", default=True)
        else "clusterportal.staticfiles.UncompressedStaticFilesStorage"
    },
}
# Files without a hash in their name (e.g. a marker image Leaflet asks for by name).
WHITENOISE_MAX_AGE = int(env("STATIC_MAX_AGE", "3600"))
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:account"
LOGOUT_REDIRECT_URL = "home"

# Accounts (docs/accounts.md). A session ends this long after login (staff: the shorter
# STAFF_SESSION_AGE); a verification link is valid ACCOUNT_VERIFICATION_DAYS days.
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(14 * 24 * 3600)))
STAFF_SESSION_AGE = int(env("STAFF_SESSION_AGE", str(8 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
ACCOUNT_VERIFICATION_DAYS = int(env("ACCOUNT_VERIFICATION_DAYS", "3"))
PASSWORD_RESET_TIMEOUT = int(env("PASSWORD_RESET_TIMEOUT", str(2 * 3600)))
# Login throttling: this many failed attempts for one address (or LOGIN_FAILURES_PER_IP
# from one client address) within LOGIN_FAILURE_WINDOW seconds locks further tries for
# the rest of the window.
LOGIN_FAILURES_PER_ACCOUNT = int(env("LOGIN_FAILURES_PER_ACCOUNT", "5"))
LOGIN_FAILURES_PER_IP = int(env("LOGIN_FAILURES_PER_IP", "30"))
LOGIN_FAILURE_WINDOW = int(env("LOGIN_FAILURE_WINDOW", str(15 * 60)))
# Behind a reverse proxy: the request header (Django's META name) whose last entry is the
# client's address, e.g. HTTP_X_FORWARDED_FOR; empty: REMOTE_ADDR.
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER")
# Corrections one client may suggest per hour (spam reaches the staff queue otherwise).
CORRECTIONS_PER_HOUR = int(env("CORRECTIONS_PER_HOUR", "10"))
# Emails about one address (verification, password reset) per hour at most.
ACCOUNT_EMAILS_PER_HOUR = int(env("ACCOUNT_EMAILS_PER_HOUR", "5"))
# Changes by organisation editors that wait for staff review: any of name, wz, address,
# website (empty: none).
PROFILE_REVIEWED_FIELDS = env_list("PROFILE_REVIEWED_FIELDS", "name,wz,address")
# Freshness: a profile confirmed longer ago than PROFILE_VERIFICATION_DAYS loses its
# ranking boost and its editors are asked to confirm it; PROFILE_HIDE_UNCONFIRMED_DAYS
# after that request without an answer it is hidden (0: never).
PROFILE_VERIFICATION_DAYS = int(env("PROFILE_VERIFICATION_DAYS", "365"))
PROFILE_HIDE_UNCONFIRMED_DAYS = int(env("PROFILE_HIDE_UNCONFIRMED_DAYS", "0"))
# Retention (days): accounts never confirmed; messages in decided change requests,
# corrections and claims (emptied, the decision stays). apply_retention runs daily.
RETENTION_UNCONFIRMED_ACCOUNT_DAYS = int(env("RETENTION_UNCONFIRMED_ACCOUNT_DAYS", "30"))
RETENTION_MESSAGES_DAYS = int(env("RETENTION_MESSAGES_DAYS", "365"))
# The portal's address, for links in emails sent by scheduled tasks (no request to ask).
PORTAL_URL = env("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")
# The name an authenticator app shows next to the code.
OTP_TOTP_ISSUER = env("PORTAL_NAME", "Clusterportal")

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "portal@localhost")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "10"))

# The outbox (docs/messaging.md): messages sent per minute at most (0: no limit), tries
# before a message fails, the pause before the first retry (doubled for each further
# one), how long a message may stay "sending" before its outcome counts as unknown, and
# an optional address for mailto unsubscribes beside the link.
MESSAGING_RATE_PER_MINUTE = int(env("MESSAGING_RATE_PER_MINUTE", "60"))
MESSAGING_MAX_ATTEMPTS = int(env("MESSAGING_MAX_ATTEMPTS", "5"))
MESSAGING_RETRY_SECONDS = int(env("MESSAGING_RETRY_SECONDS", "60"))
MESSAGING_SENDING_TIMEOUT = int(env("MESSAGING_SENDING_TIMEOUT", "600"))
MESSAGING_UNSUBSCRIBE_MAILTO = env("MESSAGING_UNSUBSCRIBE_MAILTO")
# Staff told of a waiting claim, change or correction are not told of the next one in
# the same queue within this many minutes (0: an email for every item).
REVIEW_NOTICE_MINUTES = int(env("REVIEW_NOTICE_MINUTES", "15"))

# Public forms: attempts one client may make per window (seconds) before a 429 page
# (core/abuse.py). Counted in Django's cache: per process unless a shared cache is set.
RATE_LIMITS = {
    "default": (int(env("RATE_LIMIT_DEFAULT_PER_HOUR", "20")), 3600),
    "contact": (int(env("RATE_LIMIT_CONTACT_PER_HOUR", "10")), 3600),
    "posting": (int(env("RATE_LIMIT_POSTING_PER_HOUR", "10")), 3600),
    "inquiry": (int(env("RATE_LIMIT_INQUIRY_PER_HOUR", "5")), 3600),
    "address": (int(env("RATE_LIMIT_ADDRESS_PER_HOUR", "5")), 3600),
    "newsletter": (int(env("RATE_LIMIT_NEWSLETTER_PER_HOUR", "10")), 3600),
}

# --- Newsletter (newsletter/, docs/newsletter.md) ----------------------------------------
# Hours a confirmation link works (unconfirmed subscriptions are deleted after it),
# subscribers written per batch of a sending issue, the shared secret of the bounce
# endpoint (empty: switched off), soft bounces in a row that suppress an address, and
# how many days back "fill from recent items" looks.
NEWSLETTER_CONFIRM_HOURS = int(env("NEWSLETTER_CONFIRM_HOURS", "48"))
NEWSLETTER_BATCH_SIZE = int(env("NEWSLETTER_BATCH_SIZE", "200"))
NEWSLETTER_BOUNCE_SECRET = env("NEWSLETTER_BOUNCE_SECRET")
NEWSLETTER_SOFT_BOUNCE_LIMIT = int(env("NEWSLETTER_SOFT_BOUNCE_LIMIT", "3"))
NEWSLETTER_SOURCE_DAYS = int(env("NEWSLETTER_SOURCE_DAYS", "30"))

# --- Sourcing: requests and offers, digests (sourcing/) --------------------------------
# (the postings section: settings of sourcing.postings and the digests go here)
# Requests and offers: days a posting runs when the poster gives no date, the most it may
# run, and how many days before the end its poster is reminded (docs/sourcing.md).
POSTING_DEFAULT_DAYS = int(env("POSTING_DEFAULT_DAYS", "60"))
POSTING_MAX_DAYS = int(env("POSTING_MAX_DAYS", "180"))
POSTING_REMINDER_DAYS = int(env("POSTING_REMINDER_DAYS", "7"))

# --- Funding programmes (content/funding, docs/funding.md) ------------------------------
# Days before a call's deadline that followers get a reminder (one mail per stage), and
# after how many days without a check staff see a programme flagged.
FUNDING_REMINDER_DAYS = sorted(
    {int(day) for day in env_list("FUNDING_REMINDER_DAYS", "14,3") if day.strip()}, reverse=True
)
FUNDING_CHECK_DAYS = int(env("FUNDING_CHECK_DAYS", "180"))

# --- Relayed contact (messaging/relay, sourcing/contact) --------------------------------
# (the relay section: settings of the relayed contact go here)
# At most this many organisations get one request at once (each its own conversation).
RELAY_MAX_RECIPIENTS = int(env("RELAY_MAX_RECIPIENTS", "10"))
# Hours a visitor's address stays confirmed in their session after the one-time link.
RELAY_CONFIRMED_HOURS = int(env("RELAY_CONFIRMED_HOURS", "24"))
# Hours a one-time link to confirm a visitor's address (and send the message) is valid.
RELAY_LINK_HOURS = int(env("RELAY_LINK_HOURS", "48"))
# Relayed conversations without a message for this many days are deleted (apply_retention).
RETENTION_RELAY_DAYS = int(env("RETENTION_RELAY_DAYS", "365"))

# --- Expert inquiries (inquiries/) ----------------------------------------------------
# (the inquiries section: settings of the inquiries go here)
# Days until an inquiry must have its first answer, per urgency (low, normal, high, urgent).
INQUIRY_DUE_DAYS = {
    "low": int(env("INQUIRY_DUE_DAYS_LOW", "10")),
    "normal": int(env("INQUIRY_DUE_DAYS_NORMAL", "5")),
    "high": int(env("INQUIRY_DUE_DAYS_HIGH", "2")),
    "urgent": int(env("INQUIRY_DUE_DAYS_URGENT", "1")),
}
# Hours before the due date when the assigned expert and the team lead are warned.
INQUIRY_DUE_SOON_HOURS = int(env("INQUIRY_DUE_SOON_HOURS", "24"))
INQUIRY_ATTACHMENT_MAX_MB = int(env("INQUIRY_ATTACHMENT_MAX_MB", "5"))
# Attachments live outside static and media; only the inbox serves them.
INQUIRY_ATTACHMENT_DIR = Path(
    env("INQUIRY_ATTACHMENT_DIR", str(DATA_DIR / "inquiry-attachments"))
).resolve()
# Label certificates and studies of the networks; served by the networks' views.
NETWORK_DOCUMENT_DIR = Path(
    env("NETWORK_DOCUMENT_DIR", str(DATA_DIR / "network-documents"))
).resolve()
NETWORK_DOCUMENT_MAX_MB = int(env("NETWORK_DOCUMENT_MAX_MB", "20"))
# Slides and minutes of events; served by the events' views.
EVENT_DOCUMENT_DIR = Path(env("EVENT_DOCUMENT_DIR", str(DATA_DIR / "event-documents"))).resolve()
# Images of the news articles; served by the article's own view while it is visible.
NEWS_IMAGE_DIR = Path(env("NEWS_IMAGE_DIR", str(DATA_DIR / "news-images"))).resolve()
# Days before a quality label's end when staff and the network's managers are reminded:
# a first and a second reminder ("90,30").
LABEL_REMINDER_DAYS = tuple(
    sorted((int(days) for days in env("LABEL_REMINDER_DAYS", "90,30").split(",")), reverse=True)
)[:2]
RETENTION_INQUIRY_DAYS = int(env("RETENTION_INQUIRY_DAYS", "730"))
# Days after an event's end when its registrations lose name, address and organisation.
RETENTION_EVENT_REGISTRATION_DAYS = int(env("RETENTION_EVENT_REGISTRATION_DAYS", "180"))
# Days the audit log of staff actions keeps an entry (core.audit; apply_retention).
AUDIT_RETENTION_DAYS = int(env("AUDIT_RETENTION_DAYS", "730"))

TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
    }
}

# Whole pages for visitors without a session (search page and API, map, organisations),
# kept this many seconds in the shared cache and dropped at once by any change of the
# search index (core/pagecache.py); 0 switches it off. Needs a cache all processes
# share (CACHE_URL) as soon as more than one process serves the portal.
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "0"))
# Django's cache (docs/operations/settings.md, CACHE_URL): rate-limit counters and cached
# fragments. Several web nodes need a shared one (Redis, or "db"). Sessions stay in the
# database (Django's default backend): shared by every node and kept when Redis restarts.
CACHES = cache_config(env("CACHE_URL"))
# Backups (manage.py backup, docs/operations/backup.md): where they go, how many are kept
# (the newest; 0 keeps all).
BACKUP_DIR = Path(env("BACKUP_DIR", str(DATA_DIR / "backups"))).resolve()
BACKUP_KEEP = int(env("BACKUP_KEEP", "7"))

# Search: "tantivy" (an embedded index under SEARCH_INDEX_DIR, the default) or "postgres"
# (PostgreSQL full-text search, for several web nodes sharing one database).
SEARCH_ENGINE = env("SEARCH_ENGINE", "tantivy")
SEARCH_INDEX_DIR = Path(env("SEARCH_INDEX_DIR", str(DATA_DIR / "search"))).resolve()
# Saving an organisation queues an index update (off only for bulk work that rebuilds after).
SEARCH_AUTO_UPDATE = env_bool("SEARCH_AUTO_UPDATE", default=True)
# Tantivy: search the page while the facets are counted (two threads per search).
SEARCH_PARALLEL = env_bool("SEARCH_PARALLEL", default=True)
# A web process reads in a background thread at start what the first match reads (the
# embedding model, the organisation vectors, the open postings): clusterportal/warmup.py.
WARM_UP_AT_START = env_bool("WARM_UP_AT_START", default=True)
# Tantivy: memory for a rebuild's writer (MB); an index that fits is written as one segment.
SEARCH_WRITER_MEMORY_MB = int(env("SEARCH_WRITER_MEMORY_MB", "2000"))

# Geocoding: "offline" uses the imported postal codes and municipalities only.
# "nominatim" asks a Nominatim-compatible service at GEOCODER_URL first and falls back to offline.
GEOCODER = env("GEOCODER", "offline")
GEOCODER_URL = env("GEOCODER_URL", "")
GEOCODER_TIMEOUT = float(env("GEOCODER_TIMEOUT", "5"))
GEOCODER_USER_AGENT = env("GEOCODER_USER_AGENT", "Clusterportal (self-hosted)")

# Map tiles: empty means no tile layer (district boundaries and markers still draw).
MAP_TILE_URL = env("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", "")

PORTAL_NAME = env("PORTAL_NAME", "Clusterportal")
# The federal state the portal serves (AGS prefix); demo data and defaults use it.
PORTAL_STATE_AGS = env("PORTAL_STATE_AGS", "16")

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Behind a TLS proxy (docs/operations/settings.md): HSTS, the redirect to https, and the
# header (Django's META name and value) by which the proxy says a request came by https,
# e.g. "HTTP_X_FORWARDED_PROTO,https". Paths matching SECURE_REDIRECT_EXEMPT (regular
# expressions without the leading slash) answer over http too: health checks.
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SECURE_REDIRECT_EXEMPT = env_list("SECURE_REDIRECT_EXEMPT", r"^health(z|/.*)?$")
SECURE_PROXY_SSL_HEADER = proxy_ssl_header(env("SECURE_PROXY_SSL_HEADER"))
X_FRAME_OPTIONS = "DENY"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Logs (docs/operations/logging.md): "text" for a terminal, "json" (one object per line)
# for a log collector; the client's address appears in access lines only with
# LOG_CLIENT_IP (it is personal data).
LOG_FORMAT = env("LOG_FORMAT", "text").strip().lower()
LOG_CLIENT_IP = env_bool("LOG_CLIENT_IP")
LOGGING = logging_config(LOG_FORMAT, env("LOG_LEVEL", "INFO"))

# Settings an operator may set through the environment. tests check each is documented.
DOCUMENTED_SETTINGS = [
    "DEBUG",
    "DEBUG_TECHNICAL_404",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "DATABASE_CONN_MAX_AGE",
    "DATA_DIR",
    "REFERENCE_DATA_DIR",
    "TIME_ZONE",
    "EMAIL_BACKEND",
    "DEFAULT_FROM_EMAIL",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_TIMEOUT",
    "MESSAGING_RATE_PER_MINUTE",
    "MESSAGING_MAX_ATTEMPTS",
    "MESSAGING_RETRY_SECONDS",
    "MESSAGING_SENDING_TIMEOUT",
    "MESSAGING_UNSUBSCRIBE_MAILTO",
    "NEWSLETTER_CONFIRM_HOURS",
    "NEWSLETTER_BATCH_SIZE",
    "NEWSLETTER_BOUNCE_SECRET",
    "NEWSLETTER_SOFT_BOUNCE_LIMIT",
    "NEWSLETTER_SOURCE_DAYS",
    "RATE_LIMIT_NEWSLETTER_PER_HOUR",
    "REVIEW_NOTICE_MINUTES",
    "SESSION_COOKIE_AGE",
    "STAFF_SESSION_AGE",
    "ACCOUNT_VERIFICATION_DAYS",
    "PASSWORD_RESET_TIMEOUT",
    "LOGIN_FAILURES_PER_ACCOUNT",
    "LOGIN_FAILURES_PER_IP",
    "LOGIN_FAILURE_WINDOW",
    "CLIENT_IP_HEADER",
    "CORRECTIONS_PER_HOUR",
    "RATE_LIMIT_DEFAULT_PER_HOUR",
    "RATE_LIMIT_CONTACT_PER_HOUR",
    "RATE_LIMIT_POSTING_PER_HOUR",
    "RATE_LIMIT_INQUIRY_PER_HOUR",
    "RATE_LIMIT_ADDRESS_PER_HOUR",
    "ACCOUNT_EMAILS_PER_HOUR",
    "PROFILE_REVIEWED_FIELDS",
    "PROFILE_VERIFICATION_DAYS",
    "POSTING_DEFAULT_DAYS",
    "POSTING_MAX_DAYS",
    "POSTING_REMINDER_DAYS",
    "FUNDING_REMINDER_DAYS",
    "FUNDING_CHECK_DAYS",
    "PROFILE_HIDE_UNCONFIRMED_DAYS",
    "PORTAL_URL",
    "RETENTION_UNCONFIRMED_ACCOUNT_DAYS",
    "RETENTION_MESSAGES_DAYS",
    "RELAY_MAX_RECIPIENTS",
    "RELAY_CONFIRMED_HOURS",
    "RELAY_LINK_HOURS",
    "RETENTION_RELAY_DAYS",
    "INQUIRY_DUE_DAYS_LOW",
    "INQUIRY_DUE_DAYS_NORMAL",
    "INQUIRY_DUE_DAYS_HIGH",
    "INQUIRY_DUE_DAYS_URGENT",
    "INQUIRY_DUE_SOON_HOURS",
    "INQUIRY_ATTACHMENT_MAX_MB",
    "INQUIRY_ATTACHMENT_DIR",
    "NETWORK_DOCUMENT_DIR",
    "NETWORK_DOCUMENT_MAX_MB",
    "EVENT_DOCUMENT_DIR",
    "NEWS_IMAGE_DIR",
    "LABEL_REMINDER_DAYS",
    "RETENTION_INQUIRY_DAYS",
    "RETENTION_EVENT_REGISTRATION_DAYS",
    "TASKS_BACKEND",
    "PAGE_CACHE_SECONDS",
    "CACHE_URL",
    "CACHE_KEY_PREFIX",
    "STATIC_ROOT",
    "STATIC_MAX_AGE",
    "STATIC_COMPRESS",
    "BACKUP_DIR",
    "BACKUP_KEEP",
    "SEARCH_ENGINE",
    "SEARCH_INDEX_DIR",
    "SEARCH_AUTO_UPDATE",
    "SEARCH_PARALLEL",
    "WARM_UP_AT_START",
    "SEARCH_WRITER_MEMORY_MB",
    "GEOCODER",
    "GEOCODER_URL",
    "GEOCODER_TIMEOUT",
    "GEOCODER_USER_AGENT",
    "MAP_TILE_URL",
    "MAP_TILE_ATTRIBUTION",
    "PORTAL_NAME",
    "PORTAL_STATE_AGS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_PROXY_SSL_HEADER",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "LOG_CLIENT_IP",
    "AUDIT_RETENTION_DAYS",
]
