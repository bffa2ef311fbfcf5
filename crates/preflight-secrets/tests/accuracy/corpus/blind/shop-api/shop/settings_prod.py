from decouple import config, Csv
import environ

from .settings import *  # noqa

env = environ.Env(DEBUG=(bool, False))

DJANGO_SECRET = config("DJANGO_SECRET", default="pfjoh8g1q51^1i$nga63iza-oh18kr$@nk!@-%!lnzys7ph%28")
SECRET_KEY = DJANGO_SECRET
SIGNING_SALT = env("SIGNING_SALT", default="Oet4ENyfB0eT3PwqBv3ny9m_SInwn3NP")
JWT_SIGNING_KEY = config("JWT_SIGNING_KEY", default="869ff3aa3f6e85a1fbb06d6ef4153b12f9afa267080b2787015d7250ea5f603b")
SOCIAL_AUTH_GITHUB_SECRET = env.str("GITHUB_OAUTH_SECRET", default="cc11d4ab33dd6584cf232d946ede4cbb4755f964")
ALLOWED_HOSTS = config("ALLOWED_HOSTS", cast=Csv(), default="shop.acme-retail.io")
SENTRY_ENVIRONMENT = config("SENTRY_ENVIRONMENT", default="production")
AWS_STORAGE_BUCKET_NAME = "acme-shop-media"
AWS_S3_REGION_NAME = env("AWS_REGION", default="eu-west-1")
DATABASE_PASSWORD = env("DATABASE_PASSWORD", default="changeme")
