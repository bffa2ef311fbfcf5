from .base import *  # noqa: F401,F403

DEBUG = True
SECRET_KEY = "django-insecure-9*2#r!v08y+9@3^lqy81a=3sr0w(m#mj^!9ziql07qy&z7fcbl"
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
INTERNAL_IPS = ["127.0.0.1"]
