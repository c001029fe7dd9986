"""Change requests through the pages: the form for each kind, every step posted, and every
refusal answered with the page and its message (C-9, C-17)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from govcloud.audit.models import AuditEvent
from govcloud.inventory import changes
from govcloud.inventory.choices import ChangeKind, ChangeStatus, HostStatus
from govcloud.inventory.ledger import allocated_by_meter
from govcloud.inventory.models import AllocationEntry, ChangeRequest, CloudHost
from govcloud.testing.cast import current_code

TEXTS = {"reason": "业务量增长", "risk_assessment": "在线扩容，影响小",
         "fallback_plan": "回退到原规格"}


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def people(cast, client_for):
    """Signed-in English clients by the cast's names."""

    class People:
        def __getattr__(self, name):
            return english(client_for(getattr(cast, name)))

    return People()


def new_url(cast, kind, host=None, system=None) -> str:
    system = system or (host.system if host else cast.system_a1)
    url = f"/inventory/changes/new/?system={system.pk}&kind={kind}"
    return f"{url}&host={host.pk}" if host else url


def create(client, cast, kind, host=None, action="draft", **values):
    system = host.system if host else cast.system_a1
    data = {"system": system.pk, "kind": kind, "action": action, **TEXTS, **values}
    if host is not None:
        data["host"] = host.pk
    return client.post("/inventory/changes/new/", data)


def step(client, change, name, **data):
    return client.post(f"/inventory/changes/{change.pk}/{name}/", data)


def latest(**lookups) -> ChangeRequest:
    return ChangeRequest.objects.filter(**lookups).order_by("-pk").first()


def draft(cast, kind=ChangeKind.RESIZE, requester=None, host=None, **requested):
    host = host or (cast.host_a1 if kind in changes.HOST_KINDS else None)
    return changes.create_change(actor=requester or cast.purchaser_staff,
                                 system=host.system if host else cast.system_a1, kind=kind,
                                 host=host, requested=requested, **TEXTS)


# --- the whole workflow -----------------------------------------------------------------


def test_a_resize_goes_from_the_form_to_verified_through_the_pages(cast, people):
    staff, admin = people.purchaser_staff, people.purchaser_admin
    operator = people.provider_operator
    before = allocated_by_meter(cast.contract_a)["vcpu"]
    form = staff.get(new_url(cast, "resize", cast.host_a1)).content.decode()
    assert 'name="vcpu" value="4"' in form and 'name="memory_gb" value="8"' in form
    response = create(staff, cast, "resize", cast.host_a1, vcpu=8, memory_gb=16)
    change = latest(kind="resize", reason=TEXTS["reason"])
    assert response.status_code == 302
    assert response["Location"] == f"/inventory/changes/{change.pk}/"
    assert change.status == ChangeStatus.DRAFT and change.requested == {"vcpu": 8,
                                                                        "memory_gb": 16}
    detail = staff.get(response["Location"]).content.decode()
    assert "Submit to the purchaser admin" in detail and "+4" in detail  # planned vCPU

    assert step(staff, change, "submit").status_code == 302
    detail = admin.get(f"/inventory/changes/{change.pk}/").content.decode()
    assert "Approve" in detail and "the purchaser admin&#x27;s decision" in detail
    assert step(admin, change, "decide", decision="approve", **{"decide-note": "同意"}
                ).status_code == 302
    assert "Start the change" in operator.get(f"/inventory/changes/{change.pk}/").content.decode()
    assert step(operator, change, "start").status_code == 302
    assert step(operator, change, "finish", outcome="done", **{"finish-note": "已扩容"}
                ).status_code == 302
    assert step(staff, change, "verify", **{"verify-note": "确认无误"}).status_code == 302

    change.refresh_from_db()
    assert change.status == ChangeStatus.VERIFIED and change.verification_note == "确认无误"
    cast.host_a1.refresh_from_db()
    assert (cast.host_a1.vcpu, cast.host_a1.memory_gb) == (8, 16)
    assert allocated_by_meter(cast.contract_a)["vcpu"] == before + 4
    detail = staff.get(f"/inventory/changes/{change.pk}/").content.decode()
    for text in ("Drafted", "Submitted", "Approved", "Started", "driver: by hand in the cloud",
                 "Done", "Verified", "已扩容", "确认无误", "Applied to the allocation",
                 "Ledger entries of this request"):
        assert text in detail, text
    host_page = staff.get(f"/hosts/{cast.host_a1.pk}/").content.decode()
    assert f'href="/inventory/changes/{change.pk}/"' in host_page
    actions = list(AuditEvent.objects.filter(target_id=str(change.pk)).order_by("pk")
                   .values_list("action", flat=True))
    assert actions == ["change.create", "change.submit", "change.decide", "change.start",
                       "change.finish", "change.verify"]


def test_save_and_submit_sends_the_draft_at_once(cast, people):
    response = create(people.vendor_a, cast, "resize", cast.host_a1, action="submit", vcpu=6,
                      memory_gb=8)
    change = latest(created_by=cast.vendor_a)
    assert response.status_code == 302 and change.status == ChangeStatus.SUBMITTED


def test_a_submission_beyond_the_headroom_keeps_the_draft_and_says_why(cast, people):
    staff = people.purchaser_staff
    response = create(staff, cast, "resize", cast.host_a1, action="submit", vcpu=5000,
                      memory_gb=8)
    change = latest(created_by=cast.purchaser_staff, kind="resize", reason=TEXTS["reason"])
    assert change.status == ChangeStatus.DRAFT
    page = staff.get(response["Location"]).content.decode()
    assert "saved but not submitted" in page and "core asked, only" in page
    assert "beyond the headroom" in page


def test_a_rejection_needs_a_note_and_is_shown(cast, people):
    admin = people.purchaser_admin
    change = ChangeRequest.objects.get(system=cast.system_a1, reason="cast")
    response = step(admin, change, "decide", decision="reject")
    assert response.status_code == 400
    assert "Say why the change is rejected." in response.content.decode()
    assert step(admin, change, "decide", decision="reject", **{"decide-note": "不必要"}
                ).status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeStatus.REJECTED
    assert "不必要" in admin.get(f"/inventory/changes/{change.pk}/").content.decode()


def test_a_failed_change_needs_a_note_and_changes_nothing(cast, people):
    change = draft(cast, vcpu=8, memory_gb=8)
    changes.submit_change(change, actor=cast.purchaser_staff)
    changes.decide_change(change, actor=cast.purchaser_admin, approve=True)
    changes.start_change(change, actor=cast.provider_operator)
    operator = people.provider_operator
    response = step(operator, change, "finish", outcome="failed")
    assert response.status_code == 400 and "Say what went wrong." in response.content.decode()
    assert step(operator, change, "finish", outcome="failed",
                **{"finish-note": "宿主机资源不足"}).status_code == 302
    change.refresh_from_db()
    cast.host_a1.refresh_from_db()
    assert change.status == ChangeStatus.FAILED and cast.host_a1.vcpu == 4


def test_the_requester_withdraws_a_submitted_request(cast, people):
    change = ChangeRequest.objects.get(system=cast.system_a1, reason="cast")
    assert "Withdraw the request" in people.purchaser_staff.get(
        f"/inventory/changes/{change.pk}/").content.decode()
    assert step(people.purchaser_staff, change, "withdraw").status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeStatus.WITHDRAWN


# --- refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "action", "expected"), [
    ("vendor_a", "withdraw", 403),           # sees the system, did not ask
    ("vendor_b", "withdraw", 404),           # does not see the system
    ("provider_operator", "decide", 403),
    ("purchaser_staff", "decide", 403),
    ("purchaser_admin", "start", 403),
    ("provider_manager", "start", 403),
    ("supervisor", "verify", 403),
    ("audit_admin", "submit", 404),
    ("outsider", "decide", 404),
])
def test_a_step_by_the_wrong_person_is_refused(cast, people, name, action, expected):
    change = ChangeRequest.objects.get(system=cast.system_a1, reason="cast")
    response = step(getattr(people, name), change, action, decision="approve")
    assert response.status_code == expected
    change.refresh_from_db()
    assert change.status == ChangeStatus.SUBMITTED


def test_a_step_the_status_does_not_allow_is_a_400_that_names_the_status(cast, people):
    change = draft(cast, vcpu=6, memory_gb=8)
    response = step(people.purchaser_admin, change, "decide", decision="approve")
    assert response.status_code == 400
    assert "the change request is Draft now" in response.content.decode()
    response = step(people.provider_operator, change, "start")
    assert response.status_code == 400 and "Draft now" in response.content.decode()
    response = step(people.purchaser_staff, change, "verify")
    assert response.status_code == 400 and "Draft now" in response.content.decode()


def test_a_step_answers_only_a_post(cast, people):
    change = ChangeRequest.objects.get(system=cast.system_a1, reason="cast")
    assert people.purchaser_admin.get(f"/inventory/changes/{change.pk}/decide/"
                                      ).status_code == 405


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)  # a wrong code would delay the right one
def test_a_restart_is_submitted_only_with_the_right_code(cast, people):
    staff = people.purchaser_staff
    form = staff.get(new_url(cast, "restart", cast.host_a1)).content.decode()
    assert 'name="second_factor"' in form
    create(staff, cast, "restart", cast.host_a1)
    change = latest(kind="restart")
    detail = staff.get(f"/inventory/changes/{change.pk}/").content.decode()
    assert 'name="submit-second_factor"' in detail
    response = step(staff, change, "submit")
    assert response.status_code == 400 and "authenticator app" in response.content.decode()
    response = step(staff, change, "submit", **{"submit-second_factor": "000000"})
    assert response.status_code == 400 and "authenticator app" in response.content.decode()
    change.refresh_from_db()
    assert change.status == ChangeStatus.DRAFT
    response = step(staff, change, "submit",
                    **{"submit-second_factor": current_code(cast.purchaser_staff)})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeStatus.SUBMITTED and change.identity_confirmed_at
    timeline = staff.get(f"/inventory/changes/{change.pk}/").content.decode()
    assert "Identity confirmed with a second factor (C-17)" in timeline


def test_a_requester_without_an_authenticator_is_sent_to_enrol(cast, people):
    TOTPDevice.objects.filter(user=cast.vendor_a).delete()
    vendor = people.vendor_a
    form = vendor.get(new_url(cast, "stop", cast.host_a1)).content.decode()
    assert 'name="second_factor"' not in form and 'href="/account/two-factor/"' in form
    change = draft(cast, ChangeKind.STOP, requester=cast.vendor_a)
    detail = vendor.get(f"/inventory/changes/{change.pk}/").content.decode()
    assert 'href="/account/two-factor/?next=' in detail


# --- the form, kind by kind -------------------------------------------------------------


def test_the_kind_in_the_query_decides_the_fields(cast, people):
    staff = people.purchaser_staff
    new_host = staff.get(new_url(cast, "new_host")).content.decode()
    for name in ("name", "vcpu", "memory_gb", "standard_storage_gb", "performance_storage_gb",
                 "operating_system", "data_center", "services"):
        assert f'name="{name}"' in new_host, name
    storage = staff.get(new_url(cast, "storage", cast.host_a1)).content.decode()
    assert 'name="standard_storage_gb" value="100"' in storage and 'name="vcpu"' not in storage
    services = staff.get(new_url(cast, "services", cast.host_a1)).content.decode()
    assert re.search(r'<input[^>]*value="host_monitoring"[^>]*checked', services)
    assert not re.search(r'<input[^>]*value="host_antivirus"[^>]*checked', services)
    subscription = staff.get(new_url(cast, "subscription")).content.decode()
    assert 'name="subscription_vpn_account" value="0"' in subscription
    assert 'name="subscription_vcpu"' not in subscription
    decommission = staff.get(new_url(cast, "decommission", cast.host_a1)).content.decode()
    assert "releases everything the host is allocated" in decommission
    assert 'name="vcpu"' not in decommission


def test_an_htmx_request_gets_only_the_value_fields(cast, people):
    response = people.purchaser_staff.get(new_url(cast, "storage", cast.host_a1),
                                          headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and 'name="standard_storage_gb"' in html
    assert 'name="kind" value="storage"' in html and 'name="reason"' not in html


def test_a_host_kind_without_a_host_asks_for_one(cast, people):
    html = people.purchaser_staff.get(new_url(cast, "resize")).content.decode()
    assert "Choose the host to change above." in html
    response = create(people.purchaser_staff, cast, "resize", vcpu=8, memory_gb=8)
    assert response.status_code == 400 and "Choose the host to change." in (
        response.content.decode())


def test_without_a_system_the_form_asks_which(cast, people):
    html = people.purchaser_staff.get("/inventory/changes/new/").content.decode()
    assert "Which system?" in html and cast.system_a1.label in html
    assert cast.system_a2.label not in html


def test_a_new_host_is_requested_with_the_services_the_contract_rents(cast, people):
    create(people.purchaser_staff, cast, "new_host", name="a1-app-02", vcpu=2, memory_gb=4,
           standard_storage_gb=50, performance_storage_gb=0, operating_system="统信 UOS",
           data_center="亦庄机房", services=["host_monitoring", "host_antivirus"])
    change = latest(kind="new_host")
    assert change.requested == {
        "name": "a1-app-02", "vcpu": 2, "memory_gb": 4, "standard_storage_gb": 50,
        "performance_storage_gb": 0, "operating_system": "统信 UOS", "data_center": "亦庄机房",
        "services": ["host_antivirus", "host_monitoring"]}
    response = create(people.purchaser_staff, cast, "new_host", name="x", vcpu=2, memory_gb=4,
                      services=["gpu_care"])
    assert response.status_code == 400 and "gpu_care is not one of" in response.content.decode()


def test_a_subscription_change_asks_only_for_the_quantities_that_change(cast, people):
    data = {f"subscription_{meter}": 0 for meter in changes.SYSTEM_METERS}
    data["subscription_vpn_account"] = 5
    create(people.purchaser_staff, cast, "subscription", **data)
    assert latest(kind="subscription").requested == {"subscriptions": {"vpn_account": 5}}
    response = create(people.purchaser_staff, cast, "subscription",
                      **{f"subscription_{meter}": 0 for meter in changes.SYSTEM_METERS})
    assert response.status_code == 400
    assert "Give at least one subscription" in response.content.decode()


@pytest.mark.parametrize(("values", "message"), [
    ({"vcpu": 0, "memory_gb": 8}, "greater than or equal to 1"),
    ({"vcpu": "many", "memory_gb": 8}, "Enter a whole number."),
    ({"vcpu": 4, "memory_gb": 8}, "The requested size is the host&#x27;s size now."),
])
def test_bad_values_are_shown_on_the_form_and_nothing_is_stored(cast, people, values,
                                                                message):
    stored = ChangeRequest.objects.count()
    response = create(people.purchaser_staff, cast, "resize", cast.host_a1, **values)
    assert response.status_code == 400 and message in response.content.decode()
    assert ChangeRequest.objects.count() == stored


def test_the_texts_are_required(cast, people):
    response = people.purchaser_staff.post("/inventory/changes/new/", {
        "system": cast.system_a1.pk, "kind": "stop", "host": cast.host_a1.pk, "reason": "x"})
    assert response.status_code == 400
    assert response.content.decode().count("This field is required.") == 2


def test_only_requesters_open_the_form(cast, people):
    for name in ("purchaser_admin", "provider_operator", "supervisor"):
        response = getattr(people, name).get(new_url(cast, "resize", cast.host_a1))
        assert response.status_code == 302, name
        assert response["Location"] == "/inventory/changes/"
        response = create(getattr(people, name), cast, "resize", cast.host_a1, vcpu=8,
                          memory_gb=8)
        assert response.status_code == 403, name


def test_a_request_for_a_system_or_host_the_requester_does_not_see_is_404(cast, people):
    vendor_b = people.vendor_b
    assert vendor_b.get(new_url(cast, "resize", cast.host_a1)).status_code == 404
    assert create(vendor_b, cast, "resize", cast.host_a1, vcpu=8, memory_gb=8
                  ).status_code == 404
    response = people.purchaser_staff.post("/inventory/changes/new/", {
        "system": cast.system_a1.pk, "kind": "resize", "host": cast.host_a2.pk, "vcpu": 8,
        "memory_gb": 8, **TEXTS})
    assert response.status_code == 404
    assert people.purchaser_staff.get("/inventory/changes/new/?system=x").status_code == 404


def test_the_detail_shows_the_requested_values_against_the_host(cast, people):
    change = draft(cast, ChangeKind.STORAGE, standard_storage_gb=300)
    html = people.provider_manager.get(f"/inventory/changes/{change.pk}/").content.decode()
    values = html[html.index('id="values"'):html.index('id="planned"')]
    assert "Standard storage (GB)" in values and ">100<" in values and ">300<" in values
    planned = html[html.index('id="planned"'):]
    assert "+200" in planned and "fits" in planned
    assert "Submit to the purchaser admin" not in html  # not the manager's request


def test_a_decommission_done_through_the_pages_releases_the_host(cast, people):
    change = draft(cast, ChangeKind.DECOMMISSION)
    changes.submit_change(change, actor=cast.purchaser_staff)
    step(people.purchaser_admin, change, "decide", decision="approve")
    step(people.provider_operator, change, "start")
    step(people.provider_operator, change, "finish", outcome="done")
    cast.host_a1.refresh_from_db()
    assert cast.host_a1.status == HostStatus.DECOMMISSIONED
    assert AllocationEntry.objects.filter(change_request=change, meter="vcpu").get().delta == -4
    host_page = people.purchaser_staff.get(f"/hosts/{cast.host_a1.pk}/").content.decode()
    assert "Decommissioned" in host_page and "kind=resize" not in host_page
    assert not CloudHost.objects.filter(pk=cast.host_a1.pk, status=HostStatus.RUNNING).exists()


def test_a_link_proposes_the_values_and_the_reason_of_a_change(cast, client_for):
    query = {"system": cast.system_a1.pk, "host": cast.host_a1.pk, "kind": "resize",
             "vcpu": "2", "memory_gb": "4", "reason": "用量评估：空闲", "second_factor": "1"}
    page = client_for(cast.vendor_a).get("/inventory/changes/new/", query).content.decode()
    assert 'name="vcpu" value="2"' in page and 'name="memory_gb" value="4"' in page
    assert "用量评估：空闲" in page


def test_a_refused_finish_of_a_resize_asks_for_no_addresses(cast, client_for):
    change = ChangeRequest.objects.create(
        contract=cast.contract_a, system=cast.system_a1, host=cast.host_a1,
        kind=ChangeKind.RESIZE, requested={"vcpu": 8, "memory_gb": 8}, reason="扩容",
        risk_assessment="小", fallback_plan="回退", created_by=cast.vendor_a,
        status=ChangeStatus.IN_PROGRESS)
    operator = client_for(cast.provider_operator)
    assert "finish-ip_addresses" not in operator.get(
        f"/inventory/changes/{change.pk}/").content.decode()
    response = operator.post(f"/inventory/changes/{change.pk}/finish/",
                             {"outcome": "failed", "finish-note": ""})
    assert response.status_code == 400
    assert "finish-ip_addresses" not in response.content.decode()
