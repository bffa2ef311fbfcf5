from .base import *  # noqa: F401,F403

DEBUG = True
SECRET_KEY = "django-insecure--2&f_3z#boprifb%vgbbu9l1m*lz4skq03x0u59dtqs%877qn7"
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
INTERNAL_IPS = ["127.0.0.1"]
