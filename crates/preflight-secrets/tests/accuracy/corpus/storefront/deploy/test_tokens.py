"""Token parsing tests: these values are malformed on purpose."""
import pytest

from storefront.tokens import parse_github_token


BAD_CHECKSUM = "ghp_DygOkDhir9ZpdMOyUyTnxpWFfZdr8lu9Ky1f"
TRUNCATED = "ghp_kYDwUWJFkS04GOId9dNB"
NPM_BAD = "npm_80Oxgrun1RU3LEK8PZ7bMwPUQGkuCkXM0iCA"
AWS_DOCS_KEY = "AKIAIOSFODNN7EXAMPLE"
STRIPE_DOCS_KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
SLACK_DOCS_TOKEN = "xoxb-not-a-real-token-this-will-not-work"


@pytest.mark.parametrize("value", [BAD_CHECKSUM, TRUNCATED, NPM_BAD])
def test_rejects_malformed(value):
    with pytest.raises(ValueError):
        parse_github_token(value)
