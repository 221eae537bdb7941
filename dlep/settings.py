"""Settings: one module, every knob from the environment, with defaults that need no service.

Without any environment the portal runs on a SQLite file, keeps uploads on local disk, and queues
Celery work in a folder (kombu's filesystem transport), all under ``DLEP_DATA_DIR`` (``var/``).
Set ``DATABASE_URL``, ``REDIS_URL`` and ``AWS_STORAGE_BUCKET_NAME`` (with its ``AWS_*`` companions)
to move to PostgreSQL, Redis and S3-compatible object storage. See ``.env.example``.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DATA_DIR = Path(env("DLEP_DATA_DIR", default=str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)


def _demo_secret_key() -> str:
    """A key generated once per data folder, so that a demo needs no configuration.

    A deployment sets SECRET_KEY; this file is never used there.
    """
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env("SECRET_KEY", default="") or _demo_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The address users reach the portal at; used in emails, slips and QR codes.
PORTAL_URL = env("PORTAL_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "treebeard",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "accounts",
    "personnel",
    "appraisal",
    "committees",
    "elearning",
    "cardreader",
]
# The demo world and the benchmark's synthetic country (seed_demo, seed_scale): the roof of the
# house, which imports every app. A production deployment may leave it out.
if env.bool("DLEP_DEVDATA", default=True):
    INSTALLED_APPS.append("devdata")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ThaiFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # a Thai 400 for a NUL or a control character in the query string (core/textinput.py)
    "core.middleware.QueryTextMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionActivityMiddleware",
    "accounts.middleware.ForcePasswordChangeMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # a Thai 503 where the work needs the task queue and the broker is away
    "core.middleware.QueueUnavailableMiddleware",
    # Last, as django-axes asks: turns a lockout flagged during the request into its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dlep.urls"
WSGI_APPLICATION = "dlep.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.notification_views.unread_count",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker share the file: wait for a lock instead of failing, and
    # take the write lock at the start of a transaction so that two writers never deadlock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users and authentication ---------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username and address before any password is checked.
    "accounts.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Django's four validators with Thai messages, and common and Thai words and patterns with
# digits, symbols and look-alikes around them (accounts/validators.py). They check what people
# choose (forms and services: password change, reset, registration); the demo data's published
# password is set by devdata without them.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.validators.UserAttributeSimilarityValidator"},
    {
        "NAME": "accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=10)},
    },
    {"NAME": "accounts.validators.CommonPasswordValidator"},
    {"NAME": "accounts.validators.NumericPasswordValidator"},
    {"NAME": "accounts.validators.GuessablePasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

# --- Login security (accounts/security.py, accounts/two_factor.py) ---------------------------
# Lockout (django-axes): this many failed logins for one username from one address lock that
# pair out for the cool-off; another address, or another username, is not affected.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
# Masked wherever axes writes a request down (its attempt rows, its log lines).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "otp", "code"]
AXES_VERBOSE = False
# The address of a client behind the reverse proxy: the right-most entry of this header, which
# the proxy appends; read only when BEHIND_TLS_PROXY is set (see client_ip).
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="X-Forwarded-For")
# Two-factor authentication (django-otp, TOTP): holders of these roles must enrol and enter a
# code at every login; everyone else may enrol on the two-factor page.
TWO_FACTOR_REQUIRED_ROLES = env.list(
    "TWO_FACTOR_REQUIRED_ROLES", default=["dla_admin", "province_admin"]
)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="D-LEP")
# The Django admin lists authenticators (to delete a lost one) without showing their secrets.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Password reset links (Django's signed tokens) stop working after this many seconds.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=48 * 3600)

# --- Language, time ---------------------------------------------------------------------------
LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

# --- Files --------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(DATA_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise wants it, even when empty
STATICFILES_DIRS = [BASE_DIR / "static"]
# A request body bigger than this waits on disk, not in memory, while the ASGI server reads it
# (Django's default 2.5 MB, times 50 teachers sending 16 MB chunks at once, is 125 MB of memory).
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=256 * 1024)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(DATA_DIR / "media")))
# Serve static files straight from the app folders (no collectstatic needed for the demo); a
# deployment runs collectstatic and sets STATICFILES_BACKEND to the manifest storage.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)

AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
# The object store as the portal's own processes reach it (web, worker), and as the users'
# browsers reach it: evidence bytes go straight between the browser and the object store on
# links signed for that public address (SigV4 signs the host). Empty: the same address.
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_PUBLIC_ENDPOINT_URL = env("AWS_S3_PUBLIC_ENDPOINT_URL", default="") or AWS_S3_ENDPOINT_URL
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default="") or None
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default="") or None
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default="") or "us-east-1"
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "access_key": AWS_ACCESS_KEY_ID,
            "secret_key": AWS_SECRET_ACCESS_KEY,
            "region_name": AWS_S3_REGION_NAME,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "signature_version": "s3v4",
            "addressing_style": "path",
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND", default="django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Celery ---------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A broker that is down or hung must not hold a web request: connecting and each socket
    # operation give up after a second, and a task that cannot be published is not retried
    # (CELERY_TASK_PUBLISH_RETRY). The caller keeps what it queues in the database, and a beat
    # task queues it again once the broker is back (appraisal.tasks.requeue_stuck_checks).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 1, "socket_timeout": env.float("BROKER_SOCKET_TIMEOUT",
                                                                 default=3.0),
        "max_retries": 0,
    }
else:
    # kombu's filesystem transport: a real worker process, no Redis. Producer and consumer
    # share one folder.
    _queue_dir = DATA_DIR / "broker" / "queue"
    _processed_dir = DATA_DIR / "broker" / "processed"
    _control_dir = DATA_DIR / "broker" / "control"
    for _dir in (_queue_dir, _processed_dir, _control_dir):
        _dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(_control_dir),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY = False
# --- Cache ------------------------------------------------------------------------------------
# Short-lived figures and rows: the dashboards' counts (accounts/selectors.py dashboard_for), the
# values kept between visits (core/kept.py). Each web process keeps its own (local memory) by
# default; with REDIS_URL the processes share Redis, in CACHE_REDIS_URL's database when it is
# set (a cache.clear() empties its whole database: the tests' do, never the broker's with it).
# Redis down or hung costs a page a quarter of a second per cache call at most, never an error:
# django-redis answers "not there" (IGNORE_EXCEPTIONS) and the page computes what it would have
# found (core/kept.py, the dashboards' counts).
if REDIS_URL:
    _cache_timeout = env.float("CACHE_SOCKET_TIMEOUT", default=0.25)
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache",
                          "LOCATION": env("CACHE_REDIS_URL", default=REDIS_URL),
                          "KEY_PREFIX": "dlep",
                          "OPTIONS": {"IGNORE_EXCEPTIONS": True,
                                      "SOCKET_CONNECT_TIMEOUT": _cache_timeout,
                                      "SOCKET_TIMEOUT": _cache_timeout}}}
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "OPTIONS": {"MAX_ENTRIES": 10_000}}}
# How long a dashboard card's counts (organisations by kind, staff) are kept before counting again.
DASHBOARD_COUNTS_SECONDS = env.int("DASHBOARD_COUNTS_SECONDS", default=60)
# The longest a list page's rows (an office's queue, a roster) are kept between visits; they are
# dropped before that as soon as a row they show changes (core/kept.py). 0: never kept.
KEPT_SECONDS = env.int("KEPT_SECONDS", default=60)

CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# --- Email --------------------------------------------------------------------------------------
# The demo writes emails as files under var/mail; a deployment sets EMAIL_BACKEND and EMAIL_HOST.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(DATA_DIR / "mail"))
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="D-LEP <no-reply@dlep.local>")

# --- API ------------------------------------------------------------------------------------------
# API tokens (django-rest-knox, accounts/tokens.py): only their hash is stored. A token stops
# working this many hours after it was issued, whatever its use ...
API_TOKEN_MAX_AGE_HOURS = env.int("API_TOKEN_MAX_AGE_HOURS", default=7 * 24)
# ... and after this many hours without a request. Also on a password change or reset, a
# deactivation, a role that requires two-factor authentication, its logout, or its revocation by
# its owner (page "โทเคน API", /api/v1/auth/tokens/).
API_TOKEN_IDLE_HOURS = env.int("API_TOKEN_IDLE_HOURS", default=24)
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own model is swapped out for accounts.ApiToken: its migrations would only create an
# empty table of the old layout.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_MAX_AGE_HOURS),
    "AUTH_HEADER_PREFIX": "Token",
    # the idle limit is accounts.tokens.TokenAuthentication's (last_used), not a moving expiry
    "AUTO_REFRESH": False,
    # last_used is written at most this often per token (seconds)
    "MIN_REFRESH_INTERVAL": 60,
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous caller gets 401 with "WWW-Authenticate: Token".
        "accounts.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.IsAuthenticatedWithCurrentPassword"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # the services' NotAllowed and ValidationError as 403 and 400 with their Thai messages
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    # Public registration (staff, school admins) per client address, counted in the cache
    # (shared in Redis with REDIS_URL): accounts/throttling.py.
    "DEFAULT_THROTTLE_RATES": {
        "registration": env("REGISTRATION_THROTTLE_RATE", default="10/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "D-LEP API",
    "DESCRIPTION": "ระบบพัฒนาบุคลากรและประเมินวิทยฐานะข้าราชการครูท้องถิ่น",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # `check --deploy` checks the deployment (HTTPS, cookies, keys): drf-spectacular's own check
    # would add the schema's naming notes (enum names, component names) as warnings there. The
    # schema is generated, and must not fail, in tests/dlep/test_deploy_check.py.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
}

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# Logged out after this many seconds without a request: activity moves the expiry ahead.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
# accounts.middleware.SessionActivityMiddleware saves an active session again once this many
# seconds have passed since its last save (and re-checks its two-factor state as often), instead
# of a database write on every request (SESSION_SAVE_EVERY_REQUEST, still available).
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=60)
SESSION_SAVE_EVERY_REQUEST = env.bool("SESSION_SAVE_EVERY_REQUEST", default=False)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
# HTTPS. The defaults suit `make run` on http://127.0.0.1:8000; a deployment sets the values of
# .env.example (docs/deploy.md, "HTTPS"), and `manage.py check --deploy` is then clean
# (tests/dlep/test_deploy_check.py).
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=SESSION_COOKIE_SECURE)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# A reverse proxy terminates TLS and sets X-Forwarded-Proto: a request is secure when it says so.
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Plain HTTP is answered with a redirect to HTTPS (needs BEHIND_TLS_PROXY behind a proxy, or
# every request would look plain and redirect for ever) ...
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# ... except the container's healthcheck, which calls http://127.0.0.1:8000/healthz directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# HSTS: browsers use HTTPS only for this many seconds (0: no header). includeSubDomains covers the
# object store's subdomain too (also HTTPS: docs/deploy.md); preload lets the domain's owner
# submit it to the browsers' preload list.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)

# Every line goes through one handler that masks national ID numbers (core/logmask.py): Django's
# own "django" and "django.server" loggers (a 404's path, runserver's request lines) lose Django's
# default handlers and pass their lines on to it. The web server's access log:
# core/gunicorn_logging.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_national_ids": {"()": "core.logmask.MaskNationalIds"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_national_ids"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        # django-axes tells every successful login at INFO; failures and lockouts are warnings.
        "axes": {"level": env("AXES_LOG_LEVEL", default="WARNING")},
        # fontTools logs every font subset at INFO while PDFs are written
        "fontTools": {"level": "WARNING"},
    },
}

# --- Card reader (cardreader/) --------------------------------------------------------------------
# The local agent (python -m cardreader.agent) on the user's computer: the page calls it here.
CARDREADER_AGENT_URL = env("CARDREADER_AGENT_URL", default="http://127.0.0.1:8765")
# The portal's origins the agent answers (CORS); the agent reads the same variable.
CARDREADER_ALLOWED_ORIGINS = env.list(
    "CARDREADER_ALLOWED_ORIGINS", default=["http://127.0.0.1:8000", "http://localhost:8000"]
)

# --- Evidence files of appraisal applications (appraisal/media.py, evidence.py, uploads.py) -----
# Largest file per real kind; videos of a teaching hour reach several GB (at least 2 GB must pass).
EVIDENCE_MAX_VIDEO_BYTES = env.int("EVIDENCE_MAX_VIDEO_BYTES", default=5 * 1024**3)
EVIDENCE_MAX_DOCUMENT_BYTES = env.int("EVIDENCE_MAX_DOCUMENT_BYTES", default=100 * 1024**2)
# Pillow's own decompression-bomb threshold by default.
EVIDENCE_MAX_IMAGE_PIXELS = env.int("EVIDENCE_MAX_IMAGE_PIXELS", default=89_478_485)
# Without object storage, resumable (tus) uploads are appended here until complete, then moved
# into the default storage. Every web process must see the same folder (one disk, or a volume
# shared by the web containers): any of them serves the next request of an upload.
EVIDENCE_UPLOAD_DIR = Path(env("EVIDENCE_UPLOAD_DIR", default=str(DATA_DIR / "uploads")))
# The browser sends a file in requests (tus) or parts (S3 multipart, at least 5 MB) of this
# size: below a proxy's body limit (docs/deploy.md, client_max_body_size 50m). The ASGI server
# reads a whole request before the view runs, so a tus chunk broken off is sent again whole.
EVIDENCE_UPLOAD_CHUNK_BYTES = env.int("EVIDENCE_UPLOAD_CHUNK_BYTES", default=16 * 1024**2)
# With object storage: how long a signed link lives: a part's upload link, and the link a
# download or a video player gets after the permission check (a player seeks with Range
# requests on the same link, so it must outlive a viewing's pauses; it is not shareable for
# longer than this).
EVIDENCE_LINK_SECONDS = env.int("EVIDENCE_LINK_SECONDS", default=600)
# An unfinished upload untouched for this long is deleted.
EVIDENCE_UPLOAD_EXPIRY_HOURS = env.int("EVIDENCE_UPLOAD_EXPIRY_HOURS", default=72)
# A check still running after this long is taken to be lost and queued again (a check that
# hangs is killed before: appraisal/tasks.py CHECK_TIME_LIMIT).
EVIDENCE_CHECK_TIMEOUT_MINUTES = env.int("EVIDENCE_CHECK_TIMEOUT_MINUTES", default=30)
# The worker checking a file writes a heartbeat this often; a check whose heartbeat is older
# than EVIDENCE_CHECK_LOST_SECONDS lost its worker (killed, out of memory, the machine gone) and
# is queued again by the beat task, which looks every EVIDENCE_REQUEUE_EVERY_SECONDS: a dead
# worker's check is redone within LOST + EVERY seconds (under 2 minutes).
EVIDENCE_CHECK_HEARTBEAT_SECONDS = env.float("EVIDENCE_CHECK_HEARTBEAT_SECONDS", default=20.0)
EVIDENCE_CHECK_LOST_SECONDS = env.int("EVIDENCE_CHECK_LOST_SECONDS", default=75)
EVIDENCE_REQUEUE_EVERY_SECONDS = env.float("EVIDENCE_REQUEUE_EVERY_SECONDS", default=30.0)
# Checks that start and never end (a file that kills the worker each time) are given up after this
# many attempts; the file is rejected and the applicant asked to upload it again.
EVIDENCE_MAX_CHECK_ATTEMPTS = env.int("EVIDENCE_MAX_CHECK_ATTEMPTS", default=3)
# The Celery queue of the checks; empty: the default queue. A deployment may give the long video
# checks workers of their own (`celery worker -Q evidence`) so that emails never wait behind them.
EVIDENCE_CHECK_QUEUE = env("EVIDENCE_CHECK_QUEUE", default="")
# clamd for a virus scan of every evidence file, e.g. tcp://clamav:3310 or unix:///run/clamd.sock;
# empty: no scan (recorded on each file).
CLAMAV_URL = env("CLAMAV_URL", default="")
CLAMAV_TIMEOUT_SECONDS = env.float("CLAMAV_TIMEOUT_SECONDS", default=120.0)
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "evidence-requeue-stuck-checks": {
        "task": "appraisal.tasks.requeue_stuck_checks",
        "schedule": EVIDENCE_REQUEUE_EVERY_SECONDS,
    },
    "evidence-purge-abandoned-uploads": {
        "task": "appraisal.tasks.purge_abandoned_uploads",
        "schedule": 3600.0,
    },
}

# --- Printed orders (committees/orders.py) -----------------------------------------------------
# The ครุฑ emblem for the top of an appointment order (a PNG or JPEG file on the server). The
# portal ships none: without it the PDF and Word orders keep a marked 3 cm box where it goes.
GARUDA_IMAGE = env("GARUDA_IMAGE", default="")

# --- Assessors of academic-standing applications (appraisal/services/invitations.py, scoring.py) -
# An invited expert replies within this many days; then the invitation times out and the seat is
# drawn again (Celery beat: appraisal/tasks.py, expire_invitations).
INVITATION_REPLY_DAYS = env.int("INVITATION_REPLY_DAYS", default=3)
# An accepted assessor submits the score sheet within this many days of accepting ...
ASSESSMENT_SCORING_DAYS = env.int("ASSESSMENT_SCORING_DAYS", default=30)
# ... and is reminded once a day from this many days before that date until they submit.
ASSESSMENT_REMINDER_DAYS = env.int("ASSESSMENT_REMINDER_DAYS", default=7)
# How often beat looks for invitations past their reply date, and the queue of these beat tasks
# (empty: Celery's default queue; the integration test gives them a queue of its own).
ASSESSMENT_EXPIRE_EVERY_SECONDS = env.float("ASSESSMENT_EXPIRE_EVERY_SECONDS", default=900.0)
ASSESSMENT_BEAT_QUEUE = env("ASSESSMENT_BEAT_QUEUE", default="")
_assessment_beat_options = {"queue": ASSESSMENT_BEAT_QUEUE} if ASSESSMENT_BEAT_QUEUE else {}
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "assessment-expire-invitations": {
        "task": "appraisal.assessment_tasks.expire_invitations",
        "schedule": ASSESSMENT_EXPIRE_EVERY_SECONDS,
        "options": _assessment_beat_options,
    },
    "assessment-remind-assessors": {
        "task": "appraisal.assessment_tasks.remind_assessors",
        "schedule": 6 * 3600.0,
        "options": _assessment_beat_options,
    },
}
