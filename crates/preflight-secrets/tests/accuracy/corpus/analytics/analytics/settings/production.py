from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
if SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured("Set a real DJANGO_SECRET_KEY in production")
SECRET_KEY_FALLBACKS = ["*7!on*f@q7@yy(5o6v8phk--*$v9e@l1#4*o99&oom=kdsvec7"]
SIGNING_BACKEND = "django.core.signing.TimestampSigner"
SECURE_HSTS_SECONDS = 31536000
SESSION_COOKIE_SECURE = True
