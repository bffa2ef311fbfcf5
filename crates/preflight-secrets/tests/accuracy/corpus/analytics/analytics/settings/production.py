from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
if SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured("Set a real DJANGO_SECRET_KEY in production")
SECRET_KEY_FALLBACKS = ["jql-j=7&kpfk^sz5jg07$t=28q%930rn#(g#f&=259z0m!x)vt"]
SIGNING_BACKEND = "django.core.signing.TimestampSigner"
SECURE_HSTS_SECONDS = 31536000
SESSION_COOKIE_SECURE = True
