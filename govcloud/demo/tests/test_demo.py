"""The demo logins: one per role with the right scope, created once."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from govcloud.accounts.models import User
from govcloud.contract.models import Contract, Organization
from govcloud.demo.constants import BEIJING
from govcloud.demo.services import DEMO_PASSWORD, build_demo
from govcloud.demo.telemetry import telemetry_window
from govcloud.inventory.choices import REQUESTER_ROLES
from govcloud.inventory.models import ApplicationSystem
from govcloud.kpi.engine import Status, scorecard
from govcloud.kpi.periods import latest_month_with_data, month_of, parse_period
from govcloud.kpi.usage import evaluate_usage
from govcloud.lib.roles import SECOND_FACTOR_ROLES
from govcloud.telemetry.choices import MaintenanceStatus
from govcloud.telemetry.figures import last_day_with_data
from govcloud.telemetry.models import MaintenanceWindow, ServiceEndpoint

pytestmark = pytest.mark.django_db


def counts():
    return (Contract.objects.count(), ApplicationSystem.objects.count(),
            Organization.objects.count(), User.objects.count())


def test_building_the_demo_twice_creates_everything_once(bundled_demo):
    assert counts() == (1, 27, 6, 10)
    build_demo()
    assert counts() == (1, 27, 6, 10)


def test_every_demo_login_signs_in_with_the_demo_password(bundled_demo, client):
    for login in bundled_demo.logins:
        response = client.post("/login/", {"username": login.username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, login.username
        client.post("/logout/")


def test_the_demo_vendors_see_only_their_own_systems(bundled_demo):
    vendor_a = User.objects.get(username="vendor-a")
    visible = ApplicationSystem.objects.restrict(vendor_a)
    assert visible.count() == 9
    assert set(visible.values_list("vendor", flat=True)) == {vendor_a.organization_id}


def test_no_demo_login_is_a_superuser_and_platform_admins_hold_no_contract(bundled_demo):
    assert not User.objects.filter(is_superuser=True).exists()
    for username in ("system-admin", "security-admin", "audit-admin"):
        assert not User.objects.get(username=username).contracts.exists()


def test_requesters_get_a_totp_key_for_operations_but_sign_in_without_one(bundled_demo):
    for login in bundled_demo.logins:
        has_device = TOTPDevice.objects.filter(user__username=login.username,
                                               confirmed=True).exists()
        assert has_device == bool(login.totp_secret), login.username
        assert has_device == (login.role in SECOND_FACTOR_ROLES | REQUESTER_ROLES)
    assert not REQUESTER_ROLES & SECOND_FACTOR_ROLES  # so sign-in does not ask for it


def test_the_command_prints_the_logins_the_requesters_keys_and_the_fleet(bundled_demo,
                                                                         capsys):
    with translation.override("en"):
        call_command("demo")
    out = capsys.readouterr().out
    assert "vendor-a" in out and "TOTP key to confirm restarts and stops" in out
    fleet = bundled_demo.fleet
    assert (f"Demo fleet: {fleet.running_hosts} cloud hosts running in 27 of 27 systems; "
            f"{fleet.requests} change requests, {fleet.open_requests} of them open.") in out


def test_the_demo_scorecard_shows_computed_values(bundled_demo):
    """The demo's telemetry covers the term: the telemetry KPIs have values, the others
    say no data yet; the maintenance was announced and decided through the workflow."""
    contract = Contract.objects.get()
    card = scorecard(contract, parse_period("term", contract))
    rows = {row.number: row for row in card.rows}
    for number in ("2", "5", "6", "7", "availability"):
        assert rows[number].value is not None and rows[number].status != Status.NO_DATA
    assert rows["3"].status == Status.NO_DATA and rows["3"].value is None
    windows = MaintenanceWindow.objects.filter(contract=contract)
    assert windows.filter(status=MaintenanceStatus.APPROVED).count() == 3
    assert windows.filter(status=MaintenanceStatus.REJECTED).count() == 1
    assert ServiceEndpoint.objects.filter(system__contract=contract).exists()
    evaluation = evaluate_usage(contract, parse_period("2025-10"))
    # No host is idle: that needs low network traffic too, which govcloud does not measure.
    assert {item.finding for item in evaluation.findings} == {"low", "overloaded"}
    assert all(item.suggested_vcpu > 0 for item in evaluation.findings)


def test_the_demo_telemetry_runs_on_through_the_transitional_service(bundled_demo):
    """Art. 11: the provider keeps operating after the term; the demo's telemetry goes on to
    the day it is built, and the pages open on the latest month with data."""
    contract = Contract.objects.get()
    version = contract.current_version
    today = timezone.localdate()
    latest = last_day_with_data(contract)
    assert today > version.term_end + timedelta(days=1)  # DEMO_NOW
    assert latest == today - timedelta(days=1)
    assert latest_month_with_data(contract) == month_of(latest)


def test_the_demo_telemetry_window_is_fixed_per_day():
    class Version:
        term_end = date(2025, 12, 31)
        transition_start = date(2026, 1, 1)

    term = (datetime(2025, 7, 29, 9, tzinfo=BEIJING), datetime(2025, 12, 31, 18, tzinfo=BEIJING))
    morning = datetime(2026, 12, 3, 8, 5, tzinfo=BEIJING)
    for now in (morning, morning + timedelta(hours=15)):
        assert telemetry_window(Version, term, now) == (
            term[0], datetime(2026, 12, 3, tzinfo=BEIJING))
    Version.transition_start = None
    assert telemetry_window(Version, term, morning) == term
