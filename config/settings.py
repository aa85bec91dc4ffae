"""Settings for Statements API: one module, driven by environment variables.

Every variable is documented in README.md and .env.example. Defaults are safe:
DEBUG is off unless asked for, and production hardening is switched on by
environment variables rather than by a separate settings module.
"""

from pathlib import Path

import environ
from corsheaders.defaults import default_headers
from csp.constants import NONE, SELF, UNSAFE_INLINE

from config.embedded_db import embedded_database_settings

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# A development-only fallback: `manage.py check --deploy` flags this key (W009),
# so a production deployment cannot run with it unnoticed.
SECRET_KEY = env(
    "SECRET_KEY",
    default="django-insecure-development-only-key-set-SECRET_KEY-in-production",
)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "corsheaders",
    "rest_framework",
    "rest_framework_api_key",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pgtrigger",
    "pghistory",
    "statements",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "statements.api.throttling.RateLimitHeadersMiddleware",
    "statements.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who, from where: the history context of writes (statements.history).
    "statements.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: it locks out an address that keeps failing the admin login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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

# --- Database -----------------------------------------------------------------
# DATABASE_URL selects the server; unset, an embedded PostgreSQL starts under
# EMBEDDED_DB_DIR. There is no SQLite fallback anywhere.
EMBEDDED_DB_DIR = Path(env("EMBEDDED_DB_DIR", default=str(BASE_DIR / ".data" / "pg")))
if env("DATABASE_URL", default=""):
    _database = env.db_url("DATABASE_URL")
    EMBEDDED_DATABASE = False
else:
    _database = embedded_database_settings(EMBEDDED_DB_DIR)
    EMBEDDED_DATABASE = True
_database.update(
    {
        "CONN_MAX_AGE": env.int("CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
        "ATOMIC_REQUESTS": False,
    }
)
_database.setdefault("OPTIONS", {})
# A short connect timeout: /readyz and every request answer 503 quickly
# instead of hanging when the database is away.
_database["OPTIONS"].setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", 3))
# Parallel query and JIT cost the API's short queries more than they save on a
# small server (docs/performance.md). `?options=...` in DATABASE_URL replaces this;
# drop it behind a pooler that rejects startup options (PgBouncer).
_database["OPTIONS"].setdefault(
    "options", "-c jit=off -c max_parallel_workers_per_gather=0"
)
DATABASES = {"default": _database}
# Hot-standby replicas of the primary (statements/db.py): the API's public reads go
# to one of them, writes and the editors' reads to the primary.
for _number, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), 1):
    _replica = env.db_url_config(_url)
    _replica.update({k: v for k, v in _database.items() if k not in _replica})
    _replica["OPTIONS"] = {**_database["OPTIONS"], **_replica.get("OPTIONS", {})}
    # A test run's database reaches the replica by replication, not by creation.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica_{_number}"] = _replica
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["statements.db.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("statements.middleware.DatabaseUnavailableMiddleware") + 1,
        "statements.db.ReadReplicaMiddleware",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits and cached counts are shared by all processes) -----------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "statements_cache",
        }
    }

# --- Internationalisation ----------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files (admin, API docs UI), served by whitenoise ----------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / ".data" / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Without collectstatic (tests, make run), whitenoise serves from the finders and
# file names stay plain; after collectstatic (make serve-prod, the image),
# WHITENOISE_USE_FINDERS=false serves the hashed, compressed manifest files.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if WHITENOISE_USE_FINDERS
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MANIFEST_STRICT = False

# --- Security -----------------------------------------------------------------------
SECURE_HTTPS = env.bool("SECURE_HTTPS", default=False)
# Trust X-Forwarded-Proto only behind the TLS proxy that SECURE_HTTPS implies.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None
SECURE_SSL_REDIRECT = SECURE_HTTPS
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_HSTS_SECONDS = env.int(
    "SECURE_HSTS_SECONDS", default=31536000 if SECURE_HTTPS else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
# Preloading is hard to undo: SECURE_HSTS_PRELOAD=false opts out.
SECURE_HSTS_PRELOAD = SECURE_HTTPS and env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Health checks come from load balancers over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Content-Security-Policy on every response: only this server's own files.
# Swagger UI and ReDoc set inline styles, draw icons from data: URLs, and ReDoc
# starts its web worker from a blob:; no inline script runs anywhere (the docs
# page loads its configuration as a script file).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Admin login: after AXES_FAILURE_LIMIT failed attempts for one username from one
# address, that pair is locked out for AXES_COOLOFF_HOURS.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_HOURS", default=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The client is who the rate limits say it is (NUM_PROXIES): behind a proxy,
# REMOTE_ADDR is the proxy, and locking it out would lock out everyone.
AXES_CLIENT_IP_CALLABLE = "statements.api.throttling.lockout_address"
AXES_VERBOSE = False

# --- CORS: any origin may read unless CORS_ALLOWED_ORIGINS narrows it --------------
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_ALL_ORIGINS = not CORS_ALLOWED_ORIGINS
CORS_URLS_REGEX = r"^/(api/|healthz|readyz).*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = [
    *default_headers,
    "x-api-key",
    "if-none-match",
    "if-modified-since",
]
CORS_EXPOSE_HEADERS = [
    "ETag",
    "Link",
    "RateLimit",
    "RateLimit-Cost",
    "RateLimit-Policy",
    "Retry-After",
]

# --- API keys, rate limits and HTTP caching ------------------------------------------
# Requests per RATE_LIMIT_WINDOW seconds: by client IP without a key, by key with
# one (a key's own rate, set in the admin, overrides RATE_LIMIT_PARTNER).
RATE_LIMIT_ANONYMOUS = env.int("RATE_LIMIT_ANONYMOUS", default=60)
RATE_LIMIT_PARTNER = env.int("RATE_LIMIT_PARTNER", default=600)
RATE_LIMIT_WINDOW = env.int("RATE_LIMIT_WINDOW", default=60)
# What the expensive requests cost, in units of the quota (a plain read costs 1).
RATE_LIMIT_SEARCH_COST = env.int("RATE_LIMIT_SEARCH_COST", default=2)
RATE_LIMIT_FACETS_COST = env.int("RATE_LIMIT_FACETS_COST", default=5)
RATE_LIMIT_EXPORT_COST = env.int("RATE_LIMIT_EXPORT_COST", default=10)
# Exports running at once: per client (API key or address) and on the service.
EXPORTS_PER_CLIENT = env.int("EXPORTS_PER_CLIENT", default=2)
EXPORTS_IN_TOTAL = env.int("EXPORTS_IN_TOTAL", default=4)
# Writes (POST, PUT, PATCH, DELETE) per window for each editor (key or user), on
# top of the key's own rate: a smaller budget for what costs more.
RATE_LIMIT_WRITES = env.int("RATE_LIMIT_WRITES", default=60)
# Reverse proxies in front of the server that append to X-Forwarded-For. 0: the
# client is REMOTE_ADDR and X-Forwarded-For is ignored, so it cannot be forged.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
# max-age of API responses (public without a key, private with one).
API_CACHE_MAX_AGE = env.int("API_CACHE_MAX_AGE", default=60)

# The licence of the data layer: what this project adds to the source texts (the
# records' fields, quote spans, themes, stakeholder roles, notes). The source
# texts keep their own (each statement's license and license_url). Shown in the
# schema's info.license, the API root, every record's `licenses` and the export
# manifest; CITATION.cff states the default (tests/test_citation.py). SPDX id,
# name and URL.
DATA_LICENSE = {
    "id": env("DATA_LICENSE_ID", default="CC-BY-4.0"),
    "name": env("DATA_LICENSE_NAME", default="CC BY 4.0"),
    "url": env(
        "DATA_LICENSE_URL", default="https://creativecommons.org/licenses/by/4.0/"
    ),
}

# --- Django REST framework and the OpenAPI schema ----------------------------------
REST_FRAMEWORK = {
    # orjson: the same compact UTF-8 JSON as DRF's renderer, several times faster.
    "DEFAULT_RENDERER_CLASSES": ["drf_orjson_renderer.renderers.ORJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "statements.api.authentication.ApiKeyAuthentication"
    ],
    "DEFAULT_THROTTLE_CLASSES": ["statements.api.throttling.RateLimitThrottle"],
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "statements.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "statements.api.exceptions.problem_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append(
        "rest_framework.renderers.BrowsableAPIRenderer"
    )

# --- History (statements.history, docs/history.md) ---------------------------------
# Each event's own time, not its transaction's: a record's events order exactly,
# even those of one transaction (the transaction is its own column).
PGHISTORY_CREATED_AT_FUNCTION = "clock_timestamp()"

# The public origin of this deployment (scheme, host, port; no path), as clients
# should call it: the schema's `servers` (statements.api.schema_hooks.
# servers_name_this_deployment). Unset: the schema served names the host it is
# served from, and the committed openapi.yaml names DEFAULT_API_BASE_URL.
API_BASE_URL = env("API_BASE_URL", default="").rstrip("/")
DEFAULT_API_BASE_URL = "http://127.0.0.1:8000"

SPECTACULAR_SETTINGS = {
    "TITLE": "Statements API",
    "DESCRIPTION": (
        "Structured speech data: who said what, where and when, about which themes, "
        "addressed to or about which stakeholder groups, with the exact source of "
        "every word.\n\nLicences: the source texts (a statement's text, a quote's "
        "words) keep their own, named by each statement (`license`, `license_url`; "
        "Voice of America's: a work of the U.S. Government, public domain in the "
        f"U.S.). What this project adds (spans, themes, stakeholder roles, notes, "
        f"every field besides the source's words) is under {DATA_LICENSE['name']} "
        "(this schema's licence). Each record says both in `licenses`. Code: MIT "
        "licence.\n\nPartners (bulk export, incremental "
        "sync, the change feed, API keys and rate limits): see docs/partners.md in "
        "the repository, and examples/sync.py for a complete sync client. Typed "
        "clients: docs/clients.md. Errors are RFC 9457 problem+json."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No badge from validator.swagger.io: the docs make no request off the server.
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": True},
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "statements.api.schema_hooks.servers_name_this_deployment",
        "statements.api.schema_hooks.brief_objects_are_closed",
        "statements.api.schema_hooks.write_bodies_are_closed",
        "statements.api.schema_hooks.marked_bodies_are_required",
        "statements.api.schema_hooks.errors_are_problem_json",
        "statements.api.schema_hooks.ndjson_bodies_are_lines_of_records",
        "statements.api.schema_hooks.empty_query_values_mean_absent",
        "statements.api.schema_hooks.page_forms_are_components",
        "statements.api.schema_hooks.trimmed_objects_are_an_alternative",
        "statements.api.schema_hooks.nullable_compositions_have_a_null_branch",
        "statements.api.schema_hooks.discriminated_unions_are_referenced_plainly",
    ],
    "ENUM_NAME_OVERRIDES": {
        "BriefShapeEnum": [("brief", "brief")],
        "FullShapeEnum": [("full", "full")],
        "EventKindEnum": "statements.choices.EventKind",
        "StatementKindEnum": "statements.choices.StatementKind",
        "FidelityEnum": "statements.choices.Fidelity",
        "CertaintyEnum": "statements.choices.Certainty",
        "AlterationKindEnum": "statements.choices.AlterationKind",
        "StakeholderCategoryEnum": "statements.choices.StakeholderCategory",
        "StakeholderRoleEnum": "statements.choices.StakeholderRole",
        "HistorySourceEnum": "statements.choices.HistorySource",
        "AuthorTypeEnum": "statements.choices.AuthorType",
        "HostRoleEnum": "statements.choices.HostRole",
        "OrganizationClassificationEnum": (
            "statements.choices.OrganizationClassification"
        ),
    },
    # The licence of the data the API serves (the code's is MIT: pyproject.toml).
    "LICENSE": {"name": DATA_LICENSE["name"], "url": DATA_LICENSE["url"]},
    # The contact's URL and the one server are this deployment's (a hook).
    "CONTACT": {"name": "Statements API maintainers"},
    "TAGS": [
        {"name": name, "description": description}
        for name, description in (
            ("root", "The API root: every resource and service with its URL."),
            ("quotes", "Quotes with their spans, speaker, source and citation."),
            ("statements", "Statements: documents with their verbatim text."),
            ("speakers", "Speakers and the roles they held."),
            ("events", "Events and their sub-events."),
            (
                "organizations",
                "Organizations: publishers, authors, hosts of events, employers.",
            ),
            ("themes", "The tree of themes."),
            ("stakeholder-groups", "Groups addressed or concerned by quotes."),
            ("search", "Full-text search across every resource."),
            ("exports", "Whole data sets as streamed CSV or NDJSON."),
            ("changes", "The change feed: every create, update and delete."),
            ("quota", "The caller's rate-limit policy and usage."),
            (
                "imports",
                "Editors only: the quotes the importer proposes from an article.",
            ),
        )
    ],
}

# --- Logging ---------------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "pgserver": {"level": "WARNING"},
    },
}
