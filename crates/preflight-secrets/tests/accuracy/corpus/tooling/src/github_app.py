"""Authenticates as the GitHub App that syncs CRM issues."""
import time

import jwt

APP_ID = 912345
PRIVATE_KEY = (
    "-----BEGIN PRIVATE KEY-----\n"
    "JWw2Ki+BZVTgCXpGgMdY8tBoKL7O/GEg8TXhMt9/SrCe89nzONceW0LUgm576HER\n"
    "GIxCpSTJ4Rks2ePJyRB/7UMGvm1MbMqNgnmY1b/9MSJe9UEWcnGzb2bqrgkh7fdT\n"
    "pMaXnV4d5vL1yFdTo5RL6WGpLRh1HaHNnuVSEMtLyWhl/JuTeycqJDmtvl0LJSSb\n"
    "pcwIl03yjGPrHxXtq3EVcEw8PQ/OZy0m\n"
    "-----END PRIVATE KEY-----\n"
)
PLACEHOLDER_KEY = "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----"


def app_jwt() -> str:
    now = int(time.time())
    return jwt.encode({"iat": now, "exp": now + 540, "iss": APP_ID}, PRIVATE_KEY, algorithm="RS256")
