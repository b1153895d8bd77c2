"""Settings shared by every environment.

No production defaults live here: secrets, hosts and service URLs are read in the
environment-specific modules (style.md, "Do let production settings crash").
"""

from pathlib import Path

import dj_database_url

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("FAZHI_VAR_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "workflows",
    "workflows.record",
    "workflows.clocks",
    "workflows.consultations",
    "workflows.archive",
    "decisions",
    "normdocs",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "viewflow",
    "viewflow.workflow",
    "guardian",
    "axes",
    "django_celery_beat",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Anonymous visitors of the staff site log in first, whatever the URL (no 403/404 oracle).
    "config.middleware.SiteLoginMiddleware",
    "viewflow.middleware.SiteMiddleware",
    "viewflow.middleware.HotwireTurboMiddleware",
    "config.middleware.StaffSiteMiddleware",
    # Without Redis: public writes refused (503), public reads served uncached.
    "workflows.public.outage.OutageMiddleware",
    # Axes last: it needs the authenticated user and turns lock-outs into responses.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project templates first: they override viewflow's login and error pages.
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------------------------
# DATABASE_URL selects PostgreSQL (production, CI); without it an SQLite file under var/.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'fazhi.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_SERVER_SIDE_BINDING", False
):
    # psycopg 3 sends the parameters apart from the statement, and prepares a statement on the
    # server from its second use on a connection: PostgreSQL then plans each repeated statement
    # once per connection instead of on every call.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=2
    )
# The long statements of every staff page bound on the server and prepared by psycopg
# (``workflows.connections.prepared_cursor``); off for a pooler that loses prepared statements.
FAZHI_PREPARED_READS = env_bool("DATABASE_PREPARED_READS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication and permissions -----------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Axes refuses locked-out credentials before any other backend sees them.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: the public never holds object permissions.
GUARDIAN_RAISE_403 = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "workflows/locked_out.html"

# --- Language and time ----------------------------------------------------------------------
# Source strings are English; the zh_Hans catalogue translates every one of them, and Chinese
# is the default. English is therefore always complete.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("FAZHI_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
# Uploads: nothing larger than this is read into memory or accepted.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("FAZHI_MAX_REQUEST_BYTES", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The demo data of each process, loaded in this order after the organisation (manage.py demo).
FAZHI_DEMO_LOADERS = ["decisions.demo.load", "normdocs.demo.load"]

FAZHI_MAX_ATTACHMENT_BYTES = env_int("FAZHI_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024)
# The limit holds while the body streams in (workflows.uploads); a larger file goes to a
# temporary file, never to memory.
FILE_UPLOAD_HANDLERS = [
    "workflows.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# A zip container (DOCX, OFD) is refused above these, read from its directory (workflows.files).
FAZHI_MAX_UNPACKED_BYTES = env_int("FAZHI_MAX_UNPACKED_BYTES", 100 * 1024 * 1024)
FAZHI_MAX_COMPRESSION_RATIO = env_int("FAZHI_MAX_COMPRESSION_RATIO", 100)
FAZHI_MAX_ZIP_ENTRIES = env_int("FAZHI_MAX_ZIP_ENTRIES", 1000)
FAZHI_RECORD_SM3 = env_bool(
    "FAZHI_RECORD_SM3", True
)  # record events also carry an SM3 digest (GB/T 32905)
# Beat signs the record's chain head this often (a rewrite after the last checkpoint is the one
# a checkpoint cannot catch); the key is FAZHI_RECORD_SIGNING_KEY (local/production settings).
FAZHI_RECORD_CHECKPOINT_SECONDS = env_int("FAZHI_RECORD_CHECKPOINT_SECONDS", 900)
# Meeting quorum, exclusive share of members present (第三十条 collective decision; local practice).
FAZHI_MEETING_QUORUM = 0.5
# Minimum public comment period in days (《重大行政决策程序暂行条例》第十五条: 一般不少于30日).
FAZHI_CONSULTATION_MIN_DAYS = 30

# --- Security defaults that hold everywhere ---------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # viewflow's frontend reads it for its forms
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# --- Celery ---------------------------------------------------------------------------------
# REDIS_URL selects Redis as broker; without it a filesystem broker under var/ that needs no
# server, so the embedded default runs a real worker and beat with nothing installed.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    _broker_dir = VAR_DIR / "broker"
    # kombu's filesystem transport does not create its folders; web, worker and beat all may
    # be the first to start.
    for _folder in ("queue", "processed"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Broadcasts (a worker ping from /health/) live here too, not in the working directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True  # a task killed mid-run is redelivered; tasks are idempotent
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Reminders (workflows.clocks): beat period of the sweep and of viewflow timers; working days
# before the due date to remind; after how long an unfinished delivery claim is abandoned.
FAZHI_SWEEP_SECONDS = env_int("FAZHI_SWEEP_SECONDS", 60)
FAZHI_REMINDER_WINDOWS = [int(w) for w in env_list("FAZHI_REMINDER_WINDOWS", ["3", "1"])]
FAZHI_REMINDER_CLAIM_TIMEOUT_SECONDS = env_int("FAZHI_REMINDER_CLAIM_TIMEOUT_SECONDS", 600)
# Overdue reminders go to who acts and the head of the responsible unit; after this many
# working days overdue also to the heads of the unit above it (Unit.parent).
FAZHI_ESCALATE_ABOVE_AFTER = env_int("FAZHI_ESCALATE_ABOVE_AFTER", 3)
# The last year whose holiday schedule is taken from the chinesecalendar package (default: every
# year the installed release carries). Lower it to keep a new release's latest year out until
# it has been checked against the State Council's notice (workflows.calendar).
FAZHI_HOLIDAY_PACKAGE_UNTIL = (
    int(env_str("FAZHI_HOLIDAY_PACKAGE_UNTIL")) if env_str("FAZHI_HOLIDAY_PACKAGE_UNTIL") else None
)

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "fazhi@localhost")

# --- Public abuse policy (portal forms and public API alike; workflows.public.ratelimit) ------
# The client's address is the peer address (REMOTE_ADDR) unless the site sits behind this many
# trusted reverse proxies; then the address that many hops from the right of X-Forwarded-For.
# Leave it 0 unless every request passes through those proxies: the header is the client's to
# forge.
FAZHI_TRUSTED_PROXIES = env_int("FAZHI_TRUSTED_PROXIES", 0)
# Rates, "count/period" with period s, m, h or d and an optional multiple ("5/10m").
FAZHI_PUBLIC_RATES = {
    # Comments (form or API) per client address, and per consultation from every address.
    "comment_ip": env_str("FAZHI_COMMENT_RATE_PER_ADDRESS", "5/10m"),
    "comment_key": env_str("FAZHI_COMMENT_RATE_PER_CONSULTATION", "200/h"),
    # Every public page, per address: generous for people, a brake on scrapers.
    "page_ip": env_str("FAZHI_PAGE_RATE_PER_ADDRESS", "300/m"),
}

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "workflows.api.schema.FazhiAutoSchema",
    # Token first: the first class names the WWW-Authenticate challenge, which turns a missing
    # credential into 401 rather than 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "workflows.api.pagination.CursorPage",
    # Bodies are JSON; the upload operations set their own multipart parser. A body of another
    # type is a 415 (a form body's repeated keys were once read as well as its fields).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "workflows.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"public": env_str("FAZHI_API_PUBLIC_RATE", "60/min")},
    # The throttles use workflows.public.ratelimit.client_ip; anything of DRF's that reads
    # the client's address agrees with it.
    "NUM_PROXIES": FAZHI_TRUSTED_PROXIES,
}
# The API's rate limits count in this cache: Redis when there is one, so every web process
# shares the counts; otherwise per process.
CACHES = {
    "default": (
        {
            # Django's Redis cache that answers as an empty cache while Redis is unreachable.
            "BACKEND": "workflows.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "fazhi",
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
SPECTACULAR_SETTINGS = {
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "TITLE": "Fazhi API",
    "DESCRIPTION": "Major administrative decisions and normative documents.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Several models have an "outcome" or a "status" with its own choices: one stable name each
    # (otherwise drf-spectacular names them by hash, e.g. OutcomeB16Enum).
    "ENUM_NAME_OVERRIDES": {
        "DecisionOutcomeEnum": "decisions.models.decision.Outcome",
        "RiskLevelEnum": "decisions.models.assessment.RiskLevel",
        "DimensionRiskLevelEnum": "decisions.api.dimension_risk_levels",
        "DispositionOutcomeEnum": "workflows.consultations.models.Disposition.Outcome",
        "ConsultationStatusEnum": "workflows.consultations.models.Consultation.Status",
        "NormdocStatusEnum": "normdocs.models.Status",
        # Every item of the content-limit checklist (国办发〔2018〕115号) is answered the same way.
        "ContentLimitAnswerEnum": "normdocs.forms.ConcludeReviewForm.CHECK_CHOICES",
        "CleanupItemOutcomeEnum": "normdocs.models.CleanupItem.Outcome",
        "AttachmentKindEnum": "decisions.models.decision.Attachment.Kind",
        "LegalityReviewOutcomeEnum": "decisions.models.review.LegalityReview.Outcome",
        "SessionKindEnum": "decisions.models.meeting.Meeting.Kind",
        "SessionStatusEnum": "decisions.models.session.Session.Status",
        "FilingStatusEnum": "normdocs.models.filing.Filing.Status",
    },
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Development-only accounts ------------------------------------------------------------------
# `manage.py demo` creates one account per role with this password. Production settings set it
# to None, and the command refuses to run there.
FAZHI_DEMO_PASSWORD: str | None = None

ALLOWED_HOSTS: list[str] = env_list("ALLOWED_HOSTS", [])
