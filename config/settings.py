"""Settings, read from the environment with safe development defaults.

Every name read here is documented in docs/configuration.md (a test checks).
With no environment at all the platform runs in development mode on SQLite.
With DEBUG=false it runs in production mode and refuses to start without
SECRET_KEY and ALLOWED_HOSTS.
"""

from __future__ import annotations

import ipaddress
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", True)
PRODUCTION = not DEBUG


def _development_secret_key() -> str:
    """A key generated once per checkout and kept under var/ (git-ignored)."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY")
_secret_key_file = env_str("SECRET_KEY_FILE")
if not SECRET_KEY and _secret_key_file:
    try:
        SECRET_KEY = Path(_secret_key_file).read_text().strip()
    except OSError as error:
        raise ImproperlyConfigured(f"SECRET_KEY_FILE cannot be read: {error}") from None
# Keys used before the current one, newest first, comma-separated: what they
# signed (sessions, reply addresses, unsubscribe links) keeps working while
# they are listed, so a key can be changed without logging everyone out.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if PRODUCTION:
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "Production mode (DEBUG=false) needs SECRET_KEY: at least 50 random characters."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "Production mode (DEBUG=false) needs ALLOWED_HOSTS: the host names the site "
            "answers to, separated by commas."
        )
else:
    SECRET_KEY = SECRET_KEY or _development_secret_key()
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_NAME = env_str("SITE_NAME", "Big Society in the North")
# Absolute address used in emails and feeds, where there is no request.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and not env_str("SITE_URL"):
    raise ImproperlyConfigured(
        "Production mode (DEBUG=false) needs SITE_URL: the public address of the site, "
        "such as https://bigsocietynorth.org.uk (links in emails and feeds use it)."
    )
# Whether the site is reached over HTTPS: in production, this turns on the HTTPS
# redirect, HSTS and secure cookies. `make run` serves production mode over
# plain HTTP on the local address, so its SITE_URL says http://.
HTTPS = SITE_URL.startswith("https://")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_htmx",
    # Before allauth, so its templates (which override allauth's) are found first.
    "bigsocnorth.accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks_db",
    "bigsocnorth.core",
    "bigsocnorth.places",
    "bigsocnorth.moderation",
    "bigsocnorth.search",
    "bigsocnorth.mapping",
    "bigsocnorth.directory",
    "bigsocnorth.stories",
    "bigsocnorth.cuts",
    "bigsocnorth.forum",
    "bigsocnorth.events",
    "bigsocnorth.mutual_aid",
    "bigsocnorth.notifications",
    "bigsocnorth.messaging",
]

# Each earns its place (measured by bench/bench_pages.py: together about
# 0.1 ms of a request). There is no LocaleMiddleware: the site has one
# language, so negotiating it per request only added Vary: Accept-Language.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "bigsocnorth.core.middleware.ApiMethodNotAllowedJsonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "bigsocnorth.accounts.middleware.RequireStaffTwoFactorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "bigsocnorth" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # The visibility rule and flag links, in every template.
            "builtins": ["bigsocnorth.moderation.templatetags.moderation_tags"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bigsocnorth.core.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
SQLITE_PATH = Path(env_str("SQLITE_PATH", str(VAR_DIR / "bigsocnorth.sqlite3"))).resolve()
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                # Writers take the lock when the transaction starts, so two
                # writers queue on the busy timeout instead of failing with
                # "database is locked" when one upgrades a read lock.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                    # Checkpoints run from the scheduler, not in requests:
                    # bigsocnorth/core/database.py (WAL_AUTOCHECKPOINT_PAGES).
                    "PRAGMA wal_autocheckpoint=20000;"
                ),
            },
            # One connection per thread, kept between requests: opening one and
            # running the PRAGMAs above costs about a millisecond a request.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("TEST", {})
    # A file, not :memory:, so a test can write from two processes at once.
    DATABASES["default"]["TEST"]["NAME"] = str(VAR_DIR / "test.sqlite3")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # With several app processes (make run-scaled, production), rate limits,
    # throttles, sessions and the content version live in Redis, shared by all.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                # A Redis that restarts or is briefly away must not fail
                # requests: a read is a miss, a write is skipped and logged.
                # Rate limits then let requests through until it is back
                # (core/ratelimit.py), and sessions are read from the database.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    # Sessions are read from Redis and written through to the database, so
    # a restart of Redis (which need not keep anything on disk) signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Shared by the web and worker processes (rate limits must be), no extra service.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "bigsocnorth_cache",
        }
    }

# Pages for visitors who are not signed in are kept this many seconds at most,
# and forgotten as soon as anything changes (core/pagecache.py); 0 turns it off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
# Kept in each process's memory, under a version kept in the shared cache above.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "bigsocnorth-pages",
    "OPTIONS": {"MAX_ENTRIES": 1000},
}
# Pieces that never go stale because their key says which version of a row they were
# made from (a gathering's calendar event): each process keeps its own, nothing to share.
CACHES["pieces"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "bigsocnorth-pieces",
    "OPTIONS": {"MAX_ENTRIES": 5000},
}

# --- Background work ------------------------------------------------------
TASK_QUEUES = ["default", "email"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}
# A task worker not heard from for this long is taken for dead, and the tasks it was
# running are queued again (core/tasks_recovery.py).
TASK_WORKER_LOST_SECONDS = 30

# --- Accounts -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile_edit"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
# Password reset and sign-up answer the same whether or not an address has an
# account; what differs goes by email to the address itself (a sign-up with a
# taken address tells its owner someone tried).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_ADAPTER = "bigsocnorth.accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    # Repeated failed logins: per address and per account.
    "login_failed": env_str("LOGIN_FAILED_RATE_LIMIT", "10/m/ip,5/5m/key"),
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
# Moderators and admins must set up two-factor before they can act.
REQUIRE_STAFF_TWO_FACTOR = env_bool("REQUIRE_STAFF_TWO_FACTOR", PRODUCTION)
ACCOUNT_FORMS = {
    "signup": "bigsocnorth.accounts.forms.SignupForm",
    "login": "bigsocnorth.accounts.forms.LoginForm",
}

# --- Moderation -----------------------------------------------------------
# A member's first contributions wait for review until this many are published.
NEW_MEMBER_REVIEW_COUNT = env_int("NEW_MEMBER_REVIEW_COUNT", 3)
# Open flags from this many different people hide content until a moderator looks.
FLAG_HIDE_THRESHOLD = env_int("FLAG_HIDE_THRESHOLD", 3)

# --- Rate limits ----------------------------------------------------------
# How much one member may add (stories, topics and replies, gatherings, cuts and
# their updates, directory entries, needs and offers, all counted together),
# so a flood waits instead of filling the review queue. Counted for what people
# do through the site (web requests), in the shared cache; moderators are not
# limited, nor is what the operator runs (bigsocnorth/moderation/limits.py).
CONTENT_PER_HOUR = env_int("CONTENT_PER_HOUR", 30)
CONTENT_PER_DAY = env_int("CONTENT_PER_DAY", 200)
# Links shared an hour (a story from elsewhere, a cut's evidence), per member
# and per address: each one makes the site fetch another site's page.
LINK_SHARES_PER_HOUR = env_int("LINK_SHARES_PER_HOUR", 20)
# Link previews the task worker fetches for one member an hour (retries too);
# past it a link keeps no preview until the hour is over.
LINK_FETCHES_PER_HOUR = env_int("LINK_FETCHES_PER_HOUR", 30)

# --- Notifications --------------------------------------------------------
# Seconds between two ticks of the scheduler (core/scheduler.py); each job runs
# once a tick, however many schedulers run.
SCHEDULER_TICK_SECONDS = env_int("SCHEDULER_TICK_SECONDS", 60)
# Daily digests go out from this hour (Europe/London); weekly ones on this day.
DIGEST_HOUR = env_int("DIGEST_HOUR", 8)
if not 0 <= DIGEST_HOUR <= 23:
    raise ImproperlyConfigured(f"DIGEST_HOUR must be an hour from 0 to 23, not {DIGEST_HOUR}.")
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_digest_weekday = env_str("DIGEST_WEEKDAY", "monday").strip().lower()
if _digest_weekday not in _WEEKDAYS:
    raise ImproperlyConfigured(
        f"DIGEST_WEEKDAY must be a day of the week in English, such as monday, "
        f"not {_digest_weekday!r}."
    )
DIGEST_WEEKDAY = _WEEKDAYS.index(_digest_weekday)  # Monday is 0, as in date.weekday()

# --- Directory CSV import -------------------------------------------------
# Uploaded CSV files and their check reports: private (never under MEDIA_ROOT,
# which is served), and shared by the web and worker processes.
DIRECTORY_IMPORT_DIR = Path(env_str("DIRECTORY_IMPORT_DIR", str(VAR_DIR / "imports"))).resolve()
DIRECTORY_IMPORT_MAX_MB = env_int("DIRECTORY_IMPORT_MAX_MB", 50)
DIRECTORY_IMPORT_MAX_ROWS = env_int("DIRECTORY_IMPORT_MAX_ROWS", 100_000)

# --- Personal data exports ------------------------------------------------
# The zip files members download of everything held about them: private (never
# under MEDIA_ROOT, which is served), shared by the web and worker processes.
PERSONAL_DATA_EXPORT_DIR = Path(
    env_str("PERSONAL_DATA_EXPORT_DIR", str(VAR_DIR / "personal-data"))
).resolve()

# --- Email ----------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <noreply@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Replies to notification emails about forum topics arrive at addresses in this
# domain (docs/operations.md, "Reply by email"); empty turns reply by email off.
REPLY_EMAIL_DOMAIN = env_str("REPLY_EMAIL_DOMAIN", "reply.localhost")
INBOUND_EMAIL_MAX_BYTES = env_int("INBOUND_EMAIL_MAX_BYTES", 10 * 1024 * 1024)
_email_host = env_str("EMAIL_HOST")
if _email_host:
    _delivery = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _email_host,
            "port": env_int("EMAIL_PORT", 587),
            "username": env_str("EMAIL_HOST_USER"),
            "password": env_str("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
            "use_ssl": env_bool("EMAIL_USE_SSL", False),
            "timeout": 30,
        },
    }
else:
    # Development: the worker prints each message, so the verification link
    # shows in the `make run` output, decoded, with links whole.
    _delivery = {"BACKEND": "bigsocnorth.core.mail.ReadableConsoleEmailBackend"}
MAILERS = {
    # Web requests hand mail to the task worker and never wait on SMTP...
    "default": {"BACKEND": "bigsocnorth.core.mail.TaskQueueEmailBackend"},
    # ...and the worker delivers it with this one.
    "delivery": _delivery,
}

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English"))]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "bigsocnorth" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploads for the site's own user and its group (a reverse proxy serving
# MEDIA_ROOT can be put in the group), never for every local user.
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# With DEBUG on (`make dev`), files are served from the source folders as they
# change; otherwise from STATIC_ROOT, hashed, compressed (gzip and Brotli) and
# cached by browsers for a year (whitenoise does this for hashed names).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Uploaded images, served by the site itself: on for `make run` and development.
# Behind a reverse proxy, let the proxy serve MEDIA_ROOT at MEDIA_URL instead.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)

# --- Fetching other sites (link previews, news feeds) ------------------------
# Networks core.fetch may reach although they are not public, as CIDR ranges:
# every address, port and path in them, so any member's link preview can read
# what is served there. Empty in production; only for a site whose feeds really
# live on a private network (see docs/stories.md).
FETCH_ALLOWED_NETWORKS = env_list("FETCH_ALLOWED_NETWORKS")
try:
    FETCH_ALLOWED_NETWORKS = [ipaddress.ip_network(net) for net in FETCH_ALLOWED_NETWORKS]
except ValueError as error:
    raise ImproperlyConfigured(f"FETCH_ALLOWED_NETWORKS: {error}") from None
# Exact addresses core.fetch may reach although their host is not public: the
# scheme, host, port and start of the path (http://10.0.0.5:8080/feeds/), and
# nothing else on that host. While SERVE_DEMO_FEEDS is on, the demo's feeds on
# this site (SITE_URL/demo/feeds/) are let through the same way, so `make run`
# needs neither setting (core.fetch.allowed_url_prefixes).
FETCH_ALLOWED_URLS = env_list("FETCH_ALLOWED_URLS")
for _allowed_url in FETCH_ALLOWED_URLS:
    _parts = urlsplit(_allowed_url)
    try:
        _parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError as error:
        raise ImproperlyConfigured(f"FETCH_ALLOWED_URLS: {_allowed_url!r}: {error}") from None
    if _parts.scheme not in ("http", "https") or not _parts.hostname or "@" in _parts.netloc:
        raise ImproperlyConfigured(
            f"FETCH_ALLOWED_URLS: {_allowed_url!r} is not an http:// or https:// address "
            "with a host (and no user name)."
        )
    if _parts.query or _parts.fragment:
        raise ImproperlyConfigured(
            f"FETCH_ALLOWED_URLS: {_allowed_url!r} has a query or fragment; give the start "
            "of the path only."
        )

# The demo's invented news sites' feeds, served by this site at /demo/feeds/
# (stories/demo_feed_views.py): on for `make run` and development only.
SERVE_DEMO_FEEDS = env_bool("SERVE_DEMO_FEEDS", DEBUG)

# Minutes between two polls of a directory entry's news feed (longer after failures).
FEED_POLL_MINUTES = env_int("FEED_POLL_MINUTES", 60)

# --- Maps -----------------------------------------------------------------
MAP_TILE_URL = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env_str(
    "MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
BOUNDARY_ATTRIBUTION = (
    "Boundaries: Office for National Statistics, Open Government Licence v3.0. "
    "Contains OS data © Crown copyright and database right 2024."
)


def _origin(url: str) -> str:
    parts = urlsplit(url.replace("{s}", "a"))
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ImproperlyConfigured(f"MAP_TILE_URL must be an http(s) address, not {url!r}.")
    host = parts.netloc
    if "{s}" in url:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


# --- Security -------------------------------------------------------------
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", _origin(MAP_TILE_URL)],
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # htmx gets the token from hx-headers, never the cookie.
CSRF_FAILURE_VIEW = "bigsocnorth.core.views.csrf_failure"
_SECURE_TRANSPORT = PRODUCTION and HTTPS
SESSION_COOKIE_SECURE = _SECURE_TRANSPORT
CSRF_COOKIE_SECURE = _SECURE_TRANSPORT
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _SECURE_TRANSPORT)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _SECURE_TRANSPORT else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _SECURE_TRANSPORT
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", _SECURE_TRANSPORT)
_BEHIND_PROXY = env_bool("BEHIND_TLS_PROXY", _SECURE_TRANSPORT)
if _BEHIND_PROXY:
    # The reverse proxy terminates TLS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies of ours add themselves to X-Forwarded-For: the client's
# address is read that many from the end. Rate limits (sign-in, reports
# without an account) count per address, so behind a proxy they would
# otherwise count the proxy, and one limit would hold for everyone.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if _BEHIND_PROXY else 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Logging --------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
