"""pytest fixtures shared by every app's tests.

The cast (``govcloud/testing/cast.py``) takes about 0.6 s to build, so each test module
builds it once: ``module_cast`` builds it inside a transaction that stays open for the
module and is rolled back after it; each test runs in a savepoint of its own inside that
transaction (pytest-django's ``db``), so what a test writes is undone before the next, and
``cast`` hands each test Python objects read anew from the database, so what a test sets on
them in memory is not seen by the next either.

Tests that need committed data (``transaction=True``, ``live_server``, threads that read
the cast through connections of their own) cannot run inside that open transaction: for
them ``cast`` builds a cast of their own, committed, and the database is emptied after the
test as pytest-django does for such tests. ``fresh_cast`` builds one for a test that needs
its own for another reason. A module's tests that do not take its cast run before those
that do, and those that need committed data after them, so that each finds the database
as it expects.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import import_module
from itertools import groupby
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import Model
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import validate_django_db

from govcloud.testing.cast import Cast, build_cast

COMMITTED_DATA_FIXTURES = frozenset({"transactional_db", "live_server",
                                     "django_db_reset_sequences"})


def needs_committed_data(item: pytest.Item) -> bool:
    """Say whether pytest-django runs the test outside a transaction (as it decides)."""
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        transactional, reset_sequences, *_ = validate_django_db(marker)
        if transactional or reset_sequences:
            return True
    return bool(COMMITTED_DATA_FIXTURES & set(getattr(item, "fixturenames", ())))


class HeldBuild:
    """What a build made, inside a transaction left open for the tests that read it.

    The tests run in savepoints inside that transaction; ``close`` rolls it all back. It
    serves the tests whose fixtures include ``fixture``, and is rolled back before the
    first test that does not (see ``pytest_runtest_setup``).
    """

    def __init__(self, fixture: str) -> None:
        self.fixture = fixture
        self.built: Any = None
        self._atomic: transaction.Atomic | None = None

    @property
    def is_open(self) -> bool:
        return self._atomic is not None

    def open(self, build: Callable[[], Any]) -> None:
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        try:
            self.built = build()
            # Fire PostgreSQL's deferred foreign-key checks of the build now, in the outer
            # transaction: else each test's teardown (Django checks constraints there)
            # fires them again inside its savepoint, whose rollback queues them anew.
            connection.check_constraints()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._atomic is not None:
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)
            self._atomic = None


#: The builds held open now, outermost first, and the test being set up.
_held_builds: list[HeldBuild] = []
_current_item: list[pytest.Item] = []


@contextmanager
def held_build(fixture: str, build: Callable[[], Any], django_db_blocker) -> Iterator[HeldBuild]:
    """Hold what ``build`` makes for the tests that ask for ``fixture``, then roll it back.

    For the body of a module- or package-scoped fixture named ``fixture``. Nothing is built
    when the first test to ask needs committed data: it could not run inside the build's
    transaction.
    """
    held = HeldBuild(fixture)
    with django_db_blocker.unblock():
        if not (_current_item and needs_committed_data(_current_item[0])):
            held.open(build)
            _held_builds.append(held)
        try:
            yield held
        finally:
            held.close()
            if held in _held_builds:
                _held_builds.remove(held)


#: The fixtures that hold a build open over several tests: the module's cast, and the
#: bundled demo of govcloud/demo/tests (package-scoped, shared by test_demo and test_fleet).
HELD_FIXTURES = ("module_cast", "held_demo")


def takes(item: pytest.Item, fixture: str) -> bool:
    return fixture in getattr(item, "fixturenames", ())


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before a test that does not read a held build, or needs committed data, roll the
    build back (and any held inside it).

    Within a module such tests run before the ``cast`` tests, unless they need committed
    data (see ``pytest_collection_modifyitems``); those must not find an open transaction.
    """
    _current_item[:] = [item]
    for index, held in enumerate(_held_builds):
        if needs_committed_data(item) or not takes(item, held.fixture):
            for inner in reversed(_held_builds[index:]):
                inner.close()
            break


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run a module's tests that do not take a held build (its cast, the demo) before those
    that do, so that they find the database as they expect it (without the cast, or with a
    ``fresh_cast`` of the same names) and do not roll the build back under the tests after
    them; and those that need committed data last, as pytest-django does."""

    def place(item: pytest.Item) -> int:
        if needs_committed_data(item):
            return 2
        return 1 if any(takes(item, fixture) for fixture in HELD_FIXTURES) else 0

    runs = groupby(items, key=lambda item: id(getattr(item, "module", None)))
    items[:] = [item for _, run in runs for item in sorted(run, key=place)]


@pytest.fixture(scope="module")
def module_cast(django_db_setup, django_db_blocker) -> Iterator[HeldBuild]:
    """The module's cast, built when its first test that asks for ``cast`` starts."""
    with held_build("module_cast", build_cast, django_db_blocker) as held:
        yield held


def reloaded(cast: Cast) -> Cast:
    """Return a copy of the cast whose objects are read anew from the database (one
    query per model), so that no test sees what another set on them in memory."""
    fresh = copy.copy(cast)
    wanted: dict[type[Model], dict[str, object]] = defaultdict(dict)
    for name, value in vars(cast).items():
        if isinstance(value, Model):
            wanted[type(value)][name] = value.pk
    for model, keys in wanted.items():
        rows = model._base_manager.in_bulk(list(keys.values()))
        for name, key in keys.items():
            setattr(fresh, name, rows[key])
    return fresh


def cast_for(item: pytest.Item, module_cast: HeldBuild) -> Cast:
    """Return the module's cast with objects of the test's own, or, for a test that needs
    committed data, a cast of its own."""
    if module_cast.is_open:
        return reloaded(module_cast.built)
    if needs_committed_data(item):
        return build_cast()
    pytest.fail(f"{item.nodeid}: the module's cast was rolled back for a test that needs "
                "committed data; tests that ask for cast must run before such tests",
                pytrace=False)


@pytest.fixture
def cast(request, module_cast, db) -> Cast:
    """Two contracts and a person for every role (see govcloud/testing/cast.py)."""
    return cast_for(request.node, module_cast)


@pytest.fixture
def fresh_cast(db) -> Cast:
    """A cast built for this test alone (in its transaction, or committed if it needs
    committed data). For tests whose changes outlive a savepoint's rollback."""
    return build_cast()


@pytest.fixture
def shared_cast(request, module_cast, db) -> Cast:
    """The older name of ``cast``, kept while tests that ask for it move over."""
    return cast_for(request.node, module_cast)


@pytest.fixture(autouse=True)
def empty_caches() -> Iterator[None]:
    """Each test starts with empty caches: what one test's pages kept (a settled period's
    figures, kpi.presenters.settled_figures_key) is of its own rows, rolled back after it."""
    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture
def client_for():
    """Return a function that gives a test client signed in as a person, second factor
    passed where the role needs one."""

    def signed_in(user) -> Client:
        client = Client()
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        # What django.contrib.auth.login stores, without the sign-in's signals (axes'
        # access log, the audit record, last_login): the sign-in tests go through the
        # sign-in pages; here those cost a third of a page test.
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
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
