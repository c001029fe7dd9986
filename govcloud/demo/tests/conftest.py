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

from govcloud.demo.constants import BEIJING
from govcloud.demo.services import DemoBuild, build_demo
from govcloud.testing.fixtures import HeldBuild, held_build

#: The day the tests of this package build and read the demo: after the bundled
#: contract's term, in its transitional service.
DEMO_NOW = datetime(2026, 2, 10, 9, 30, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def demo_clock() -> Iterator[None]:
    """Every test of this package runs on DEMO_NOW (the clock moves on from there)."""
    with time_machine.travel(DEMO_NOW, tick=True):
        yield


def build_on_demo_now() -> DemoBuild:
    with time_machine.travel(DEMO_NOW, tick=False):
        return build_demo()


@pytest.fixture(scope="package")
def held_demo(django_db_setup, django_db_blocker) -> Iterator[HeldBuild]:
    """Build the demo once for this package's modules that read it, and roll it back
    before the first test that does not (``test_fleet_builds`` builds its own)."""
    with held_build("held_demo", build_on_demo_now, django_db_blocker) as held:
        yield held


@pytest.fixture
def bundled_demo(held_demo, db) -> DemoBuild:
    """The demo; each test runs in its own savepoint, so what one test writes is gone
    before the next."""
    if not held_demo.is_open:
        pytest.fail("the demo was rolled back before this test: the modules that read it "
                    "must run before the others of govcloud/demo/tests", pytrace=False)
    return held_demo.built
