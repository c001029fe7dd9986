"""Test-wide setup: Django settings come from pyproject.toml; fixtures live in govcloud/testing."""

import os

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# same tests are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["govcloud.testing.fixtures", "govcloud.testing.monitoring"]


def pytest_configure(config):
    """Hash test passwords quickly: the cast signs up a dozen people for every module.

    WhiteNoise finds static files as they are asked for: a test client loads the
    middleware anew, and WhiteNoise listing every static file at that moment cost 20 ms
    a client, a tenth of the suite.
    """
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.WHITENOISE_AUTOREFRESH = True
