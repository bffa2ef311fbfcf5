"""Production settings for the shop project."""
import os
from pathlib import Path

from .base import *  # noqa

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "@^738*3*pp^(00vnh_y!um-^re9&h0dw29w%vl0ou+k*9ps&hf"
DEBUG = False
ALLOWED_HOSTS = ["shop.acme.io"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "USER": "shop",
        "PASSWORD": os.environ["DB_PASSWORD"],
        "HOST": "db.internal",
    }
}

AWS_ACCESS_KEY_ID = "AKIATNSTPVVH4T4Y6EKA"
AWS_SECRET_ACCESS_KEY = "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"
AWS_STORAGE_BUCKET_NAME = "acme-shop-media"

EMAIL_BACKEND = "anymail.backends.sendgrid.EmailBackend"
ANYMAIL = {"SENDGRID_API_KEY": "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"}
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")

STRIPE_PUBLISHABLE_KEY = "pk_live_51ZEifhicFJDjuYU1G4tRx5MSXJVptPvpch9CL64JYoQIl42SKzkXvHQI5JAQmnI3T2hM36KiCpneQY8x1taCoYQvM5B9Z8JO8q"
STRIPE_SECRET_KEY = "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"
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")

SENTRY_DSN = "https://1ce7717e8daf754701adfa7f66a76ce1@o181940.ingest.sentry.io/2052774"
CELERY_BROKER_URL = "redis://cache.internal:6379/0"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
RELEASE = "e14cefcadf15d62a0ae2fcb6a45973986ccbf94b"
