from .base import *  # noqa

import environ

env = environ.Env()

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-v=r!7+pa9!3068b#m%k@fy1gftc7^5x6-#e&k!_bl0#9gpbrh&")
ALLOWED_HOSTS = ["shop.acme.io"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "USER": "shop",
        "PASSWORD": "mr6lEoc!gSO2sVI",
        "HOST": "db2.prod.acme.internal",
    }
}

EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
AWS_STORAGE_BUCKET_NAME = "acme-shop-static"
AWS_S3_CUSTOM_DOMAIN = "d1x2y3z4.cloudfront.net"
SENTRY_DSN = env("SENTRY_DSN", default="")
SIGNING_SALT = "v4^e@jh-26m4r6t)3%dh62a0bf2^jatp4a+8_30v&iu!@)pvvq"
STRIPE_LIVE_PUBLIC_KEY = "pk_live_uo2JscpERWeJ4LMqYa3SjY3AvJToa2IotcJhicooUrioPMp3uy2VjDixS5de9cUhG3dcgS81LGpt5Hyo9OIVMVaxaIxleDXDsDC"
STRIPE_LIVE_SECRET_KEY = "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"
CELERY_BROKER_URL = "redis://:5Wp*w!d!A97XfqE7J@cache1.prod.acme.internal:6379/0"
