"""Django settings shared by every environment."""
import os
from pathlib import Path

import environ
from decouple import config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env(DEBUG=(bool, False))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "-opnwy4^hu#@v#hziz-n69sr75d5n98^l-2#myi01%tcdabykr")
DEBUG = env("DEBUG")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost"])

DATABASES = {"default": env.db("DATABASE_URL", default="sqlite:///db.sqlite3")}

XERO_CLIENT_ID = os.getenv("XERO_CLIENT_ID", "703FE3036F28083873B458C9FAD3DB98")
XERO_CLIENT_SECRET = os.getenv("XERO_CLIENT_SECRET", "TuSguWj6-A1VfRyf-z1Hd2OcxbE8Xfz2TNXZ9t7cYDLEts-F")
XERO_REDIRECT_URI = os.getenv("XERO_REDIRECT_URI", "https://analytics.example.com/xero/callback")
HUBSPOT_ACCESS_TOKEN = os.environ.get("HUBSPOT_ACCESS_TOKEN", "pat-na1-cc631ca8-ba1d-4b76-ab4b-742c058d1c79")
MAILCHIMP_API_KEY = config("MAILCHIMP_API_KEY", default="f41205bdf22dffc5546c1c08385d358b-us14")
SEGMENT_WRITE_KEY = config("SEGMENT_WRITE_KEY", default="")
PLAID_SECRET = env("PLAID_SECRET", default="3a558697e9640310edc0cee9fc56f5")
PLAID_ENV = env("PLAID_ENV", default="production")
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="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")
ZENDESK_API_TOKEN = os.getenv("ZENDESK_API_TOKEN", "LOFx8ujn2jECqGU80rYxQSWcIj7LkpQxZkslQxpG")
GITHUB_WEBHOOK_SECRET = os.getenv("GITHUB_WEBHOOK_SECRET", "f39827055d2900a14ac1f361356578f20cab0265")
INTERNAL_API_TOKEN = os.environ.get("INTERNAL_API_TOKEN", "98uWWBm60u8PIrxZB_9g6es6qHzo4HrKqldboMHYe4D")
REPORTS_ENCRYPTION_KEY = config("REPORTS_ENCRYPTION_KEY", default="VT+A2qtCBlu11nn0cZePrapXZLnvino+3idQ2aY6fyk=")
SLACK_SIGNING_SECRET = os.getenv("SLACK_SIGNING_SECRET", "f3d583bc0a24e7ccab3bc482dbb7a0fa")
CACHE_TIMEOUT = int(os.getenv("CACHE_TIMEOUT", "300"))
SESSION_COOKIE_NAME = os.getenv("SESSION_COOKIE_NAME", "analytics_session")
STRIPE_SECRET_KEY = os.getenv("STRIPE_SECRET_KEY", "sk_test_your_key_here")
SENDGRID_API_KEY = os.environ.get("SENDGRID_API_KEY", None)
TWILIO_AUTH_TOKEN = os.getenv("TWILIO_AUTH_TOKEN", "changeme")
REDIS_URL = env("REDIS_URL", default="redis://localhost:6379/0")

PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
PASSWORD_RESET_TIMEOUT = 259200
CSRF_COOKIE_SECURE = True
