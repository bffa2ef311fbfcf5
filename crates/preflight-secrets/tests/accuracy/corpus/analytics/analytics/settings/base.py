"""Django settings shared by every environment."""
import os
from pathlib import Path

import environ
from decouple import config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env(DEBUG=(bool, False))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "(0%h8#pas2k76i%-t!o$&3&dlsiq5!16n#n^p3l$=zyyho8ci)")
DEBUG = env("DEBUG")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost"])

DATABASES = {"default": env.db("DATABASE_URL", default="sqlite:///db.sqlite3")}

XERO_CLIENT_ID = os.getenv("XERO_CLIENT_ID", "CBC4C6919434115DDB14575B2BAC0E8B")
XERO_CLIENT_SECRET = os.getenv("XERO_CLIENT_SECRET", "q4orZs9J9llVWbGMjSzxfxy6mOh2Z-uAAkIvyXNYy6VZIVR8")
XERO_REDIRECT_URI = os.getenv("XERO_REDIRECT_URI", "https://analytics.example.com/xero/callback")
HUBSPOT_ACCESS_TOKEN = os.environ.get("HUBSPOT_ACCESS_TOKEN", "pat-na1-4091a507-6652-458b-a865-b8609fa8acda")
MAILCHIMP_API_KEY = config("MAILCHIMP_API_KEY", default="8d6a0c127ecd0f80591c229fd825bde9-us14")
SEGMENT_WRITE_KEY = config("SEGMENT_WRITE_KEY", default="")
PLAID_SECRET = env("PLAID_SECRET", default="5effaea34146cedaf76e79ba0b2e75")
PLAID_ENV = env("PLAID_ENV", default="production")
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="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")
ZENDESK_API_TOKEN = os.getenv("ZENDESK_API_TOKEN", "Bt83ou1sIZSQCHem2Wi2uCBM7Vq82dFz7xGnoWEA")
GITHUB_WEBHOOK_SECRET = os.getenv("GITHUB_WEBHOOK_SECRET", "f3e1ae7cbc546dc615e29aafa5d77d9a540c7a9a")
INTERNAL_API_TOKEN = os.environ.get("INTERNAL_API_TOKEN", "M81CduZwGehbaO_WpympKj8ewQAhcUnCFY8cXiQNgLn")
REPORTS_ENCRYPTION_KEY = config("REPORTS_ENCRYPTION_KEY", default="LJkZ/MMBWaMCvMor41wG2nYN/4LLiGcUup3SszRL1zc=")
SLACK_SIGNING_SECRET = os.getenv("SLACK_SIGNING_SECRET", "b2a575b8bbdb6713e1bf4a8a517957d9")
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
