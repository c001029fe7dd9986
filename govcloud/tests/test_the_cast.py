"""The cast is built once per module, yet each test finds it as built: what a test wrote
is rolled back, what it set on the objects in memory is not seen by the next, a test
without the cast finds none, and a test that needs committed data gets a committed one."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from govcloud.accounts.models import User
from govcloud.lib.roles import Role

RENAMED = "renamed-in-memory-and-saved"


def test_one_test_renames_a_host_in_memory_and_in_the_database(cast):
    cast.host_a1.name = RENAMED
    cast.host_a1.save(update_fields=["name"])
    cast.purchaser_admin.role = "nobody"


def test_the_next_test_finds_the_host_and_the_person_as_built(cast):
    assert cast.host_a1.name == "a1-web-01"
    assert type(cast.host_a1).objects.filter(name=RENAMED).count() == 0
    assert cast.purchaser_admin.role == Role.PURCHASER_ADMIN


def test_a_test_without_the_cast_finds_an_empty_database(db):
    """It runs before the module's cast is built, wherever it stands in the module."""
    assert not User.objects.filter(username="purchaser-admin").exists()


def test_a_fresh_cast_is_built_for_its_test_alone(fresh_cast):
    assert User.objects.filter(username="purchaser-admin").count() == 1
    assert fresh_cast.purchaser_admin.username == "purchaser-admin"


@pytest.mark.django_db(transaction=True)
def test_a_test_that_needs_committed_data_gets_a_committed_cast(cast):
    seen: list[bool] = []

    def look():
        seen.append(User.objects.filter(pk=cast.vendor_a.pk).exists())
        connection.close()

    thread = threading.Thread(target=look)
    thread.start()
    thread.join()
    assert seen == [True]
