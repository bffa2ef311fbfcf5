"""Token parsing tests: these values are malformed on purpose."""
import pytest

from storefront.tokens import parse_github_token


BAD_CHECKSUM = "ghp_zp3hvl4XWAr8OX7pr2VHFp3X8YLIwgUoYLHc"
TRUNCATED = "ghp_zVl9My7bU00UaYtSkaVg"
NPM_BAD = "npm_rT0YWCIYKlKukfMMZbupcfry8WI1FoG2Ix8i"
AWS_DOCS_KEY = "AKIAIOSFODNN7EXAMPLE"
STRIPE_DOCS_KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
SLACK_DOCS_TOKEN = "xoxb-not-a-real-token-this-will-not-work"


@pytest.mark.parametrize("value", [BAD_CHECKSUM, TRUNCATED, NPM_BAD])
def test_rejects_malformed(value):
    with pytest.raises(ValueError):
        parse_github_token(value)
