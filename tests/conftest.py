import pytest

from tests.factories import PASSWORD, build_world


@pytest.fixture(autouse=True)
def _thai_and_fast(settings, tmp_path):
    settings.LANGUAGE_CODE = "th"
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads of one test never meet another's
    # Hashing with the production hasher costs ~0.3 s a user; tests make hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests log admins in with force_login, which passes no second factor; the two-factor
    # requirement is tested with it switched back on (tests/accounts/test_security.py, which
    # also walks every route as an unverified admin).
    settings.TWO_FACTOR_REQUIRED_ROLES = []


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def login(client):
    """Log ``user`` into the test client (through the real login form's backend)."""

    def _login(user):
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return _login
