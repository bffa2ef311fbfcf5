"""Authenticates as the GitHub App that syncs CRM issues."""
import time

import jwt

APP_ID = 912345
PRIVATE_KEY = (
    "-----BEGIN PRIVATE KEY-----\n"
    "8iq2pbFFHoz6q9BKsXCKBaC595rsoeLDAt2KT8djf7HGkgU0OFvYbGmZW9kbTTqx\n"
    "F+bXNWKjhh1YSj0mLFs+5Z9PsVCEIHMUIvdxVRvrutknmKpxfW7jUUY1uRq6WSHA\n"
    "BuBXbQQ8yuxuJd+Vsd6LBnptm1ZHkRGL0aJhqCK0eSM3s1csHcb1FVauoPp4w52Q\n"
    "qr74+8CadvAw7bctBIA1Z97uI67RrpBU\n"
    "-----END PRIVATE KEY-----\n"
)
PLACEHOLDER_KEY = "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----"


def app_jwt() -> str:
    now = int(time.time())
    return jwt.encode({"iat": now, "exp": now + 540, "iss": APP_ID}, PRIVATE_KEY, algorithm="RS256")
