"""pytest fixtures shared by every app's tests."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from govcloud.testing.cast import Cast, build_cast


@pytest.fixture
def cast(db) -> Cast:
    """Two contracts and a person for every role (see govcloud/testing/cast.py)."""
    return build_cast()


@pytest.fixture(scope="module")
def shared_cast(django_db_setup, django_db_blocker) -> Cast:
    """One cast for a whole module of tests that change nothing of it (the route walkers).

    Built once inside a transaction that is rolled back after the module; each test runs
    in a savepoint of its own inside it, so what a test writes is still undone. A module
    uses it by overriding ``cast``: ``def cast(shared_cast, db): return shared_cast``.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_cast()
        transaction.set_rollback(True)


@pytest.fixture
def client_for():
    """Return a function that gives a test client signed in as a person, second factor
    passed where the role needs one."""

    def signed_in(user) -> Client:
        client = Client()
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return signed_in


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page; ``page.base_url`` is the live server's address."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    new_page = context.new_page()
    new_page.base_url = live_server.url
    try:
        yield new_page
    finally:
        context.close()
