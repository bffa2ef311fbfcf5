"""Authenticates as the GitHub App that syncs CRM issues."""
import time

import jwt

APP_ID = 912345
PRIVATE_KEY = (
    "-----BEGIN PRIVATE KEY-----\n"
    "3aIY0R9Uvi4LR7doKHBlvX9027o+qSiD7jvGC2Qm4I6shuYWQGM8XXs/pCJvQHe9\n"
    "bEZKo8iq2pbFFHoz6q9BKsXCKBaC595rsoeLDAt2KT8djf7HGkgU0OFvYbGmZW9k\n"
    "bTTqxF+bXNWKjhh1YSj0mLFs+5Z9PsVCEIHMUIvdxVRvrutknmKpxfW7jUUY1uRq\n"
    "6WSHABuBXbQQ8yuxuJd+Vsd6LBnptm1Z\n"
    "-----END PRIVATE KEY-----\n"
)
PLACEHOLDER_KEY = "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----"


def app_jwt() -> str:
    now = int(time.time())
    return jwt.encode({"iat": now, "exp": now + 540, "iss": APP_ID}, PRIVATE_KEY, algorithm="RS256")
