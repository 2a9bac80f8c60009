"""Settings for digitsite, read from the environment with safe local defaults.

No environment: SQLite file, local media/ folder, DEBUG on, the bundled model. Production
(DJANGO_DEBUG=false) refuses to start without DJANGO_SECRET_KEY and ALLOWED_HOSTS.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)
_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env("DJANGO_SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else None)
if not SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY: production (DJANGO_DEBUG=false) needs a real secret key.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated host names) when DJANGO_DEBUG=false.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "digitsite.http.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "collector",
    "recognizer",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "digitsite.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "digitsite.urls"
WSGI_APPLICATION = "digitsite.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work during a write and skips an fsync per commit; IMMEDIATE
    # transactions queue writers instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the site's queries are short, and the planner turns JIT on from cost
    # estimates alone (a never-analysed small table is guessed at 100 rows): the model
    # versions page took 190 ms, 185 of them compiling, for 6 ms of work. A DATABASE_URL
    # with its own ?options= keeps those instead.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared cache (Redis) lets every web host agree on rate limits; one process alone can use memory.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://digitsite")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Media: local files by default, any S3-compatible store when a bucket is configured.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            "default_acl": None,  # Objects stay private ...
            "querystring_auth": True,  # ... and are served through presigned URLs.
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=3600),
            "file_overwrite": False,
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default="path"),
            "signature_version": env("AWS_S3_SIGNATURE_VERSION", default="s3v4"),
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def _media_origin() -> str:
    """Where the browser loads stored images from: our own origin, or the S3 endpoint's."""
    if not AWS_STORAGE_BUCKET_NAME:
        return ""
    endpoint = urlsplit(MEDIA_STORAGE["OPTIONS"]["endpoint_url"] or "https://s3.amazonaws.com")
    virtual_hosted = MEDIA_STORAGE["OPTIONS"]["addressing_style"] == "virtual"
    host = f"{AWS_STORAGE_BUCKET_NAME}.{endpoint.netloc}" if virtual_hosted else endpoint.netloc
    # Without an endpoint, AWS answers presigned URLs from regional hosts too.
    return f"{endpoint.scheme}://{host}" + ("" if MEDIA_STORAGE["OPTIONS"]["endpoint_url"] else " https://*.amazonaws.com")


# The Content-Security-Policy's image sources beyond our own origin (digitsite.middleware).
CSP_MEDIA_ORIGIN = env("CSP_MEDIA_ORIGIN", default=_media_origin())

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Background work runs on django-tasks' database backend: any host that reaches the
# database can run `manage.py db_worker`.
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}

DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=8 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# The model bundled with the code, registered as the first version when none exists.
BUNDLED_MODEL_DIR = Path(env("BUNDLED_MODEL_DIR", default=str(BASE_DIR / "recognizer" / "bundled_model")))
# How often each worker asks the database which model version is active.
MODEL_CHECK_SECONDS = env.float("MODEL_CHECK_SECONDS", default=2.0)
MNIST_DIR = env("MNIST_DIR", default=None)
# The collector asks for a prediction at submit time through this callable, so it never
# imports the recognizer: model input (28x28x1, from ml.preprocess) -> SubmittedPrediction | None.
DRAWING_PREDICTOR = "recognizer.predicting.predict_submission"

# Per-client limits "REQUESTS/SECONDS" ("off" disables), counted in the default cache.
# Predict allows 10 a second: the page asks up to every 150 ms while a pen moves (plus one per
# stroke), and one person drawing without a pause must never be refused. 120/60 stopped a
# visitor after 18 s of drawing; a classroom behind one address needs more (set it higher).
RATE_LIMITS = {
    "predict": env("RATE_LIMIT_PREDICT", default="600/60"),
    "submit": env("RATE_LIMIT_SUBMIT", default="60/60"),
    "feedback": env("RATE_LIMIT_FEEDBACK", default="30/60"),
}

# Behind a proxy: only then trust its headers, and only the number of hops configured.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if env.bool("SECURE_PROXY_SSL", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The health probes come from the load balancer over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
