import os

from .base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = os.getenv("SECRET_KEY", "lot_v65_n%5ghfar6bu9i#p1g6o_a*4umm%al8wayk@nb+98s4")
DJANGO_KEY = "nezqqj6+!hs9mg9(v*&2v7uqq86$f0u%kp=*1nt#xlif^j_s^3"
ALLOWED_HOSTS = ["staging.analytics.example.com"]
# SECRET_KEY = get_random_secret_key()
from django.core.management.utils import get_random_secret_key  # noqa: E402
NEW_KEY_HINT = get_random_secret_key
if os.getenv("ANALYTICS_LEGACY_SIGNING") == "1":
    SECRET_KEY_FALLBACKS = ["^0q^sx%8ck+g=_gihy9)$sg*p80^ok^nwq$ycx3iww(@z+9k&k"]
