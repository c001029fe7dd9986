"""The demo on the bundled contract, built once for the modules that read it (a build
takes tens of seconds)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from govcloud.demo.services import DemoBuild, build_demo
from govcloud.testing.fixtures import HeldBuild, held_build


@pytest.fixture(scope="package")
def held_demo(django_db_setup, django_db_blocker) -> Iterator[HeldBuild]:
    """Build the demo once for this package's modules that read it, and roll it back
    before the first test that does not (``test_fleet_builds`` builds its own)."""
    with held_build("held_demo", build_demo, django_db_blocker) as held:
        yield held


@pytest.fixture
def bundled_demo(held_demo, db) -> DemoBuild:
    """The demo; each test runs in its own savepoint, so what one test writes is gone
    before the next."""
    if not held_demo.is_open:
        pytest.fail("the demo was rolled back before this test: the modules that read it "
                    "must run before the others of govcloud/demo/tests", pytrace=False)
    return held_demo.built
