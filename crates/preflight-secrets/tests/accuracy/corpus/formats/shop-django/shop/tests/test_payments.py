import pytest

FAKE_STRIPE_KEY = "sk_test_qJUX32cIT8c0nZuSD6IpX4kw"
EXAMPLE_TOKEN = "xoxb-not-a-real-token-this-will-not-work"


@pytest.fixture
def settings_override(settings):
    settings.STRIPE_LIVE_SECRET_KEY = "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx"
    settings.SECRET_KEY = "test"
    return settings


def test_commit_is_pinned():
    assert len("b83aca0a61c6de047b1f72a5312e4761571dadfd") == 40
