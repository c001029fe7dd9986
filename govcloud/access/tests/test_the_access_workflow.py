"""Request → decision → uses → revocation, through the pages and through the API."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from govcloud.access.choices import AccessStatus
from govcloud.access.models import AccessRequest, AccessUse
from govcloud.access.tests.conftest import ask
from govcloud.audit.models import AuditEvent


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_provider_requests_the_admin_approves_the_provider_uses_and_the_admin_revokes(
    cast, client_for
):
    provider = english(client_for(cast.provider_operator))
    admin = english(client_for(cast.purchaser_admin))
    now = timezone.now()
    assert provider.get("/access/new/").status_code == 200
    response = provider.post("/access/new/", {
        "contract": cast.contract_a.pk, "systems": [cast.system_a1.pk],
        "purpose": "排查慢查询", "scope": "订单表慢查询日志",
        "window_start": local(now - timedelta(minutes=10)),
        "window_end": local(now + timedelta(hours=2)),
    })
    access_request = AccessRequest.objects.get(purpose="排查慢查询")
    assert response.status_code == 302 and response["Location"] == f"/access/{access_request.pk}/"
    assert access_request.status == AccessStatus.PENDING
    assert "Approve" not in provider.get(response["Location"]).content.decode()

    detail = admin.get(f"/access/{access_request.pk}/").content.decode()
    assert "Approve" in detail and "排查慢查询" in detail
    admin.post(f"/access/{access_request.pk}/decide/",
               {"decision": "approve", "decide-note": "同意"})
    access_request.refresh_from_db()
    assert access_request.status == AccessStatus.APPROVED
    assert access_request.decided_by == cast.purchaser_admin

    assert "Record a use" in provider.get(f"/access/{access_request.pk}/").content.decode()
    response = provider.post(f"/access/{access_request.pk}/use/", {"use-action": "导出慢查询日志"})
    assert response.status_code == 302
    use = AccessUse.objects.get(request=access_request)
    assert (use.used_by, use.source_address) == (cast.provider_operator, "127.0.0.1")
    assert "导出慢查询日志" in admin.get(f"/access/{access_request.pk}/").content.decode()

    admin.post(f"/access/{access_request.pk}/revoke/", {"revoke-note": "已完成"})
    access_request.refresh_from_db()
    assert access_request.status == AccessStatus.REVOKED
    response = provider.post(f"/access/{access_request.pk}/use/", {"use-action": "再看一次"})
    assert response.status_code == 400
    assert "is Revoked now; this step is not possible" in response.content.decode()
    assert access_request.uses.count() == 1
    actions = list(AuditEvent.objects.values_list("action", "outcome"))
    for expected in [("access.request", "success"), ("access.decide", "success"),
                     ("access.use", "success"), ("access.revoke", "success"),
                     ("access.use", "denied")]:
        assert expected in actions


def test_the_same_workflow_through_the_api(cast, client_for):
    provider = client_for(cast.provider_manager)
    admin = client_for(cast.purchaser_admin)
    now = timezone.now()
    response = provider.post("/api/access-requests/", {
        "contract": cast.contract_a.pk, "systems": [cast.system_a1.pk, cast.system_a2.pk],
        "purpose": "核对备份", "scope": "备份库元数据",
        "window_start": (now - timedelta(minutes=1)).isoformat(),
        "window_end": (now + timedelta(hours=1)).isoformat(),
    }, content_type="application/json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["state"] == "pending"

    response = admin.post(f"/api/access-requests/{pk}/decide/", {"approve": True, "note": "可以"},
                          content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    response = provider.post(f"/api/access-requests/{pk}/uses/", {"action": "读取元数据"},
                             content_type="application/json")
    assert response.status_code == 201 and response.json()["action"] == "读取元数据"
    uses = admin.get(f"/api/access-requests/{pk}/uses/").json()
    assert [use["action"] for use in uses["results"]] == ["读取元数据"]
    response = admin.post(f"/api/access-requests/{pk}/revoke/", {},
                          content_type="application/json")
    assert response.json()["status"] == "revoked"
    response = provider.post(f"/api/access-requests/{pk}/uses/", {"action": "再读"},
                             content_type="application/json")
    assert response.status_code == 400


def test_the_list_filters_by_status_and_shows_an_ended_grant_as_expired(cast, client_for,
                                                                       approved):
    pending = ask(cast)
    AccessRequest.objects.filter(pk=approved.pk).update(
        window_start=timezone.now() - timedelta(days=2),
        window_end=timezone.now() - timedelta(days=1),
    )
    client = english(client_for(cast.supervisor))
    expired = client.get("/access/?status=expired").content.decode()
    assert f'href="/access/{approved.pk}/"' in expired
    assert f'href="/access/{pending.pk}/"' not in expired
    assert "Expired" in expired
    api = client.get("/api/access-requests/?status=pending").json()["results"]
    assert [row["id"] for row in api] == [pending.pk]
    partial = client.get("/access/?status=pending", headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()


def test_a_vendor_and_purchaser_staff_see_no_access_request(cast, client_for, pending):
    for person in (cast.vendor_a, cast.purchaser_staff):
        assert client_for(person).get(f"/access/{pending.pk}/").status_code == 404
        assert client_for(person).get("/api/access-requests/").json()["count"] == 0
