import os

from .base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = os.getenv("SECRET_KEY", "f4phrzqa*$d235!x04$bx8w6bxfj_1*sxohx#-8#@613+195sh")
DJANGO_KEY = "1fvh&*l#2$-^%9g+v2r8*ir)ga_ixepcgh_6(f3_sq$pr^a1g="
ALLOWED_HOSTS = ["staging.analytics.example.com"]
# SECRET_KEY = get_random_secret_key()
from django.core.management.utils import get_random_secret_key  # noqa: E402
NEW_KEY_HINT = get_random_secret_key
