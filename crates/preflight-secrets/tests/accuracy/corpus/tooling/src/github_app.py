"""Authenticates as the GitHub App that syncs CRM issues."""
import time

import jwt

APP_ID = 912345
PRIVATE_KEY = (
    "-----BEGIN PRIVATE KEY-----\n"
    "GEv8bLJqHDqQ+8JD0eD9abmjMjlekGn1UpM6dCZjMb6ZlRkt4M5wL+WaZu1f6qzW\n"
    "FlKL4Y+ft8FjTcYLr/ZWd56V0ksnh4IoGphWyleI0tPSMQ1BGaLrs8glL30fFs3Y\n"
    "VKK/a/9N0Wnri6FnW3MIoHwG7jxzcvhoXPFyF3grJCHVBhwVVuOM8D3SAW37yk/g\n"
    "LJthmo1eflQ2s/QxmQwnU7ufmWgQPOv+\n"
    "-----END PRIVATE KEY-----\n"
)
PLACEHOLDER_KEY = "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----"


def app_jwt() -> str:
    now = int(time.time())
    return jwt.encode({"iat": now, "exp": now + 540, "iss": APP_ID}, PRIVATE_KEY, algorithm="RS256")
