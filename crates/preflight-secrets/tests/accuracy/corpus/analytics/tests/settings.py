"""Settings for the test run: fast hashing, in-memory email, a throwaway key."""
from analytics.settings.base import *  # noqa: F401,F403

SECRET_KEY = "django-insecure-test-key-not-for-production"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECRET_KEY_FALLBACKS = []
DJANGO_SECRET_KEY_ENV = "DJANGO_SECRET_KEY"
