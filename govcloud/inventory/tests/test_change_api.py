"""Change requests, the ledger and the allocation through the REST API."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from govcloud.audit.models import AuditEvent
from govcloud.inventory import changes
from govcloud.inventory.choices import ChangeKind, ChangeStatus
from govcloud.inventory.ledger import allocated_by_meter
from govcloud.inventory.models import AllocationEntry, ChangeRequest
from govcloud.testing.cast import current_code

TEXTS = {"reason": "业务量增长", "risk_assessment": "在线扩容，影响小", "fallback_plan": "回退"}


def api(client_for, user):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def create(client, system, kind, host=None, **requested):
    body = {"system": system.pk, "kind": kind, "requested": requested, **TEXTS}
    if host is not None:
        body["host"] = host.pk
    return client.post("/api/change-requests/", body, content_type="application/json")


def post(client, change_id, step, **body):
    return client.post(f"/api/change-requests/{change_id}/{step}/", body,
                       content_type="application/json")


def test_a_resize_through_the_api_from_draft_to_verified(cast, client_for):
    staff = api(client_for, cast.purchaser_staff)
    admin = api(client_for, cast.purchaser_admin)
    operator = api(client_for, cast.provider_operator)
    before = allocated_by_meter(cast.contract_a)["vcpu"]
    response = create(staff, cast.system_a1, "resize", cast.host_a1, vcpu=8, memory_gb=8)
    assert response.status_code == 201, response.json()
    change = response.json()
    assert change["status"] == "draft" and change["planned_allocation"] == {"vcpu": 4}
    assert change["contract"] == cast.contract_a.pk
    assert post(staff, change["id"], "submit").json()["status"] == "submitted"
    assert post(admin, change["id"], "decide", approve=True, note="同意").json()["status"] == (
        "approved")
    started = post(operator, change["id"], "start").json()
    assert (started["status"], started["driver"]) == ("in_progress", "manual")
    assert allocated_by_meter(cast.contract_a)["vcpu"] == before
    finished = post(operator, change["id"], "finish", succeeded=True, note="完成").json()
    assert finished["status"] == "done" and finished["applied"]["allocation"] == {"vcpu": 4}
    assert finished["planned_allocation"] == {}
    assert allocated_by_meter(cast.contract_a)["vcpu"] == before + 4
    assert post(staff, change["id"], "verify", note="确认").json()["status"] == "verified"

    entries = staff.get("/api/allocation-entries/").json()["results"]
    assert {(entry["meter"], entry["delta"]) for entry in entries
            if entry["change_request"] == change["id"]} == {("vcpu", 4)}


@pytest.mark.parametrize(("who", "step", "body", "code"), [
    ("purchaser_admin", None, None, 403),          # only requesters draft
    ("provider_operator", None, None, 403),
    ("supervisor", None, None, 403),
    ("vendor_b", None, None, 400),                 # system_a1 is not theirs: unknown choice
    ("outsider", None, None, 403),                # a purchaser admin (of contract B)
    ("purchaser_staff", "decide", {"approve": True}, 403),
    ("provider_operator", "decide", {"approve": True}, 403),
    ("purchaser_admin", "start", {}, 403),
    ("provider_manager", "start", {}, 403),
    ("purchaser_admin", "finish", {"succeeded": True}, 403),
    ("vendor_b", "submit", {}, 404),               # another system's request does not exist
    ("outsider", "decide", {"approve": True}, 404),
    ("supervisor", "verify", {}, 403),
])
def test_the_api_refuses_the_wrong_person(cast, client_for, who, step, body, code):
    statuses = dict(ChangeRequest.objects.values_list("pk", "status"))
    if step is None:
        response = create(api(client_for, getattr(cast, who)), cast.system_a1, "resize",
                          cast.host_a1, vcpu=8, memory_gb=8)
    else:
        change = changes.create_change(actor=cast.purchaser_staff, system=cast.system_a1,
                                       kind=ChangeKind.RESIZE, host=cast.host_a1,
                                       requested={"vcpu": 8, "memory_gb": 8}, **TEXTS)
        response = post(api(client_for, getattr(cast, who)), change.pk, step, **body)
    assert response.status_code == code, response.content
    after = dict(ChangeRequest.objects.values_list("pk", "status"))
    assert {pk: after[pk] for pk in statuses} == statuses
    assert all(status == ChangeStatus.DRAFT for pk, status in after.items() if pk not in statuses)


def test_another_tenants_requests_are_not_listed_or_found(cast, client_for):
    change = changes.create_change(actor=cast.purchaser_staff, system=cast.system_a1,
                                   kind=ChangeKind.RESIZE, host=cast.host_a1,
                                   requested={"vcpu": 8, "memory_gb": 8}, **TEXTS)
    def listed(who) -> set[int]:
        answer = api(client_for, getattr(cast, who)).get("/api/change-requests/").json()
        return {row["id"] for row in answer["results"]}

    for who in ("vendor_b", "outsider"):
        assert change.pk not in listed(who)
        client = api(client_for, getattr(cast, who))
        assert client.get(f"/api/change-requests/{change.pk}/").status_code == 404
    in_a1 = set(ChangeRequest.objects.filter(system=cast.system_a1).values_list("pk", flat=True))
    assert listed("vendor_a") == in_a1
    in_a = set(ChangeRequest.objects.filter(contract=cast.contract_a).values_list("pk", flat=True))
    assert listed("supervisor") == in_a


def test_a_host_of_another_tenant_is_an_unknown_choice(cast, client_for):
    response = create(api(client_for, cast.purchaser_staff), cast.system_a1, "resize",
                      cast.host_b1, vcpu=8, memory_gb=8)
    assert response.status_code == 400 and "host" in response.json()


@pytest.mark.parametrize(("kind", "requested", "field"), [
    ("resize", {"vcpu": "eight", "memory_gb": 8}, "vcpu"),
    ("resize", {"vcpu": -1, "memory_gb": 8}, "vcpu"),
    ("storage", {"standard_storage_gb": 1.5}, "standard_storage_gb"),
    ("subscription", {"subscriptions": {"gpu": 1}}, "subscriptions"),
    ("teleport", {}, "kind"),
])
def test_bad_values_are_a_400_naming_the_field(cast, client_for, kind, requested, field):
    host = None if kind == "subscription" else cast.host_a1
    response = create(api(client_for, cast.purchaser_staff), cast.system_a1, kind, host,
                      **requested)
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not ChangeRequest.objects.exclude(reason="cast").exists()


def test_an_invalid_transition_is_a_400_naming_the_status(cast, client_for):
    staff = api(client_for, cast.purchaser_staff)
    change = create(staff, cast.system_a1, "resize", cast.host_a1, vcpu=8, memory_gb=8).json()
    response = post(api(client_for, cast.provider_operator), change["id"], "start")
    assert response.status_code == 400
    assert "Draft now" in response.json()["status"][0]


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_a_restart_through_the_api_needs_the_second_factor(cast, client_for):
    staff = api(client_for, cast.purchaser_staff)
    change = create(staff, cast.system_a1, "restart", cast.host_a1).json()
    refused = post(staff, change["id"], "submit", second_factor="123456")
    assert refused.status_code == 400 and "second_factor" in refused.json()
    assert post(staff, change["id"], "submit").status_code == 400
    accepted = post(staff, change["id"], "submit",
                    second_factor=current_code(cast.purchaser_staff))
    assert accepted.status_code == 200 and accepted.json()["identity_confirmed_at"]


def test_an_over_allocation_is_refused_naming_item_asked_and_headroom(cast, client_for):
    staff = api(client_for, cast.purchaser_staff)
    headroom = 1400 - allocated_by_meter(cast.contract_a)["vcpu"]
    change = create(staff, cast.system_a1, "resize", cast.host_a1, vcpu=4 + headroom + 10,
                    memory_gb=8).json()
    response = post(staff, change["id"], "submit")
    assert response.status_code == 400
    message = " ".join(response.json()["requested"])
    assert "Catalog item 1" in message and f"{headroom + 10} core asked" in message
    assert f"only {headroom} core" in message


def test_the_allocation_endpoint_shows_the_whole_contract_or_ones_own_systems(cast, client_for):
    [whole] = api(client_for, cast.supervisor).get(
        f"/api/allocation/?contract={cast.contract_a.pk}").json()
    assert whole["whole_contract"] is True and len(whole["items"]) == 14
    assert whole["running_hosts"] == 2
    vcpu = whole["items"][0]
    assert (vcpu["contracted"], vcpu["allocated"], vcpu["headroom"]) == (1400, 8, 1392)
    [own] = api(client_for, cast.vendor_a).get(
        f"/api/allocation/?contract={cast.contract_a.pk}").json()
    assert own["whole_contract"] is False and own["items"][0]["allocated"] == 4
    assert own["running_hosts"] == 1
    [past] = api(client_for, cast.supervisor).get(
        f"/api/allocation/?contract={cast.contract_a.pk}&at=2020-01-01T00:00:00%2B08:00").json()
    assert past["items"][0]["allocated"] == 0 and past["running_hosts"] == 0


@pytest.mark.parametrize(("query", "code"), [
    ("contract=abc", 400), ("contract=0", 400), ("at=yesterday", 400), ("", 200),
    ("at=2999-01-01T00:00:00Z", 400), ("at=1999-12-31T00:00:00Z", 400),
])
def test_the_allocation_endpoint_explains_bad_queries(cast, client_for, query, code):
    response = api(client_for, cast.supervisor).get(f"/api/allocation/?{query}")
    assert response.status_code == code and response.json()


def test_without_a_contract_each_contract_one_sees_is_given(cast, client_for):
    cast.supervisor.contracts.add(cast.contract_b)
    answer = api(client_for, cast.supervisor).get("/api/allocation/").json()
    assert [entry["contract"] for entry in answer] == [cast.contract_a.pk, cast.contract_b.pk]
    assert api(client_for, cast.security_admin).get("/api/allocation/").json() == []


def test_another_tenants_allocation_is_a_404(cast, client_for):
    response = api(client_for, cast.outsider).get(
        f"/api/allocation/?contract={cast.contract_a.pk}")
    assert response.status_code == 404


def test_ledger_entries_are_read_only_through_the_api(cast, client_for):
    client = api(client_for, cast.purchaser_admin)
    entry = AllocationEntry.objects.filter(contract=cast.contract_a).first()
    assert client.get(f"/api/allocation-entries/{entry.pk}/").status_code == 200
    assert client.delete(f"/api/allocation-entries/{entry.pk}/").status_code == 405
    assert client.post("/api/allocation-entries/", {}).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_two_operators_finishing_at_once_apply_the_change_once(django_db_setup):
    from govcloud.testing.cast import build_cast

    cast = build_cast()
    change = changes.create_change(actor=cast.purchaser_staff, system=cast.system_a1,
                                   kind=ChangeKind.RESIZE, host=cast.host_a1,
                                   requested={"vcpu": 8, "memory_gb": 8}, **TEXTS)
    changes.submit_change(change, actor=cast.purchaser_staff)
    changes.decide_change(change, actor=cast.purchaser_admin, approve=True)
    changes.start_change(change, actor=cast.provider_operator)
    before = allocated_by_meter(cast.contract_a)["vcpu"]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def finish():
        copy = ChangeRequest.objects.get(pk=change.pk)
        barrier.wait()
        try:
            changes.finish_change(copy, actor=cast.provider_operator, succeeded=True)
            outcomes.append("applied")
        except Exception as error:  # the loser is told why: checked below
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=finish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ValidationError", "applied"], outcomes
    assert allocated_by_meter(cast.contract_a)["vcpu"] == before + 4
    assert AllocationEntry.objects.filter(change_request=change).count() == 1


def test_the_purchaser_edits_a_systems_details_through_the_api(cast, client_for):
    staff = api(client_for, cast.purchaser_staff)
    response = staff.patch(f"/api/systems/{cast.system_a1.pk}/", {
        "primary_data_center": "主中心", "high_availability": True,
        "technical_contact": "赵工", "label": "renamed"}, content_type="application/json")
    assert response.status_code == 200, response.json()
    cast.system_a1.refresh_from_db()
    assert (cast.system_a1.primary_data_center, cast.system_a1.high_availability) == (
        "主中心", True)
    assert cast.system_a1.label != "renamed"  # read only: the contract names it
    assert AuditEvent.objects.filter(action="inventory.system_update",
                                     target_id=str(cast.system_a1.pk)).exists()


@pytest.mark.parametrize(("who", "system", "body", "code"), [
    ("vendor_a", "system_a1", {"technical_contact": "x"}, 403),
    ("provider_operator", "system_a1", {"technical_contact": "x"}, 403),
    ("purchaser_staff", "system_a2", {"technical_contact": "x"}, 404),
    ("outsider", "system_a1", {"technical_contact": "x"}, 404),
    ("purchaser_admin", "system_a1", {"high_availability": "maybe"}, 400),
    ("purchaser_admin", "system_a1", {"business_phone": "1" * 41}, 400),
])
def test_system_details_refuse_the_wrong_person_and_bad_values(cast, client_for, who, system,
                                                               body, code):
    target = getattr(cast, system)
    before = {field: getattr(target, field) for field in body}
    response = api(client_for, getattr(cast, who)).patch(
        f"/api/systems/{target.pk}/", body, content_type="application/json")
    assert response.status_code == code, response.content
    target.refresh_from_db()
    assert {field: getattr(target, field) for field in body} == before


def test_change_requests_and_ledger_entries_filter_in_the_api(cast, client_for):
    client = api(client_for, cast.purchaser_admin)
    submitted = client.get("/api/change-requests/?status=submitted").json()["results"]
    assert submitted and {row["status"] for row in submitted} == {"submitted"}
    entries = client.get(f"/api/allocation-entries/?system={cast.system_a2.pk}").json()
    assert entries["count"] and {row["system"] for row in entries["results"]} == {
        cast.system_a2.pk}
    assert client.get("/api/change-requests/?status=nonsense").status_code == 400


def test_a_decommissioned_host_no_longer_counts_for_its_system(cast, client_for):
    client = api(client_for, cast.purchaser_admin)
    assert client.get(f"/api/systems/{cast.system_a1.pk}/").json()["host_count"] == 1
    change = changes.create_change(actor=cast.purchaser_staff, system=cast.system_a1,
                                   kind=ChangeKind.DECOMMISSION, host=cast.host_a1, **TEXTS)
    changes.submit_change(change, actor=cast.purchaser_staff)
    changes.decide_change(change, actor=cast.purchaser_admin, approve=True)
    changes.start_change(change, actor=cast.provider_operator)
    changes.finish_change(change, actor=cast.provider_operator, succeeded=True)
    assert client.get(f"/api/systems/{cast.system_a1.pk}/").json()["host_count"] == 0


def test_a_draft_is_patched_through_the_api_and_its_page(cast, client_for):
    staff = api(client_for, cast.purchaser_staff)
    change = create(staff, cast.system_a1, "resize", cast.host_a1, vcpu=8, memory_gb=8).json()
    patched = staff.patch(f"/api/change-requests/{change['id']}/",
                          {"requested": {"vcpu": 6, "memory_gb": 8}, "reason": "改小一些"},
                          content_type="application/json")
    assert patched.status_code == 200, patched.json()
    assert patched.json()["requested"] == {"vcpu": 6, "memory_gb": 8}
    assert patched.json()["reason"] == "改小一些"
    page = staff.get(f"/inventory/changes/{change['id']}/edit/")
    assert page.status_code == 200 and 'value="6"' in page.content.decode()
    saved = staff.post(f"/inventory/changes/{change['id']}/edit/", {
        "vcpu": 10, "memory_gb": 8, **TEXTS})
    assert saved.status_code == 302
    assert ChangeRequest.objects.get(pk=change["id"]).requested["vcpu"] == 10
    refused = api(client_for, cast.vendor_a).patch(
        f"/api/change-requests/{change['id']}/", {"reason": "x"},
        content_type="application/json")
    assert refused.status_code == 403
    post(staff, change["id"], "submit")
    late = staff.patch(f"/api/change-requests/{change['id']}/", {"reason": "晚了"},
                       content_type="application/json")
    assert late.status_code == 400 and "Submitted now" in late.json()["status"][0]
