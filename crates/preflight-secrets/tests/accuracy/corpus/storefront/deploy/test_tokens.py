"""Token parsing tests: these values are malformed on purpose."""
import pytest

from storefront.tokens import parse_github_token


BAD_CHECKSUM = "ghp_AtLbjO7KmV5uFb4I0xN3kik8a10dbPrZLBE0"
TRUNCATED = "ghp_vnBWtXQ83C9eVzIC7fs6"
NPM_BAD = "npm_GQwlzWw3mODU3z5rKeYWxzNBDcbalIPcoB3L"
AWS_DOCS_KEY = "AKIAIOSFODNN7EXAMPLE"
STRIPE_DOCS_KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
SLACK_DOCS_TOKEN = "xoxb-not-a-real-token-this-will-not-work"


@pytest.mark.parametrize("value", [BAD_CHECKSUM, TRUNCATED, NPM_BAD])
def test_rejects_malformed(value):
    with pytest.raises(ValueError):
        parse_github_token(value)
