"""The demo on the bundled contract, built once per test module (a build takes seconds)."""

from __future__ import annotations

import pytest
from django.db import transaction

from govcloud.demo.services import build_demo


@pytest.fixture(scope="module")
def bundled_demo(django_db_setup, django_db_blocker):
    """Build the demo once for a module's tests and roll it back after the last one.

    Each test still runs in its own savepoint (``db``), so what one test writes is gone
    before the next.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_demo()
        transaction.set_rollback(True)
