"""The demo on the bundled contract, built once for the modules that read it (a build
takes tens of seconds).

The demo's telemetry runs from the term's start to the day it is built, so a build today
is larger than one last month. The tests of this package build and read it on one fixed
day, DEMO_NOW, a few weeks into the transitional service (Art. 11): what they check does not
change with the calendar, and neither does what the build costs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
import time_machine
from django.db import transaction

from govcloud.demo.constants import BEIJING
from govcloud.demo.services import DemoBuild, build_demo
from govcloud.demo.tests.fingerprints import fingerprint
from govcloud.testing.fixtures import HeldBuild, held_build

#: The day the tests of this package build and read the demo: after the bundled
#: contract's term, in its transitional service.
DEMO_NOW = datetime(2026, 2, 10, 9, 30, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def demo_clock() -> Iterator[None]:
    """Every test of this package runs on DEMO_NOW (the clock moves on from there)."""
    with time_machine.travel(DEMO_NOW, tick=True):
        yield

#: The fingerprint of the held demo, taken as it was built in an empty database.
_built_in_an_empty_database: list[tuple[list, ...]] = []


def build_and_fingerprint() -> DemoBuild:
    with time_machine.travel(DEMO_NOW, tick=False):
        demo = build_demo()
    _built_in_an_empty_database[:] = [fingerprint(demo.contract)]
    return demo


@pytest.fixture(scope="package")
def held_demo(django_db_setup, django_db_blocker) -> Iterator[HeldBuild]:
    """Build the demo once for this package's modules that read it, and roll it back
    before the first test that does not (``test_fleet_builds`` builds its own)."""
    with held_build("held_demo", build_and_fingerprint, django_db_blocker) as held:
        yield held


@pytest.fixture
def bundled_demo(held_demo, db) -> DemoBuild:
    """The demo; each test runs in its own savepoint, so what one test writes is gone
    before the next."""
    if not held_demo.is_open:
        pytest.fail("the demo was rolled back before this test: the modules that read it "
                    "must run before the others of govcloud/demo/tests", pytrace=False)
    return held_demo.built


@pytest.fixture
def first_fingerprint(db) -> tuple[list, ...]:
    """What a first build of the demo made in an empty database: the held demo's, if it
    was built in this run, else a build of its own that is rolled back."""
    if _built_in_an_empty_database:
        return _built_in_an_empty_database[0]
    with transaction.atomic(), time_machine.travel(DEMO_NOW, tick=False):
        first = fingerprint(build_demo().contract)
        transaction.set_rollback(True)
    return first
