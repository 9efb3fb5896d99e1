"""A minimal django-helpdesk site for peakdesk's drive tests: SQLite in WAL
mode, token authentication for the REST API, follow-up webhooks to the URL
in PEAKDESK_HOOK_URL (peakdesk's listener). Local use only."""
import os
from pathlib import Path

from django.db.backends.signals import connection_created

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("PEAKDESK_HELPDESK_DATA", BASE_DIR))

SECRET_KEY = "peakdesk-local-test-site-not-for-production"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "helpdesk",
]
SITE_ID = 1

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "peaksite.urls"
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
            ]
        },
    }
]
WSGI_APPLICATION = "peaksite.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "helpdesk.sqlite3",
        "OPTIONS": {"timeout": 30},
    }
}


def _wal(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        with connection.cursor() as c:
            c.execute("PRAGMA journal_mode=WAL;")
            c.execute("PRAGMA synchronous=NORMAL;")


connection_created.connect(_wal)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
    ],
}

# The server's clock as a deployment in China sets it: scripts/helpdesk.sh
# passes PEAKDESK_HELPDESK_TZ (default UTC) and PEAKDESK_HELPDESK_USE_TZ
# (1: aware times, written with their offset, +08:00 on Asia/Shanghai; 0:
# naive local times, which the target file's time_zone reads).
USE_TZ = os.environ.get("PEAKDESK_HELPDESK_USE_TZ", "1") == "1"
TIME_ZONE = os.environ.get("PEAKDESK_HELPDESK_TZ", "UTC")
STATIC_URL = "/static/"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
LOGIN_URL = "/login/"

HELPDESK_TEAMS_MODE_ENABLED = False
HELPDESK_WEBHOOK_TIMEOUT = 3
_hook = os.environ.get("PEAKDESK_HOOK_URL", "")
HELPDESK_GET_FOLLOWUP_WEBHOOK_URLS = lambda: [_hook] if _hook else []  # noqa: E731
HELPDESK_GET_NEW_TICKET_WEBHOOK_URLS = lambda: []  # noqa: E731

LOGGING = {
    "version": 1,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
