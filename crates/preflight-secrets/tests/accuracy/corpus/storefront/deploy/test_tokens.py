"""Token parsing tests: these values are malformed on purpose."""
import pytest

from storefront.tokens import parse_github_token


BAD_CHECKSUM = "ghp_lmcTXPatlxLLXM5iw09a4wJ2Qwu2Gwwq8QDt"
TRUNCATED = "ghp_4PmYqMoS01nK4J9cWuQs"
NPM_BAD = "npm_R2PWaV6HtBRUiEn1cVwvwxQeLuZqm7DKtFHA"
AWS_DOCS_KEY = "AKIAIOSFODNN7EXAMPLE"
STRIPE_DOCS_KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
SLACK_DOCS_TOKEN = "xoxb-not-a-real-token-this-will-not-work"


@pytest.mark.parametrize("value", [BAD_CHECKSUM, TRUNCATED, NPM_BAD])
def test_rejects_malformed(value):
    with pytest.raises(ValueError):
        parse_github_token(value)
