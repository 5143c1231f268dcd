"""Settings for the troop-deployment tracker, read from the environment.

Every variable is listed, with its default, in README.md and .env.example.
With nothing set the tracker runs on an SQLite file in the project; production
mode (DEBUG off, the default) refuses to start without a SECRET_KEY.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from tracker.csp import inline_handler_hashes, inline_style_hashes
from tracker.env import envbool, envint, envlist, envnetworks

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off; set DEBUG=true for local use."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = envlist(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
# The proxies in front (addresses or networks), as gunicorn reads them: only
# a connection from one of these may say, in X-Forwarded-For, which client it
# forwards (tracker/clients.py). Default: none, every peer is the client.
FORWARDED_ALLOW_IPS = envnetworks("FORWARDED_ALLOW_IPS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "import_export",
    "axes",
    "deployments",
]

MIDDLEWARE = [
    # First: every later reader of REMOTE_ADDR sees the real client.
    "tracker.clients.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "tracker.middleware.ApiUrlLengthMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above the session and CSRF middleware, which may add a cookie on the
    # way out: a response that sets one is never kept by a shared cache.
    "tracker.http_caching.PrivateWhenSettingCookiesMiddleware",
    # Before anything reads the database: picks the replica or the primary.
    "tracker.replica_reads.ReplicaReadsMiddleware",
    # Repeated anonymous hot reads end here, answered from kept bytes: what
    # follows does nothing for them (deployments/kept_answers.py).
    "deployments.kept_answers.KeptAnswersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A request without a session cookie is anonymous, said so without opening
    # the session, so that anonymous reads carry no Vary: Cookie.
    "tracker.http_caching.AnonymousWithoutSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tracker.middleware.DatabaseUnavailableMiddleware",
    "csp.middleware.CSPMiddleware",
    # Records which user made each change in the models' history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: locks out repeated failed admin logins.
    "axes.middleware.AxesMiddleware",
]

# After a login whose ?next= is missing or points off the site (refused as
# unsafe), land on the admin's index rather than Django's /accounts/profile/,
# which this site does not have.
LOGIN_REDIRECT_URL = "admin:index"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Streaming replicas of the primary (default), read by web requests through
# tracker/db_routers.py; writes, migrations and everything outside a request
# use the primary. Empty: no replicas, every query on the primary.
DATABASE_REPLICAS = []
for number, url in enumerate(envlist("DATABASE_REPLICA_URLS", []), start=1):
    alias = f"replica_{number}"
    DATABASES[alias] = dj_database_url.parse(
        url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True
    )
    DATABASE_REPLICAS.append(alias)
for alias in DATABASES:
    if DATABASES[alias]["ENGINE"] == "django.db.backends.postgresql":
        # Fail fast when the server is unreachable instead of hanging a worker.
        DATABASES[alias].setdefault("OPTIONS", {})["connect_timeout"] = envint(
            "DATABASE_CONNECT_TIMEOUT", 5
        )
DATABASE_ROUTERS = ["tracker.db_routers.PrimaryReplicaRouter"]
# A client that has just written reads the primary for this long (a signed
# cookie), so that it sees its own write even on a replica that lags.
DATABASE_REPLICA_PIN_SECONDS = envint("DATABASE_REPLICA_PIN_SECONDS", 5)
# A replica further behind than this, or unreachable, is left alone (its
# reads go to the primary) until a later check finds it usable again.
DATABASE_REPLICA_MAX_LAG_SECONDS = envint("DATABASE_REPLICA_MAX_LAG_SECONDS", 10)


def cache_from_url(url: str) -> dict[str, object]:
    """A CACHES entry from a URL: redis://host:port/db, locmem:// or dummy://."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            # An unreachable Redis must cost a request a second at most,
            # never a hung worker (tracker/throttling.py then counts alone).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    if url.startswith("locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if url.startswith("dummy://"):
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL must start with redis://, rediss://, unix://, locmem:// or "
        f"dummy://, not {url!r}"
    )


CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", "locmem://"))}

# The derived status and list counts are kept in the default cache (shared by
# every worker when CACHE_URL is Redis) under the data's revision, which
# database triggers move with every committed change (deployments/caching.py):
# a change is seen at once, whatever made it. This bounds only how long an
# unused entry takes up room. 0: no cache.
DERIVED_CACHE_SECONDS = envint("DERIVED_CACHE_SECONDS", 600)
# Entries under a revision never change: each worker keeps this many it used
# last in its own memory as well (0: none), so hot reads skip the cache.
DERIVED_CACHE_LOCAL_ENTRIES = envint("DERIVED_CACHE_LOCAL_ENTRIES", 4)

# Shared caches (a reverse proxy, a CDN) may keep an anonymous read this many
# seconds, then serve it stale for up to STALE_WHILE_REVALIDATE_SECONDS more
# while they revalidate it (deploy/nginx.conf). Every read carries an ETag and
# Last-Modified, so revalidating costs one query (tracker/http_caching.py).
PUBLIC_CACHE_SECONDS = envint("PUBLIC_CACHE_SECONDS", 30)
STALE_WHILE_REVALIDATE_SECONDS = envint("STALE_WHILE_REVALIDATE_SECONDS", 300)
if PUBLIC_CACHE_SECONDS < 0:
    raise ImproperlyConfigured("PUBLIC_CACHE_SECONDS must be 0 or more")
if STALE_WHILE_REVALIDATE_SECONDS < 0:
    raise ImproperlyConfigured("STALE_WHILE_REVALIDATE_SECONDS must be 0 or more")

# Reports of one deployment within this many days of each other are compared:
# they corroborate or conflict (deployments/status/evidence.py).
CORROBORATION_WINDOW_DAYS = envint("CORROBORATION_WINDOW_DAYS", 14)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Programs send "Authorization: Token <key>"; the browsable API and
        # the docs use the admin's session, with CSRF checks.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Anyone may read; writing needs the matching Django model permission.
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "deployments.api.pagination.TrackerPagination",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "deployments.api.browsable.TrackerBrowsableAPIRenderer",
        "deployments.api.responses.PaginatedCSVRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["deployments.api.parsers.TrackerJSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": (
        "deployments.api.responses.TrackerContentNegotiation"
    ),
    # The client address is settled by tracker.clients.ClientAddressMiddleware;
    # DRF must not read X-Forwarded-For again on its own.
    "NUM_PROXIES": 0,
    # DRF's, counting in each worker's memory while the cache is down.
    "DEFAULT_THROTTLE_CLASSES": [
        "tracker.throttling.AnonRateThrottle",
        "tracker.throttling.UserRateThrottle",
    ],
    # Counted in the default cache: set CACHE_URL to Redis so that every
    # worker process shares the counts.
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "120/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "600/minute"),
    },
    "EXCEPTION_HANDLER": "deployments.api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "deployments.api.schema.TrackerAutoSchema",
    "DATE_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Troop-deployment status tracker API",
    "DESCRIPTION": (
        "Who has how many troops where, what they said they will do with "
        "them, and the source of every figure. Anyone may read; writes need "
        "a token (`Authorization: Token <key>`) of a user with the model "
        "permission. Lists are paginated and also render as CSV "
        "(?format=csv). Errors are {detail, code, errors}."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the drf-spectacular-sidecar package: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Python's \A...\Z in a validator is ^...$ in the schema's (ECMA) regex.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "deployments.api.schema.ecma_anchors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "PrecisionEnum": "deployments.models.Precision",
        "StanceEnum": "deployments.models.Stance",
        "StandingEnum": "deployments.models.Standing",
        "KindEnum": "deployments.models.Nation.Kind",
    },
}

# Security. Production (DEBUG off) is strict by default; each setting can be
# relaxed from the environment, e.g. behind a proxy that terminates TLS.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe health over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if envbool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content security policy (django-csp): our own files only, no inline script or
# style, never framed. The admin and the pages are written to work under it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # Plus the hash of the browsable API's "Log out" onclick handler.
        "script-src": ["'self'", "'unsafe-hashes'", *inline_handler_hashes()],
        # Hashes (and 'unsafe-hashes', which lets them cover style="..."
        # attributes) of the inline styles in Swagger UI's page and the
        # browsable API, and nothing else: tracker/csp.py.
        "style-src": ["'self'", "'unsafe-hashes'", *inline_style_hashes()],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Brute-force protection for the admin login (django-axes): after this many
# failures for one username from one address, that pair is locked out.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The address is the real client's behind a trusted proxy (tracker/clients.py),
# so one client's failures never lock out another sharing the proxy.
AXES_CLIENT_IP_CALLABLE = "tracker.clients.request_address"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Never write the attempted password (or any credential) to the database.
AXES_SENSITIVE_PARAMETERS = ["password", "token", "key"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` puts the files, and where they are served from.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
# Hashed, compressed file names need `collectstatic` first (tracker/wsgi.py
# refuses to serve without it); turn this off where static files are served
# straight from the apps (local use and the tests).
STATIC_MANIFEST = envbool("STATIC_MANIFEST", not DEBUG)
# Without collected files, whitenoise serves them from the apps directly.
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Spreadsheet import/export in the admin: all rows or none, and the same
# permissions as editing by hand (the admin opens Import to add_ or change_;
# each row then needs add_ to create and change_ to change: resources.py).
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# XLSX cannot hold control characters: an export replaces them with U+FFFD
# instead of failing (CSV and JSON keep the stored text).
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True
# Rows left blank in a spreadsheet are not records (XLSX).
IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = True
# The admin previews and confirms an import in one request each, inside one
# transaction: bound it well inside the worker timeout (GUNICORN_TIMEOUT;
# 2,000 count rows took 15 s to preview on SQLite and 28 s on PostgreSQL on
# the 2-core development machine).
# Larger files go through `manage.py import_records`.
ADMIN_IMPORT_MAX_BYTES = envint("ADMIN_IMPORT_MAX_BYTES", 1_048_576)
ADMIN_IMPORT_MAX_ROWS = envint("ADMIN_IMPORT_MAX_ROWS", 1_000)

LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # One JSON object a line, for log collectors; text for people.
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "filters": {
        # Query strings can hold secrets (?token=...): none reach the logs.
        "strip_query_strings": {"()": "tracker.log_filters.StripQueryStrings"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["strip_query_strings"],
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
