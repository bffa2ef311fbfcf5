from .base import *  # noqa

SECRET_KEY = os.environ.get("PORTAL_SECRET_KEY", "x4vw#(2314x-u4#zs*sqjp(guis%n+qoecy!wn(q3^#7+-+vu-")
DJANGO_KEY = "h#_y%m_-!hh6-wx6xx42ql7+x=*r(dm^yv5=e^43vlt9n@6c$9"
