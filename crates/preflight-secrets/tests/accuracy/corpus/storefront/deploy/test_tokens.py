"""Token parsing tests: these values are malformed on purpose."""
import pytest

from storefront.tokens import parse_github_token


BAD_CHECKSUM = "ghp_6AybTju3kgowEQsnwAdpYBuR03cJi1iOwe7f"
TRUNCATED = "ghp_kVEG1gvV5lOlzBVJRDqZ"
NPM_BAD = "npm_sBEYsd1Gth5YjDvs3CLTIb123t0FuG54Bl5U"
AWS_DOCS_KEY = "AKIAIOSFODNN7EXAMPLE"
STRIPE_DOCS_KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
SLACK_DOCS_TOKEN = "xoxb-not-a-real-token-this-will-not-work"


@pytest.mark.parametrize("value", [BAD_CHECKSUM, TRUNCATED, NPM_BAD])
def test_rejects_malformed(value):
    with pytest.raises(ValueError):
        parse_github_token(value)
