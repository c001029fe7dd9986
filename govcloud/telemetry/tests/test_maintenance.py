"""Maintenance windows through the API (C-16): who announces, decides and cancels, the
notice and the order of times, nothing after the start, and other tenants' windows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from govcloud.audit.models import AuditEvent
from govcloud.telemetry.choices import MaintenanceStatus
from govcloud.telemetry.models import MaintenanceWindow
from govcloud.telemetry.testing_maintenance import PLATFORM_TITLE, SYSTEM_TITLE

API = "/api/maintenance-windows/"


@pytest.fixture
def client_for(client_for):
    """Signed-in clients that read English, so that messages can be asserted."""

    def english(person):
        client = client_for(person)
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return english


def body(cast, *, starts_in=timedelta(days=2), hours=2, **extra) -> dict:
    start = timezone.now() + starts_in
    return {"contract": cast.contract_a.pk, "title": "操作系统内核升级",
            "description": "滚动重启", "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=hours)).isoformat(), **extra}


def started_window(cast, status=MaintenanceStatus.PROPOSED) -> MaintenanceWindow:
    now = timezone.now()
    return MaintenanceWindow.objects.create(
        contract=cast.contract_a, title="已开始的维护", starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=1), announced_by=cast.provider_operator,
        announced_at=now - timedelta(days=2), status=status)


def announce(cast, client_for, **extra) -> dict:
    response = client_for(cast.provider_operator).post(API, body(cast, **extra),
                                                       content_type="application/json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_the_provider_announces_and_the_purchaser_admin_approves(cast, client_for):
    created = announce(cast, client_for, system=cast.system_a1.pk)
    assert created["status"] == "proposed" and created["system"] == cast.system_a1.pk
    assert created["announced_by"] == cast.provider_operator.pk
    response = client_for(cast.purchaser_admin).post(
        f"{API}{created['id']}/decide/", {"approve": True, "note": "同意，注意通知用户"},
        content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "approved"
    assert response.json()["decided_by"] == cast.purchaser_admin.pk
    actions = list(AuditEvent.objects.filter(target_id=str(created["id"])).order_by("sequence")
                   .values_list("action", "actor_username"))
    assert actions == [("maintenance.announce", "provider-operator"),
                       ("maintenance.decide", "purchaser-admin")]


def test_the_purchaser_admin_rejects_only_with_a_reason(cast, client_for):
    created = announce(cast, client_for)
    admin = client_for(cast.purchaser_admin)
    url = f"{API}{created['id']}/decide/"
    response = admin.post(url, {"approve": False}, content_type="application/json")
    assert response.status_code == 400 and "note" in response.json()
    response = admin.post(url, {"approve": False, "note": "与重点保障期冲突"},
                          content_type="application/json")
    assert response.json()["status"] == "rejected"
    assert response.json()["decision_note"] == "与重点保障期冲突"


@pytest.mark.parametrize("role", ["purchaser_admin", "purchaser_staff", "vendor_a",
                                  "supervisor"])
def test_only_the_provider_announces(role, cast, client_for):
    response = client_for(getattr(cast, role)).post(API, body(cast),
                                                    content_type="application/json")
    assert response.status_code == 403
    assert not MaintenanceWindow.objects.filter(title="操作系统内核升级").exists()


@pytest.mark.parametrize("role", ["provider_operator", "provider_manager", "supervisor",
                                  "vendor_b"])
def test_only_the_purchaser_admin_decides(role, cast, client_for):
    window = MaintenanceWindow.objects.get(title=PLATFORM_TITLE)
    response = client_for(getattr(cast, role)).post(
        f"{API}{window.pk}/decide/", {"approve": True}, content_type="application/json")
    assert response.status_code == 403
    window.refresh_from_db()
    assert window.status == MaintenanceStatus.PROPOSED


def test_maintenance_is_announced_at_least_the_notice_ahead(cast, client_for, settings):
    settings.GOVCLOUD_MAINTENANCE_NOTICE_HOURS = 24
    response = client_for(cast.provider_operator).post(
        API, body(cast, starts_in=timedelta(hours=23)), content_type="application/json")
    assert response.status_code == 400
    assert "at least 24 hours" in response.json()["starts_at"][0]
    assert not MaintenanceWindow.objects.filter(title="操作系统内核升级").exists()
    announce(cast, client_for, starts_in=timedelta(hours=25))


def test_a_window_ends_after_it_starts(cast, client_for):
    response = client_for(cast.provider_operator).post(
        API, body(cast, hours=-1), content_type="application/json")
    assert response.status_code == 400
    assert "end after it starts" in response.json()["ends_at"][0]


def test_a_window_of_another_contracts_system_is_refused(cast, client_for):
    response = client_for(cast.provider_operator).post(
        API, body(cast, system=cast.system_b1.pk), content_type="application/json")
    assert response.status_code == 400 and "system" in response.json()


def test_nothing_is_decided_after_the_window_has_started(cast, client_for):
    window = started_window(cast)
    response = client_for(cast.purchaser_admin).post(
        f"{API}{window.pk}/decide/", {"approve": True}, content_type="application/json")
    assert response.status_code == 400
    assert "has started" in response.json()["status"][0]
    window.refresh_from_db()
    assert window.status == MaintenanceStatus.PROPOSED
    assert not AuditEvent.objects.filter(action="maintenance.decide").exists()


def test_the_provider_cancels_before_the_start_but_not_after(cast, client_for):
    provider = client_for(cast.provider_manager)
    created = announce(cast, client_for)
    response = provider.post(f"{API}{created['id']}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert AuditEvent.objects.filter(action="maintenance.cancel",
                                     target_id=str(created["id"])).exists()
    response = provider.post(f"{API}{created['id']}/cancel/")
    assert response.status_code == 400 and "Cancelled" in response.json()["status"][0]
    window = started_window(cast, MaintenanceStatus.APPROVED)
    response = provider.post(f"{API}{window.pk}/cancel/")
    assert response.status_code == 400 and "has started" in response.json()["status"][0]


def test_the_purchaser_admin_does_not_cancel(cast, client_for):
    window = MaintenanceWindow.objects.get(title=PLATFORM_TITLE)
    response = client_for(cast.purchaser_admin).post(f"{API}{window.pk}/cancel/")
    assert response.status_code == 403


def test_another_tenants_window_is_not_found(cast, client_for):
    ours = MaintenanceWindow.objects.get(title=PLATFORM_TITLE)
    outsider = client_for(cast.outsider)
    assert outsider.get(f"{API}{ours.pk}/").status_code == 404
    response = outsider.post(f"{API}{ours.pk}/decide/", {"approve": True},
                             content_type="application/json")
    assert response.status_code == 404
    ours.refresh_from_db()
    assert ours.status == MaintenanceStatus.PROPOSED
    titles = [row["title"] for row in outsider.get(API).json()["results"]]
    assert titles == ["乙方网络割接"]


def test_system_users_see_the_platforms_windows_and_their_own_systems(cast, client_for):
    def titles(person) -> set[str]:
        return {row["title"] for row in client_for(person).get(API).json()["results"]}

    assert titles(cast.vendor_a) == {PLATFORM_TITLE}
    assert titles(cast.purchaser_staff) == {PLATFORM_TITLE}
    assert titles(cast.vendor_b) == {PLATFORM_TITLE, SYSTEM_TITLE}
    assert titles(cast.supervisor) == {PLATFORM_TITLE, SYSTEM_TITLE}
    theirs = MaintenanceWindow.objects.get(title=SYSTEM_TITLE)
    assert client_for(cast.vendor_a).get(f"{API}{theirs.pk}/").status_code == 404


def test_the_list_filters_by_status(cast, client_for):
    response = client_for(cast.supervisor).get(API, {"status": "approved"})
    assert [row["title"] for row in response.json()["results"]] == [SYSTEM_TITLE]
    assert client_for(cast.supervisor).get(API, {"status": "nonsense"}).status_code == 400


def test_the_platform_admins_see_no_window(cast, client_for):
    for person in (cast.system_admin, cast.security_admin, cast.audit_admin):
        assert client_for(person).get(API).json()["results"] == []
