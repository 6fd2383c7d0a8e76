"""Settings shared by every environment.

Deployment values come from environment variables only; nothing secret lives in code.
Each environment module (dev, test, production) imports this one and overrides little.
"""

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from portal.csp_policy import SITE as CSP_SITE

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Our theme comes first so its templates override allauth's and Wagtail's.
    "themes",
    "portal",
    "portal.accounts",
    "portal.home",
    "portal.search",
    "portal.insights",
    "portal.privacy",
    "portal.customers",
    "portal.api",
    "django_countries",
    "portal.membership",
    "portal.notifications",
    "knowledge_base",
    "community",
    "tickets",
    "payments",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.table_block",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "portal.accounts.apps.PortalUsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "django_tasks_rq",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.microsoft",
    "allauth.socialaccount.providers.apple",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.saml",
    "oauth2_provider",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # First: every log line, queued task and e-mail of this request carries its id.
    "portal.observability.RequestIdMiddleware",
    # Each cache version is read once per request (portal/cache_versions.py).
    "portal.cache_versions.RequestScopeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.csp.PortalCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Anonymous pages marked public are kept whole from here in (portal/page_cache.py).
    "portal.page_cache.PageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag and If-None-Match on the API's reads (portal/api/middleware.py).
    "portal.api.middleware.APIConditionalGet",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.accounts.middleware.UserPreferencesMiddleware",
    "portal.middleware.AdminBadInputMiddleware",
    "portal.middleware.UnconfiguredSignInMiddleware",
    "portal.middleware.NulInAddressMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "themes.context_processors.branding",
                "portal.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# The embedded default is a SQLite file next to the code; DATABASE_URL selects anything else.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'portal.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Django's backend (staff in the admin) and allauth's (e-mail and password on the portal).
AUTHENTICATION_BACKENDS = [
    # Permissions only, from the shared cache (portal/accounts/access.py); its answer is final.
    "portal.accounts.access.PermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/me/"

# django-allauth: e-mail is the login; an address must be verified before it is trusted.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_USER_DISPLAY = "portal.accounts.models.user_display"
ACCOUNT_ADAPTER = "portal.accounts.adapters.AccountAdapter"
#: The optional consents, unticked, on the sign-up form (portal/privacy).
ACCOUNT_FORMS = {"signup": "portal.privacy.forms.SignupForm", "login": "portal.accounts.forms.LoginForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Repeated failed logins are throttled per address and per client IP (allauth's rate limits).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# The admin signs in through allauth too (portal/urls.py); Wagtail's own password forms are off.
WAGTAILADMIN_LOGIN_URL = "admin_login"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
# Sign-in with other accounts (allauth's social accounts): each provider — Google, Microsoft,
# Apple, GitHub, a company's OpenID Connect server, SAML 2.0 — is configured in the admin
# (Settings → Sign-in providers), never in code. A social account joins an existing account only
# by a verified e-mail address; local passwords keep their second factor.
SOCIALACCOUNT_ADAPTER = "portal.accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("PORTAL_MFA_ISSUER", "Portal")
# Accept the codes of the neighbouring 30-second periods too: phones' clocks drift.
MFA_TOTP_TOLERANCE = 1

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("sr-latn", "Srpski (latinica)"),
    ("sr", "Српски (ћирилица)"),
    ("sl", "Slovenščina"),
]
# Wagtail content is translated into the same locales as the interface.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
# Names kept in Latin when Serbian Latin text is drafted in Cyrillic (portal/serbian.py): brands and
# products; comma-separated in PORTAL_SERBIAN_LATIN_NAMES to add your own.
PORTAL_SERBIAN_LATIN_NAMES = ["Northwind", "Nordlight", "Cloud Backup", "Router AX3", "Android", "iPhone", "macOS"]
PORTAL_SERBIAN_LATIN_NAMES += env_list("PORTAL_SERBIAN_LATIN_NAMES")
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = os.environ.get("PORTAL_TIME_ZONE", "Europe/Belgrade")
USE_I18N = True
USE_TZ = True
# Dates, times and numbers per language (portal/formats/: English reads day before month).
FORMAT_MODULE_PATH = ["portal.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "var" / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Support attachments: never under MEDIA_ROOT, never served by URL — only by a view that checks access.
PORTAL_PRIVATE_ROOT = Path(os.environ.get("PORTAL_PRIVATE_ROOT", BASE_DIR / "var" / "private"))


def file_storages(environ) -> dict:
    """Where uploads live: local folders by default; with PORTAL_STORAGE=s3, an S3-compatible
    bucket (django-storages): public media under media/, private files under private/ — never
    addressable, read only by the views that check who asks (portal/uploads.py)."""
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {"BACKEND": "portal.uploads.PrivateStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    }
    kind = environ.get("PORTAL_STORAGE", "local")
    if kind == "local":
        return storages
    if kind != "s3":
        raise ImproperlyConfigured("PORTAL_STORAGE must be local or s3.")
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "")
    if not bucket:
        raise ImproperlyConfigured("PORTAL_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    shared = {
        "bucket_name": bucket,
        "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL") or None,  # MinIO, Ceph, any S3-compatible store
        "region_name": environ.get("AWS_S3_REGION_NAME") or None,
        "file_overwrite": False,
    }
    storages["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **shared,
            "location": "media",
            "querystring_auth": False,
            "custom_domain": environ.get("PORTAL_MEDIA_DOMAIN") or None,
        },
    }
    storages["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **shared,
            "bucket_name": environ.get("PORTAL_PRIVATE_BUCKET") or bucket,
            "location": "private",
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
    return storages


STORAGES = file_storages(os.environ)

# Cache: local memory for one process; REDIS_URL shares it between app servers.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # Redis away: pages are served uncached (and /readyz says so) instead of failing.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True  # each ignored failure is logged for operators
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long HTTP caches in front (Varnish, a CDN) may keep an anonymous page; Wagtail purges its
# pages from them on publish (WAGTAILFRONTENDCACHE, see README "Caching").
PORTAL_SHARED_CACHE_SECONDS = int(os.environ.get("PORTAL_SHARED_CACHE_SECONDS", "300"))
# Search ranking weights besides the words (portal/search/ranking.py: promoted, helpful, solved, staleness).
PORTAL_SEARCH_BOOSTS: dict = {}
# PORTAL_FRONTEND_CACHE_URL: the address Varnish (or any cache that takes PURGE requests) listens
# on; Wagtail sends it a PURGE for each page published, unpublished, moved or restricted.
if os.environ.get("PORTAL_FRONTEND_CACHE_URL"):
    WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": os.environ["PORTAL_FRONTEND_CACHE_URL"],
        }
    }
# Template fragments ({% cache %}): each is keyed by the versions and values it shows, so it is
# never stale, and each process keeps its own (a shared cache would cost a round trip per fragment
# to save less than a millisecond of rendering).
FRAGMENT_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "template-fragments",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}
CACHES["template_fragments"] = FRAGMENT_CACHE

# Background work: immediate by default; "database" puts it on a queue in the database for
# `manage.py db_worker`, "rq" on RQ in Redis for `manage.py rqworker` (portal/queue.py: retried
# with growing pauses, also when a worker dies mid-task).
TASK_BACKEND = os.environ.get("PORTAL_TASK_BACKEND", "immediate")
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}
if TASK_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"PORTAL_TASK_BACKEND must be one of {', '.join(TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASK_BACKEND]}}
PORTAL_TASKS_ON_RQ = TASK_BACKEND == "rq"  # the scheduler then recovers dead workers' tasks each minute
QUEUE_URL = os.environ.get("PORTAL_QUEUE_URL", REDIS_URL or "redis://127.0.0.1:6379/0")
RQ_QUEUES = {"default": {"URL": QUEUE_URL, "DEFAULT_TIMEOUT": 600}}
RQ = {"QUEUE_CLASS": "portal.queue.RetryingQueue", "JOB_CLASS": "django_tasks_rq.Job"}


def retry_pauses(text: str) -> tuple[int, ...]:
    """Whole seconds separated by commas ("10,60,300"); anything else stops start-up with a reason."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not all(part.isascii() and part.isdigit() for part in parts):  # "²" is a digit to isdigit()
        raise ImproperlyConfigured(
            f"PORTAL_TASK_RETRY_PAUSES must be whole seconds separated by commas, such as 10,60,300; got {text!r}."
        )
    return tuple(int(part) for part in parts)


# Pauses in seconds before each retry of a failed task on RQ; their number is the number of retries.
PORTAL_TASK_RETRY_PAUSES = retry_pauses(os.environ.get("PORTAL_TASK_RETRY_PAUSES", "10,60,300,1800"))

# E-mail: a file folder by default so a first run sends nothing; EMAIL_URL-style settings below.
# Every message goes out through the configured backend with the request id on it (portal/observability.py).
EMAIL_BACKEND = "portal.observability.RequestIdEmailBackend"
PORTAL_EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", BASE_DIR / "var" / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Portal <support@example.com>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# The support e-mail channel: the address customers write to (replies go to support+<token>@…),
# the shared secret of the inbound HTTP endpoint, and an IMAP mailbox to fetch from.
PORTAL_SUPPORT_ADDRESS = os.environ.get("PORTAL_SUPPORT_ADDRESS", "")
PORTAL_POINTS_EXPIRE_DAYS = int(os.environ.get("PORTAL_POINTS_EXPIRE_DAYS", "0"))
# The authserv-ids of the mail servers that receive for the support address: only their
# Authentication-Results headers (DMARC, DKIM, SPF) are read to verify senders (tickets/senders.py).
PORTAL_MAIL_AUTHSERV_IDS = env_list("PORTAL_MAIL_AUTHSERV_IDS")
PORTAL_INBOUND_SECRET = os.environ.get("PORTAL_INBOUND_SECRET", "")
PORTAL_INBOUND_MAX_MB = int(os.environ.get("PORTAL_INBOUND_MAX_MB", "40"))
PORTAL_IMAP_HOST = os.environ.get("PORTAL_IMAP_HOST", "")
PORTAL_IMAP_PORT = int(os.environ.get("PORTAL_IMAP_PORT", "993"))
PORTAL_IMAP_USER = os.environ.get("PORTAL_IMAP_USER", "")
PORTAL_IMAP_PASSWORD = os.environ.get("PORTAL_IMAP_PASSWORD", "")
PORTAL_IMAP_FOLDER = os.environ.get("PORTAL_IMAP_FOLDER", "INBOX")
PORTAL_IMAP_SSL = os.environ.get("PORTAL_IMAP_SSL", "1") != "0"  # 0 only for a relay on the same host

# Search: Wagtail's database backend serves the embedded default.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
# Searches go to this alias; `search_index rebuild` builds `<alias>-<time>` and moves the alias to it.
ELASTICSEARCH_INDEX = os.environ.get("ELASTICSEARCH_INDEX", "portal-search")
# Seconds to wait for the cluster before answering from the database instead.
ELASTICSEARCH_TIMEOUT = float(os.environ.get("ELASTICSEARCH_TIMEOUT", "2"))
ELASTICSEARCH_REPLICAS = int(os.environ.get("ELASTICSEARCH_REPLICAS", "0"))
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

WAGTAIL_SITE_NAME = os.environ.get("PORTAL_SITE_NAME", "Portal")
WAGTAILADMIN_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")

# Card payments go through django-payments. PORTAL_PAYMENT_VARIANTS is JSON naming the gateway
# as django-payments expects it, e.g. {"card": ["payments.stripe.StripeProviderV3", {"api_key": "…"}]}.
# Without it, development and tests use the dummy gateway (a form that approves or declines);
# production offers only bank transfer.
PAYMENT_MODEL = "membership.Payment"
PAYMENT_HOST = urlsplit(WAGTAILADMIN_BASE_URL).netloc
PAYMENT_USES_SSL = urlsplit(WAGTAILADMIN_BASE_URL).scheme == "https"
PAYMENT_VARIANTS = {
    name: tuple(value)
    for name, value in json.loads(
        os.environ.get("PORTAL_PAYMENT_VARIANTS", '{"card": ["payments.dummy.DummyProvider", {}]}')
    ).items()
}
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 5 * 1024 * 1024
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars fetched from gravatar.com: it would learn who opens the admin, and when.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Roles: groups created by a migration (see portal/accounts/roles.py).
PORTAL_STAFF_ROLES = ["moderator", "agent", "editor", "admin"]

# Sessions are read from the cache (Redis at scale) and written through to the database:
# a signed-in page costs no session query, and a cache flush signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "SAMEORIGIN"
# A strict Content-Security-Policy on every page (portal/csp.py says what the admin adds).
CONTENT_SECURITY_POLICY = {"DIRECTIVES": CSP_SITE}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Console logs, each line with the request id (portal/observability.py); PORTAL_LOG_FORMAT=json
# writes one JSON object a line for a log collector.
LOG_FORMAT = os.environ.get("PORTAL_LOG_FORMAT", "plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("PORTAL_LOG_FORMAT must be plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.observability.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["asctime", "levelname", "name", "request_id", "message"],
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            "json_ensure_ascii": False,
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("PORTAL_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Each task and page action logs at INFO; keep the console for what needs attention.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

# Error reporting to Sentry when SENTRY_DSN is set: no personal data, the request id as a tag.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from portal.observability import init_sentry

    init_sentry(
        SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        traces=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )

# The REST API (/api/v1/, portal/api): OAuth 2 access tokens (django-oauth-toolkit), personal
# access tokens made in /me/api-tokens/, and the session for the site's own JavaScript. Every
# response that is an error is an RFC 9457 problem (portal/api/problems.py).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api.authentication.PersonalTokenAuthentication",
        "portal.api.authentication.AppAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["portal.api.permissions.ScopedAccess"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.NewestFirst",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["portal.api.throttling.PerToken"],
    "DEFAULT_THROTTLE_RATES": {"token": os.environ.get("PORTAL_API_RATE", "600/min")},
    "EXCEPTION_HANDLER": "portal.api.problems.handler",
    "DEFAULT_SCHEMA_CLASS": "portal.api.schema.PortalAutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Portal API",
    "DESCRIPTION": "Help articles, the community, support requests, the desk and customer records.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["portal.api.schema.only_ours"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.problems",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ArticleAudienceEnum": "knowledge_base.choices.Audience",
        "CategoryAudienceEnum": "community.choices.Audience",
        "PostStateEnum": "community.choices.PostState",
        "DeliveryStateEnum": "portal.api.models.WebhookDelivery.State",
        "RequestStatusEnum": "tickets.choices.Status",
        "SubscriptionStatusEnum": "portal.membership.choices.SubscriptionStatus",
        "OrderStatusEnum": "portal.membership.choices.OrderStatus",
        "InvoiceStatusEnum": "portal.membership.choices.InvoiceStatus",
    },
}
OAUTH2_PROVIDER = {
    "SCOPES": {
        "kb:read": "Read help articles and FAQs",
        "community:read": "Read the community",
        "community:write": "Post in the community as you",
        "requests:read": "Read your support requests",
        "requests:write": "File and answer your support requests",
        "desk": "Work support requests as an agent",
        "members:read": "Read customers, organisations, subscriptions, orders and points",
        "members:write": "Change customer records",
        "webhooks": "Manage webhook subscriptions",
        "openid": "Sign you in with your Portal account",
        "profile": "Your name",
        "email": "Your e-mail address",
    },
    "DEFAULT_SCOPES": ["kb:read", "community:read"],
    "PKCE_REQUIRED": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 86400,
    "ROTATE_REFRESH_TOKEN": True,
    "OIDC_ENABLED": bool(os.environ.get("PORTAL_OIDC_KEY")),
    "OIDC_RSA_PRIVATE_KEY": os.environ.get("PORTAL_OIDC_KEY", ""),
    "OAUTH2_VALIDATOR_CLASS": "portal.api.oauth.Validator",
    # Apps send people back to https:// addresses only; a replayed refresh token revokes its family.
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # The OAuth 2.0 Security Best Current Practice (RFC 9700) in full: no implicit or password
    # grants, S256 PKCE only and always, tokens only in the Authorization header, exact redirect
    # addresses, the issuer in authorisation responses, hashed tokens at rest, refresh tokens
    # rotated and bound.
    **{
        f"COMPLIANT_BCP_RFC9700_{rule}": True
        for rule in (
            "IMPLICIT_GRANT",
            "PASSWORD_GRANT",
            "PKCE_METHOD",
            "ACCESS_TOKEN_TRANSPORT",
            "AUTHZ_RESPONSE_ISS",
            "TOKEN_STORAGE",
            "REFRESH_TOKEN",
            "REDIRECT_URI_SCHEME",
            "REDIRECT_URI_MATCHING",
            "PKCE_REQUIRED",
        )
    },
}
