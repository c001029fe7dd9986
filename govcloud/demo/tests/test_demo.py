"""The demo data: deterministic, idempotent, one login per role with the right scope."""

from __future__ import annotations

import pytest

from govcloud.accounts.models import User
from govcloud.contract.models import Contract, Organization
from govcloud.demo.services import DEMO_PASSWORD, build_demo
from govcloud.inventory.models import ApplicationSystem

pytestmark = pytest.mark.django_db


def test_building_the_demo_twice_creates_everything_once():
    build_demo()
    counts = (Contract.objects.count(), ApplicationSystem.objects.count(),
              Organization.objects.count(), User.objects.count())
    build_demo()
    assert counts == (Contract.objects.count(), ApplicationSystem.objects.count(),
                      Organization.objects.count(), User.objects.count()) == (1, 27, 6, 10)


def test_every_demo_login_signs_in_with_the_demo_password(client):
    for login in build_demo():
        response = client.post("/login/", {"username": login.username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, login.username
        client.post("/logout/")


def test_the_demo_vendors_see_only_their_own_systems():
    build_demo()
    vendor_a = User.objects.get(username="vendor-a")
    visible = ApplicationSystem.objects.restrict(vendor_a)
    assert visible.count() == 9
    assert set(visible.values_list("vendor", flat=True)) == {vendor_a.organization_id}


def test_no_demo_login_is_a_superuser_and_platform_admins_hold_no_contract():
    build_demo()
    assert not User.objects.filter(is_superuser=True).exists()
    for username in ("system-admin", "security-admin", "audit-admin"):
        assert not User.objects.get(username=username).contracts.exists()
