import os
import environ

env = environ.Env()
environ.Env.read_env()

SECRET_KEY = env("SECRET_KEY", default="django-insecure-=fyiog^wvm)jckl1=z0to_0@vl1gp1%(&(n*6iy^(t(r@b$w+8")
DEBUG = env.bool("DEBUG", default=False)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
