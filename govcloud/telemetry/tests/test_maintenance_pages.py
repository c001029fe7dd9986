"""Maintenance windows through the pages (C-16): announced in Beijing time, decided with a
note, cancelled by the provider, refused after the start, hidden from other tenants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from govcloud.audit.models import AuditEvent
from govcloud.telemetry.choices import MaintenanceStatus
from govcloud.telemetry.models import MaintenanceWindow
from govcloud.telemetry.testing_maintenance import PLATFORM_TITLE, SYSTEM_TITLE


@pytest.fixture
def client_for(client_for):
    """Signed-in clients that read English, so that messages can be asserted."""

    def english(person):
        client = client_for(person)
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return english


def local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def form(cast, start: datetime, end: datetime, **extra) -> dict:
    return {"contract": cast.contract_a.pk, "system": "", "title": "核心交换机固件升级",
            "description": "分批切换", "starts_at": local(start), "ends_at": local(end),
            **extra}


def test_the_provider_announces_in_beijing_time(cast, client_for):
    provider = client_for(cast.provider_operator)
    assert provider.get("/maintenance/new/").status_code == 200
    response = provider.post("/maintenance/new/", {
        "contract": cast.contract_a.pk, "system": cast.system_a1.pk,
        "title": "核心交换机固件升级", "description": "", "starts_at": "2099-03-01T22:00",
        "ends_at": "2099-03-02T02:00"})
    window = MaintenanceWindow.objects.get(title="核心交换机固件升级")
    assert response.status_code == 302
    assert response["Location"] == f"/maintenance/{window.pk}/"
    assert window.starts_at == datetime(2099, 3, 1, 14, 0, tzinfo=UTC)
    assert window.ends_at == datetime(2099, 3, 1, 18, 0, tzinfo=UTC)
    assert (window.system, window.status) == (cast.system_a1, MaintenanceStatus.PROPOSED)
    page = provider.get(response["Location"]).content.decode()
    assert "2099-03-01 22:00 – 2099-03-02 02:00" in page
    assert "Cancel the maintenance" in page and 'value="approve"' not in page
    assert AuditEvent.objects.filter(action="maintenance.announce",
                                     target_id=str(window.pk)).exists()


def test_too_short_a_notice_is_refused_on_the_form(cast, client_for, settings):
    settings.GOVCLOUD_MAINTENANCE_NOTICE_HOURS = 48
    start = timezone.now() + timedelta(hours=30)
    response = client_for(cast.provider_manager).post(
        "/maintenance/new/", form(cast, start, start + timedelta(hours=1)))
    assert response.status_code == 400
    assert "at least 48 hours before it starts" in response.content.decode()
    assert not MaintenanceWindow.objects.filter(title="核心交换机固件升级").exists()


def test_an_end_before_the_start_is_refused_on_the_form(cast, client_for):
    start = timezone.now() + timedelta(days=3)
    response = client_for(cast.provider_operator).post(
        "/maintenance/new/", form(cast, start, start - timedelta(hours=1)))
    assert response.status_code == 400
    assert "The window must end after it starts." in response.content.decode()


@pytest.mark.parametrize("role", ["purchaser_admin", "vendor_a", "supervisor"])
def test_only_the_provider_gets_the_announcement_form(role, cast, client_for):
    client = client_for(getattr(cast, role))
    response = client.get("/maintenance/new/", follow=True)
    assert response.redirect_chain[-1][0] == "/maintenance/"
    assert "Only the provider" in response.content.decode()
    start = timezone.now() + timedelta(days=3)
    response = client.post("/maintenance/new/", form(cast, start, start + timedelta(hours=1)))
    assert response.status_code in (302, 403)
    assert not MaintenanceWindow.objects.filter(title="核心交换机固件升级").exists()


def test_the_purchaser_admin_approves_with_a_note(cast, client_for):
    window = MaintenanceWindow.objects.get(title=PLATFORM_TITLE)
    admin = client_for(cast.purchaser_admin)
    page = admin.get(f"/maintenance/{window.pk}/").content.decode()
    assert "Approve" in page and "Reject" in page
    response = admin.post(f"/maintenance/{window.pk}/decide/",
                          {"decision": "approve", "decide-note": "请提前通知各应用开发商"})
    assert response.status_code == 302
    window.refresh_from_db()
    assert (window.status, window.decided_by) == (MaintenanceStatus.APPROVED,
                                                 cast.purchaser_admin)
    assert window.decision_note == "请提前通知各应用开发商"
    page = admin.get(f"/maintenance/{window.pk}/").content.decode()
    assert "Left out of availability" in page and 'value="approve"' not in page
    assert AuditEvent.objects.filter(action="maintenance.decide",
                                     actor_username="purchaser-admin").exists()


def test_a_rejection_without_a_note_is_shown_again(cast, client_for):
    window = MaintenanceWindow.objects.get(title=PLATFORM_TITLE)
    response = client_for(cast.purchaser_admin).post(f"/maintenance/{window.pk}/decide/",
                                                     {"decision": "reject", "decide-note": ""})
    assert response.status_code == 400
    assert "Say why the maintenance is rejected." in response.content.decode()
    window.refresh_from_db()
    assert window.status == MaintenanceStatus.PROPOSED


def test_a_started_window_is_no_longer_decided(cast, client_for):
    now = timezone.now()
    window = MaintenanceWindow.objects.create(
        contract=cast.contract_a, title="已开始的维护", starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(hours=1), announced_by=cast.provider_operator)
    admin = client_for(cast.purchaser_admin)
    page = admin.get(f"/maintenance/{window.pk}/").content.decode()
    assert "The window has started" in page and 'value="approve"' not in page
    response = admin.post(f"/maintenance/{window.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 400
    assert "it can no longer be changed" in response.content.decode()
    window.refresh_from_db()
    assert window.status == MaintenanceStatus.PROPOSED


def test_the_provider_cancels_a_window(cast, client_for):
    window = MaintenanceWindow.objects.get(title=SYSTEM_TITLE)
    provider = client_for(cast.provider_operator)
    response = provider.post(f"/maintenance/{window.pk}/cancel/")
    assert response.status_code == 302
    window.refresh_from_db()
    assert window.status == MaintenanceStatus.CANCELLED
    assert "Cancel the maintenance" not in provider.get(f"/maintenance/{window.pk}/")\
        .content.decode()
    assert AuditEvent.objects.filter(action="maintenance.cancel").count() == 1


def test_the_purchaser_admin_may_not_cancel(cast, client_for):
    window = MaintenanceWindow.objects.get(title=SYSTEM_TITLE)
    assert client_for(cast.purchaser_admin).post(
        f"/maintenance/{window.pk}/cancel/").status_code == 403


def test_the_list_filters_by_status(cast, client_for):
    supervisor = client_for(cast.supervisor)
    page = supervisor.get("/maintenance/").content.decode()
    assert PLATFORM_TITLE in page and SYSTEM_TITLE in page
    page = supervisor.get("/maintenance/", {"status": "approved"}).content.decode()
    assert SYSTEM_TITLE in page and PLATFORM_TITLE not in page
    partial = supervisor.get("/maintenance/", {"status": "proposed"}, HTTP_HX_REQUEST="true")
    assert "<h1>" not in partial.content.decode() and PLATFORM_TITLE in partial.content.decode()


def test_a_vendor_sees_the_platforms_windows_and_not_another_system(cast, client_for):
    vendor = client_for(cast.vendor_a)
    page = vendor.get("/maintenance/").content.decode()
    assert PLATFORM_TITLE in page and SYSTEM_TITLE not in page
    theirs = MaintenanceWindow.objects.get(title=SYSTEM_TITLE)
    assert vendor.get(f"/maintenance/{theirs.pk}/").status_code == 404
    assert client_for(cast.vendor_b).get(f"/maintenance/{theirs.pk}/").status_code == 200


def test_another_tenants_window_is_not_found(cast, client_for):
    ours = MaintenanceWindow.objects.get(title=PLATFORM_TITLE)
    outsider = client_for(cast.outsider)
    assert outsider.get(f"/maintenance/{ours.pk}/").status_code == 404
    assert outsider.post(f"/maintenance/{ours.pk}/decide/",
                         {"decision": "approve"}).status_code == 404
    assert PLATFORM_TITLE not in outsider.get("/maintenance/").content.decode()


def test_a_window_that_is_over_says_so(cast, client_for):
    now = timezone.now()
    window = MaintenanceWindow.objects.create(
        contract=cast.contract_a, title="已结束的维护", starts_at=now - timedelta(hours=3),
        ends_at=now - timedelta(hours=1), announced_by=cast.provider_operator)
    page = client_for(cast.purchaser_admin).get(f"/maintenance/{window.pk}/").content.decode()
    assert "The window is over" in page and "The window has started" not in page
