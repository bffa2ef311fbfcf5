# Copied from a teammate's machine; not loaded in production.
DEBUG = True
SECRET_KEY = 't_chn*pnyqba0mmmvcgu$+!@k317!w+79wy*&)r6d)hxgv%lwh'
SESSION_SECRET = "elqqp5g-=kh3s@#$n@7k8v2-sia1651h-av(_5#*l7*2gr^o=_"
INTERNAL_IPS = ["127.0.0.1"]
