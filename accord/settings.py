"""Accord's one settings file, driven by ACCORD_* environment variables (see docs/configuration.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from accord.core.languages import LANGUAGE_NAMES, LOCALE_DIR
from accord.envconf import (
    audit_keys,
    env_bool,
    env_int,
    env_list,
    env_str,
    file_storage,
    parse_rates,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ACCORD_VAR_DIR", str(BASE_DIR / "var")))
NODE_MODULES = BASE_DIR / "node_modules"

DEBUG = env_bool("ACCORD_DEBUG", default=False)
SECRET_KEY = secret_key(VAR_DIR, debug=DEBUG)
ALLOWED_HOSTS = env_list("ACCORD_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ACCORD_ALLOWED_HOSTS must name the host names Accord answers to.")
CSRF_TRUSTED_ORIGINS = env_list("ACCORD_CSRF_TRUSTED_ORIGINS", [])
# The audit trail's HMAC keys, current first, then older ones kept to verify what they signed; never
# stored in the database, so that its administrator cannot re-hash a rewritten chain (docs/audit.md).
ACCORD_AUDIT_KEYS, ACCORD_AUDIT_KEY_SOURCE = audit_keys(VAR_DIR, debug=DEBUG)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "ninja",
    "accord.core",
    "accord.risks",
    "accord.portfolio",
    "accord.compliance",
    "accord.privacy",
    "accord.policies",
    "accord.incidents",
]

# The middlewares before RequestSizeLimitMiddleware only add response headers: none reads a body, and
# the 413 it answers still carries them (tests/core/test_request_limits.py keeps it so).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "accord.core.middleware.PermissionsPolicyMiddleware",
    "accord.core.limits.RequestSizeLimitMiddleware",
    "accord.core.limits.ApiRateLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before CommonMiddleware, whose APPEND_SLASH would redirect an API write (and lose it).
    "accord.core.middleware.ApiEitherSlashMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accord.core.i18n.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accord.core.middleware.IdleSessionMiddleware",
    "accord.core.middleware.NoStoreMiddleware",
    "accord.core.middleware.ApiMethodNotAllowedMiddleware",
    "accord.core.limits.TryLaterMiddleware",
]

ROOT_URLCONF = "accord.urls"
WSGI_APPLICATION = "accord.wsgi.application"
ASGI_APPLICATION = "accord.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "accord" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accord.core.context_processors.workspace",
            ],
        },
    },
]
# Forms render with Bootstrap's classes and Accord's field templates (accord/core/formrender.py).
FORM_RENDERER = "accord.core.formrender.FormRenderer"

# --- database -----------------------------------------------------------------------------------
_default_sqlite = f"sqlite:///{VAR_DIR / 'accord.sqlite3'}"
DATABASE_URL = env_str("ACCORD_DATABASE_URL", _default_sqlite)
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("ACCORD_DB_CONN_MAX_AGE", 60))
except ValueError as exc:
    raise ImproperlyConfigured(f"ACCORD_DATABASE_URL is not a database URL: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers and one writer work at once; FULL makes a committed write survive a power cut;
    # IMMEDIATE takes the write lock at BEGIN so two writers queue instead of failing to upgrade.
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Each server thread keeps its connection (ACCORD_DB_CONN_MAX_AGE, as for PostgreSQL): opening one
    # (the file, the pragmas above, Django's SQL functions) cost about 1 ms of CPU on every request, and a
    # kept connection keeps its page cache. Autocommit still gives each statement the newest snapshot.
elif _db["ENGINE"] == "django.db.backends.postgresql":
    # ACCORD_DB_PREPARE_THRESHOLD=N (decision 0035): bind parameters on the server and let psycopg prepare a
    # statement after its Nth run on a connection, so PostgreSQL stops planning the register's query on every
    # request. Off by default: a transaction-pooling proxy (PgBouncer before 1.21) loses prepared statements.
    _prepare = env_int("ACCORD_DB_PREPARE_THRESHOLD", 0)
    if _prepare < 0:
        raise ImproperlyConfigured(f"ACCORD_DB_PREPARE_THRESHOLD={_prepare} must be 0 (off) or more.")
    if _prepare:
        _db["OPTIONS"] = {**_db.get("OPTIONS", {}), "server_side_binding": True, "prepare_threshold": _prepare}
else:
    raise ImproperlyConfigured("ACCORD_DATABASE_URL must be a sqlite:// or postgres:// URL.")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the rate limits' counters (the API's and sign-in's): `file` (the default) shares them
# between the server's worker processes on one machine, `locmem` keeps them per process (tests), and a
# redis:// URL shares them between machines, counted exactly (the `redis` client is a dependency).
_cache = env_str("ACCORD_CACHE", "file")
if _cache == "file":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache")}}
elif _cache == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif _cache.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache}}
else:
    raise ImproperlyConfigured(f"ACCORD_CACHE={_cache!r} is not file, locmem or a redis:// URL.")

# --- background jobs (accord/core/jobs, decision 0027, docs/deployment.md "Workers") -------------------
# Huey: a SQLite file under var/ on one machine (the default), Redis when ACCORD_REDIS_URL is set (several
# machines: every web server and worker names the same Redis). Immediate mode runs a job inside the
# process that queues it (the tests, a one-off script), with no worker.
ACCORD_REDIS_URL = env_str("ACCORD_REDIS_URL", "").strip()
if ACCORD_REDIS_URL and not ACCORD_REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"ACCORD_REDIS_URL={ACCORD_REDIS_URL!r} is not a redis://, rediss:// or unix:// URL.")
# Read answers (accord/core/answers.py, decision 0035): stored under the organisation's data version, in
# this process's memory, or in Redis shared by every process and machine when ACCORD_REDIS_URL is set. The
# version itself is read from the database on every read, so a per-process store never serves an answer
# older than the last write of any process. ACCORD_ANSWER_SECONDS bounds how long an answer lives (what the
# version does not cover: a name changed on a person's profile).
ACCORD_ANSWER_CACHE = env_bool("ACCORD_ANSWER_CACHE", default=True)
ACCORD_ANSWER_SECONDS = env_int("ACCORD_ANSWER_SECONDS", 300)
if ACCORD_ANSWER_SECONDS < 1:
    raise ImproperlyConfigured(f"ACCORD_ANSWER_SECONDS={ACCORD_ANSWER_SECONDS} must be at least 1.")
_answers: dict[str, Any] = ({"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": ACCORD_REDIS_URL,
                      "KEY_PREFIX": "accord"} if ACCORD_REDIS_URL else
                     {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "accord-answers",
                      "OPTIONS": {"MAX_ENTRIES": 2000}})
CACHES["answers"] = _answers
ACCORD_JOBS_FILE = VAR_DIR / "jobs.sqlite3"
ACCORD_JOBS_IMMEDIATE = env_bool("ACCORD_JOBS_IMMEDIATE", default=False)
ACCORD_WORKER_THREADS = env_int("ACCORD_WORKER_THREADS", 2)
# A job marked running for this long by a worker on another machine (which this one cannot ask) is taken
# as lost with its worker and queued again; on the worker's own machine a dead process is seen at once.
ACCORD_JOB_STALE_MINUTES = env_int("ACCORD_JOB_STALE_MINUTES", 60)
for _name in ("ACCORD_WORKER_THREADS", "ACCORD_JOB_STALE_MINUTES"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name}={globals()[_name]} must be at least 1.")
# Where the worker's scheduler appends the audit chains' signed heads every hour (`accord audit
# checkpoint`); empty: no periodic checkpoint.
ACCORD_AUDIT_CHECKPOINT_FILE = env_str("ACCORD_AUDIT_CHECKPOINT_FILE", "").strip()

# --- authentication -----------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "accord.core.sso.SingleLogoutAccountAdapter"  # auth.AccountAdapter, with SAML logout
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Accord] "  # allauth's default names the request's host
# Throttling, never a lock-out: five failed sign-ins for one account from one address within five
# minutes refuse that account from that address for the rest of the window (the adapter's key is the
# pair), twenty failures from one address per minute refuse the address; nothing counts per account
# alone, so failures from elsewhere never refuse the right password (decision 0019).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("ACCORD_LOGIN_FAILED_LIMIT", "20/m/ip,5/5m/key"),
    "login": "30/m/ip",
}
# Behind this many reverse proxies that each append the address they saw to X-Forwarded-For, the
# client is the address that many places from the right; 0: REMOTE_ADDR (no proxy, or one that does not
# append). Sign-in throttling and the API's rate limits both read it (accord.core.limits.client_address).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("ACCORD_TRUSTED_PROXY_COUNT", 0)
if ALLAUTH_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"ACCORD_TRUSTED_PROXY_COUNT={ALLAUTH_TRUSTED_PROXY_COUNT} must be 0 or more.")
# Re-authentication before sensitive changes asks for the password or a second factor, never an
# e-mailed code (mail may not be configured).
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")
# Single sign-on through each organisation's OpenID Connect provider (decision 0033, accord/core/sso.py):
# the apps come from the organisations' rows, never from settings; an address alone never signs anyone in
# to an existing account (the adapter links only members, as accord.core.ssorules.decide says); provider
# tokens are not kept (Accord calls nothing on the person's behalf after sign-in).
ACCOUNT_FORMS = {"login": "accord.core.sso.LoginForm"}
SOCIALACCOUNT_ADAPTER = "accord.core.sso.SocialAccountAdapter"
# allauth's SAML provider, which also keeps what single logout needs of a sign-in (decision 0063).
SOCIALACCOUNT_PROVIDERS = {"saml": {"provider_class": "accord.core.saml_provider.AccordSAMLProvider"}}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False  # the provider is reached by a POST (CSRF-protected), never by a link
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("ACCORD_SSO_TIMEOUT_SECONDS", 10)
if not 1 <= SOCIALACCOUNT_REQUESTS_TIMEOUT <= 60:
    raise ImproperlyConfigured(f"ACCORD_SSO_TIMEOUT_SECONDS={SOCIALACCOUNT_REQUESTS_TIMEOUT} must be 1 to 60.")
# An issuer (and what its discovery names) on a loopback, private, link-local or other non-public address, or
# plain http on this machine, is refused unless the operator allows it (accord/core/ssonet.py).
ACCORD_SSO_ALLOW_PRIVATE_ISSUERS = env_bool("ACCORD_SSO_ALLOW_PRIVATE_ISSUERS", default=False)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Accord"
MFA_ADAPTER = "accord.core.mfa.MFAAdapter"
MFA_FORMS = {"deactivate_totp": "accord.core.mfa.DeactivateTOTPPolicyForm"}
SESSION_COOKIE_AGE = env_int("ACCORD_SESSION_SECONDS", 8 * 3600)
# A session that made no request for this long is signed out on its next one (IdleSessionMiddleware).
ACCORD_SESSION_IDLE_MINUTES = env_int("ACCORD_SESSION_IDLE_MINUTES", 60)
if ACCORD_SESSION_IDLE_MINUTES < 1:
    raise ImproperlyConfigured(f"ACCORD_SESSION_IDLE_MINUTES={ACCORD_SESSION_IDLE_MINUTES} must be at least 1.")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "accord.errors.csrf_failure"  # the 403 page in the site's layout, saying what to do

# --- HTTPS and security headers ---------------------------------------------------------------------
HTTPS = env_bool("ACCORD_HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# Under HTTPS the browser keeps `__Host-` cookies only if they are Secure, for this host alone and
# path /: no subdomain or plain-HTTP page can set or shadow them. Plain HTTP (development) keeps
# Django's names, which a browser would refuse with the prefix.
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("ACCORD_TRUST_PROXY_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# --- email --------------------------------------------------------------------------------------
EMAIL_HOST = env_str("ACCORD_EMAIL_HOST", "")
EMAIL_PORT = env_int("ACCORD_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("ACCORD_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("ACCORD_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ACCORD_EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env_str("ACCORD_EMAIL_FROM", "accord@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
# Every link Accord e-mails (invitations, password reset, address confirmation: accord.core.auth's
# AccountAdapter) starts with this address; when it is empty, with the address of the request that
# sent the e-mail (`accord check --deploy` warns, accord.W001).
ACCORD_BASE_URL = env_str("ACCORD_BASE_URL", "").rstrip("/")
if ACCORD_BASE_URL and not ACCORD_BASE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"ACCORD_BASE_URL={ACCORD_BASE_URL!r} is not a web address; use e.g. https://accord.example.org"
    )

# --- what a request may cost (accord/core/limits.py, docs/deployment.md) ------------------------------
ACCORD_MAX_REQUEST_BYTES = env_int("ACCORD_MAX_REQUEST_BYTES", 1024 * 1024)
ACCORD_MAX_UPLOAD_BYTES = env_int("ACCORD_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
for _name in ("ACCORD_MAX_REQUEST_BYTES", "ACCORD_MAX_UPLOAD_BYTES"):
    if globals()[_name] < 1024:
        raise ImproperlyConfigured(f"{_name}={globals()[_name]} is below 1024 bytes; give the largest body in bytes.")
# The largest evidence file (accord/compliance/services_evidence.py, decision 0045): refused with its own message
# below the upload limit, which the request as a whole (the file and its form) must also keep to.
ACCORD_MAX_EVIDENCE_BYTES = env_int("ACCORD_MAX_EVIDENCE_BYTES", 8 * 1024 * 1024)
if not 1024 <= ACCORD_MAX_EVIDENCE_BYTES <= ACCORD_MAX_UPLOAD_BYTES:
    raise ImproperlyConfigured(f"ACCORD_MAX_EVIDENCE_BYTES={ACCORD_MAX_EVIDENCE_BYTES} must be from 1024 bytes to "
                               f"ACCORD_MAX_UPLOAD_BYTES ({ACCORD_MAX_UPLOAD_BYTES}).")
# Django's own limits, behind the middleware's: form fields read into memory, files kept in memory
# before they spill to a temporary file, and how many fields and files one form may carry.
DATA_UPLOAD_MAX_MEMORY_SIZE = ACCORD_MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 5

# Requests per bearer token and per client address under /api/, in fixed windows; over a rate: 429 with
# Retry-After. Empty: no limit (say so only when the reverse proxy limits instead).
ACCORD_API_RATE_LIMITS = parse_rates(env_str("ACCORD_API_RATE_LIMIT", "600/m/token,1800/m/ip"),
                                     "ACCORD_API_RATE_LIMIT")

# --- what a simulation may cost (accord/risks/budget.py, decision 0020, docs/deployment.md) -------------
ACCORD_SIMULATION_EVENTS = env_int("ACCORD_SIMULATION_EVENTS", 100_000_000)
ACCORD_SIMULATION_SECONDS = env_int("ACCORD_SIMULATION_SECONDS", 20)
ACCORD_SIMULATIONS_PER_ORG = env_int("ACCORD_SIMULATIONS_PER_ORG", 1)
ACCORD_SIMULATION_WAIT_SECONDS = env_int("ACCORD_SIMULATION_WAIT_SECONDS", 10)
ACCORD_SIMULATION_REQUESTS_PER_ORG = env_int("ACCORD_SIMULATION_REQUESTS_PER_ORG", 2)
for _name in ("ACCORD_SIMULATION_EVENTS", "ACCORD_SIMULATION_SECONDS", "ACCORD_SIMULATIONS_PER_ORG",
              "ACCORD_SIMULATION_REQUESTS_PER_ORG"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name}={globals()[_name]} must be at least 1.")
if ACCORD_SIMULATION_WAIT_SECONDS < 0:
    raise ImproperlyConfigured(f"ACCORD_SIMULATION_WAIT_SECONDS={ACCORD_SIMULATION_WAIT_SECONDS} must be 0 or more.")

# --- /.well-known/security.txt (accord/core/wellknown.py) -------------------------------------------
ACCORD_SECURITY_CONTACT = env_str("ACCORD_SECURITY_CONTACT", "").strip()
if ACCORD_SECURITY_CONTACT and "@" in ACCORD_SECURITY_CONTACT and ":" not in ACCORD_SECURITY_CONTACT:
    ACCORD_SECURITY_CONTACT = f"mailto:{ACCORD_SECURITY_CONTACT}"
if ACCORD_SECURITY_CONTACT and not ACCORD_SECURITY_CONTACT.startswith(("mailto:", "https://", "tel:")):
    raise ImproperlyConfigured(
        f"ACCORD_SECURITY_CONTACT={ACCORD_SECURITY_CONTACT!r} is not an e-mail address, mailto:, tel: or https:// URL."
    )

# --- i18n, time, static ---------------------------------------------------------------------------
# English is the default and the language of the source; French is complete (decision 0034). A page's
# language: the person's choice, else the organisation's default, else the browser's (Accept-Language),
# else English (accord/core/i18n.py). Dates and numbers follow the active language's formats.
LANGUAGE_CODE = "en"
LANGUAGES = list(LANGUAGE_NAMES)
# The catalogue (accord/locale/fr/LC_MESSAGES/django.po); its .mo is compiled by `make install` and by the
# test run, never committed.
LOCALE_PATHS = [LOCALE_DIR]
# English dates as Accord shows them (accord/formats/en); French ones are Django's.
FORMAT_MODULE_PATH = ["accord.formats"]
TIME_ZONE = env_str("ACCORD_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise reads it at start-up, before any collectstatic
STATICFILES_DIRS = [str(BASE_DIR / "accord" / "static")]
# The npm files the templates load, and nothing else of the packages (accord/core/vendorfinder.py).
ACCORD_VENDOR_STATIC = {
    "vendor/bootstrap/css/bootstrap.min.css": NODE_MODULES / "bootstrap/dist/css/bootstrap.min.css",
    "vendor/bootstrap/js/bootstrap.bundle.min.js": NODE_MODULES / "bootstrap/dist/js/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js": NODE_MODULES / "htmx.org/dist/htmx.min.js",
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "accord.core.vendorfinder.VendorFinder",
]
# Compressed, cache-busted names from `accord serve`'s collectstatic; tests use the plain names.
_STATIC_BACKEND = (
    "whitenoise.storage.CompressedManifestStaticFilesStorage"
    if env_bool("ACCORD_STATIC_MANIFEST", default=True)
    else "django.contrib.staticfiles.storage.StaticFilesStorage"
)
# Stored files (evidence, reports): under var/media by default, or an S3-compatible bucket when
# ACCORD_STORAGE_URL=s3://BUCKET[/PREFIX] (django-storages; docs/deployment.md). Never served as static
# files: a view that checks the reader's permissions hands them out.
MEDIA_ROOT = VAR_DIR / "media"
ACCORD_STORAGE_URL = env_str("ACCORD_STORAGE_URL", "").strip()
STORAGES = {
    "default": file_storage(ACCORD_STORAGE_URL, MEDIA_ROOT),
    "staticfiles": {"BACKEND": _STATIC_BACKEND},
}
WHITENOISE_MANIFEST_STRICT = False

NINJA_PAGINATION_PER_PAGE = 50
# The largest page an API list answers (`limit`); a larger limit is refused with 422 (accord.core.apikit).
ACCORD_API_MAX_PAGE = env_int("ACCORD_API_MAX_PAGE", 1000)
if ACCORD_API_MAX_PAGE < NINJA_PAGINATION_PER_PAGE:
    raise ImproperlyConfigured(
        f"ACCORD_API_MAX_PAGE={ACCORD_API_MAX_PAGE} must be at least {NINJA_PAGINATION_PER_PAGE}.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("ACCORD_LOG_LEVEL", "WARNING")},
}
