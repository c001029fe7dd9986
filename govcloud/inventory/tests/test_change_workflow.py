"""Change requests through their services: every step, every refusal, the ledger only when done."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import translation

from govcloud.audit.models import AuditEvent
from govcloud.inventory import changes
from govcloud.inventory.choices import ChangeKind, ChangeStatus, HostStatus
from govcloud.inventory.drivers import DriverError, DriverOutcome, ExecutionDriver
from govcloud.inventory.ledger import allocated_by_meter
from govcloud.inventory.models import AllocationEntry, ChangeRequest, HostStatusChange
from govcloud.testing.cast import current_code

TEXTS = {"reason": "业务量增长", "risk_assessment": "在线扩容，影响小",
         "fallback_plan": "回退到原规格"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def draft(cast, kind=ChangeKind.RESIZE, requester=None, **values):
    requester = requester or cast.purchaser_staff
    host = values.pop("host", cast.host_a1 if kind in changes.HOST_KINDS else None)
    return changes.create_change(actor=requester, system=host.system if host else cast.system_a1,
                                 kind=kind, host=host, requested=values, **TEXTS)


def approved(cast, change, **submit):
    changes.submit_change(change, actor=change.created_by, **submit)
    return changes.decide_change(change, actor=cast.purchaser_admin, approve=True)


def done(cast, change, **submit):
    approved(cast, change, **submit)
    changes.start_change(change, actor=cast.provider_operator)
    return changes.finish_change(change, actor=cast.provider_operator, succeeded=True)


def test_a_resize_goes_from_draft_to_verified_and_reaches_the_ledger_only_when_done(cast):
    before = allocated_by_meter(cast.contract_a)
    change = draft(cast, vcpu=8, memory_gb=16)
    assert change.status == ChangeStatus.DRAFT
    approved(cast, change)
    changes.start_change(change, actor=cast.provider_operator)
    assert change.status == ChangeStatus.IN_PROGRESS and change.driver == "manual"
    assert allocated_by_meter(cast.contract_a) == before
    changes.finish_change(change, actor=cast.provider_operator, succeeded=True, note="已扩容")
    after = allocated_by_meter(cast.contract_a)
    assert after["vcpu"] - before["vcpu"] == 4 and after["memory_gb"] - before["memory_gb"] == 8
    cast.host_a1.refresh_from_db()
    assert (cast.host_a1.vcpu, cast.host_a1.memory_gb) == (8, 16)
    assert change.applied["allocation"] == {"vcpu": 4, "memory_gb": 8}
    assert change.applied["before"]["vcpu"] == 4
    assert set(AllocationEntry.objects.filter(change_request=change)
               .values_list("meter", flat=True)) == {"vcpu", "memory_gb"}
    changes.verify_change(change, actor=cast.purchaser_staff, note="确认")
    assert change.status == ChangeStatus.VERIFIED
    assert (change.decided_by, change.started_by, change.finished_by, change.verified_by) == (
        cast.purchaser_admin, cast.provider_operator, cast.provider_operator,
        cast.purchaser_staff)
    actions = list(AuditEvent.objects.filter(target_id=str(change.pk), action__startswith="change.")
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["change.create", "change.submit", "change.decide", "change.start",
                       "change.finish", "change.verify"]


def test_addresses_are_given_only_to_a_new_host(cast):
    change = approved(cast, draft(cast, vcpu=8, memory_gb=8))
    changes.start_change(change, actor=cast.provider_operator)
    with pytest.raises(ValidationError, match="Only a new host"):
        changes.finish_change(change, actor=cast.provider_operator, succeeded=True,
                              ip_addresses=["10.0.0.9"])
    change.refresh_from_db()
    assert change.status == ChangeStatus.IN_PROGRESS


def test_a_failed_change_leaves_the_ledger_and_the_host_untouched(cast):
    before = allocated_by_meter(cast.contract_a)
    change = approved(cast, draft(cast, vcpu=16, memory_gb=32))
    changes.start_change(change, actor=cast.provider_operator)
    with pytest.raises(ValidationError, match="Say what went wrong"):
        changes.finish_change(change, actor=cast.provider_operator, succeeded=False)
    changes.finish_change(change, actor=cast.provider_operator, succeeded=False,
                          note="宿主机资源不足")
    assert change.status == ChangeStatus.FAILED
    assert allocated_by_meter(cast.contract_a) == before
    cast.host_a1.refresh_from_db()
    assert cast.host_a1.vcpu == 4
    with pytest.raises(ValidationError, match="Failed now"):
        changes.verify_change(change, actor=cast.purchaser_staff)


def test_a_new_host_is_registered_when_done_with_the_addresses_the_operator_gives(cast):
    change = approved(cast, draft(cast, ChangeKind.NEW_HOST, name="a1-app-02", vcpu=2,
                                  memory_gb=4, standard_storage_gb=50,
                                  services=["host_monitoring", "host_antivirus"]))
    changes.start_change(change, actor=cast.provider_operator)
    with pytest.raises(ValidationError, match=r"Not an IP address: 10\.0\.0\.300"):
        changes.finish_change(change, actor=cast.provider_operator, succeeded=True,
                              ip_addresses="10.0.8.21, 10.0.0.300")
    changes.finish_change(change, actor=cast.provider_operator, succeeded=True,
                          ip_addresses="10.0.8.21, 10.0.9.21")
    host = change.host
    assert host.name == "a1-app-02" and host.status == HostStatus.RUNNING
    assert host.ip_addresses == ["10.0.8.21", "10.0.9.21"]
    assert change.applied["allocation"]["host_antivirus"] == 1
    assert AllocationEntry.objects.filter(host=host, change_request=change).count() == 5


def test_storage_services_subscriptions_and_decommission_move_the_ledger(cast):
    base = allocated_by_meter(cast.contract_a)
    done(cast, draft(cast, ChangeKind.STORAGE, standard_storage_gb=60,
                     performance_storage_gb=200))
    done(cast, draft(cast, ChangeKind.SERVICES, services=["host_antivirus"]))
    done(cast, draft(cast, ChangeKind.SUBSCRIPTION, subscriptions={"vpn_account": 5,
                                                                   "backup_gb": 500}))
    now = allocated_by_meter(cast.contract_a)
    assert now["standard_storage_gb"] - base["standard_storage_gb"] == -40
    assert now["performance_storage_gb"] - base.get("performance_storage_gb", 0) == 200
    assert now["host_monitoring"] - base["host_monitoring"] == -1
    assert now["host_antivirus"] - base.get("host_antivirus", 0) == 1
    assert allocated_by_meter(cast.contract_a, system=cast.system_a1)["vpn_account"] == 5
    done(cast, draft(cast, ChangeKind.SUBSCRIPTION, subscriptions={"vpn_account": 2}))
    assert allocated_by_meter(cast.contract_a, system=cast.system_a1)["vpn_account"] == 2
    done(cast, draft(cast, ChangeKind.DECOMMISSION))
    system_now = allocated_by_meter(cast.contract_a, system=cast.system_a1)
    assert system_now["vcpu"] == 0 and system_now["host_antivirus"] == 0
    assert system_now["backup_gb"] == 500
    cast.host_a1.refresh_from_db()
    assert cast.host_a1.status == HostStatus.DECOMMISSIONED
    assert HostStatusChange.objects.filter(host=cast.host_a1).last().status == "decommissioned"


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)  # a wrong code would delay the right one
def test_a_restart_needs_the_requesters_second_factor(cast):
    change = draft(cast, ChangeKind.RESTART)
    with pytest.raises(ValidationError, match="authenticator"):
        changes.submit_change(change, actor=cast.purchaser_staff, second_factor="000000")
    change.refresh_from_db()
    assert change.status == ChangeStatus.DRAFT
    assert AuditEvent.objects.filter(action="change.submit", outcome="denied").exists()
    done(cast, change, second_factor=current_code(cast.purchaser_staff))
    assert change.identity_confirmed_at is not None and change.status == ChangeStatus.DONE
    assert change.applied["allocation"] == {}


def test_an_operation_without_a_confirmed_identity_is_not_started(cast):
    change = draft(cast, ChangeKind.STOP)
    ChangeRequest.objects.filter(pk=change.pk).update(status=ChangeStatus.APPROVED)
    change.refresh_from_db()
    with pytest.raises(ValidationError, match="second factor"):
        changes.start_change(change, actor=cast.provider_operator)


@pytest.mark.parametrize("actor", ["purchaser_admin", "provider_operator", "supervisor",
                                   "vendor_b", "outsider", "system_admin"])
def test_only_a_requester_of_the_system_drafts_a_change(cast, actor):
    with pytest.raises(PermissionDenied):
        draft(cast, requester=getattr(cast, actor))


def test_the_app_vendor_of_the_system_may_ask(cast):
    change = draft(cast, requester=cast.vendor_a, vcpu=6, memory_gb=8)
    assert changes.submit_change(change, actor=cast.vendor_a).status == ChangeStatus.SUBMITTED


@pytest.mark.parametrize(("step", "actor"), [
    ("submit", "vendor_a"), ("decide", "purchaser_staff"), ("decide", "outsider"),
    ("decide", "provider_manager"), ("start", "purchaser_admin"), ("start", "provider_manager"),
    ("finish", "purchaser_admin"), ("verify", "vendor_a"), ("verify", "purchaser_admin"),
])
def test_each_step_refuses_the_wrong_person(cast, step, actor):
    change = draft(cast, vcpu=6, memory_gb=8)
    if step in ("decide", "start", "finish", "verify"):
        changes.submit_change(change, actor=cast.purchaser_staff)
    if step in ("start", "finish", "verify"):
        changes.decide_change(change, actor=cast.purchaser_admin, approve=True)
    if step in ("finish", "verify"):
        changes.start_change(change, actor=cast.provider_operator)
    if step == "verify":
        changes.finish_change(change, actor=cast.provider_operator, succeeded=True)
    call = {
        "submit": lambda who: changes.submit_change(change, actor=who),
        "decide": lambda who: changes.decide_change(change, actor=who, approve=True),
        "start": lambda who: changes.start_change(change, actor=who),
        "finish": lambda who: changes.finish_change(change, actor=who, succeeded=True),
        "verify": lambda who: changes.verify_change(change, actor=who),
    }[step]
    status = change.status
    with pytest.raises(PermissionDenied):
        call(getattr(cast, actor))
    change.refresh_from_db()
    assert change.status == status


def test_invalid_transitions_are_refused_naming_the_status(cast):
    change = draft(cast, vcpu=6, memory_gb=8)
    with pytest.raises(ValidationError, match="Draft now"):
        changes.decide_change(change, actor=cast.purchaser_admin, approve=True)
    with pytest.raises(ValidationError, match="Draft now"):
        changes.start_change(change, actor=cast.provider_operator)
    changes.submit_change(change, actor=cast.purchaser_staff)
    with pytest.raises(ValidationError, match="Submitted now"):
        changes.submit_change(change, actor=cast.purchaser_staff)
    with pytest.raises(ValidationError, match="Say why the change is rejected"):
        changes.decide_change(change, actor=cast.purchaser_admin, approve=False)
    changes.decide_change(change, actor=cast.purchaser_admin, approve=False, note="非必要")
    with pytest.raises(ValidationError, match="Rejected now"):
        changes.start_change(change, actor=cast.provider_operator)
    with pytest.raises(ValidationError, match="Rejected now"):
        changes.withdraw_change(change, actor=cast.purchaser_staff)


def test_a_request_can_be_withdrawn_until_it_is_started(cast):
    change = approved(cast, draft(cast, vcpu=6, memory_gb=8))
    changes.withdraw_change(change, actor=cast.purchaser_staff)
    assert change.status == ChangeStatus.WITHDRAWN


def test_a_change_beyond_the_headroom_is_refused_at_submission_and_at_approval(cast):
    headroom = 1400 - allocated_by_meter(cast.contract_a)["vcpu"]
    big = draft(cast, vcpu=4 + headroom + 1, memory_gb=8)
    with pytest.raises(ValidationError) as refused:
        changes.submit_change(big, actor=cast.purchaser_staff)
    assert f"{headroom + 1} core asked, only {headroom} core" in str(refused.value)
    first = draft(cast, vcpu=4 + headroom, memory_gb=8)
    changes.submit_change(first, actor=cast.purchaser_staff)
    second = draft(cast, ChangeKind.NEW_HOST, name="late", vcpu=2, memory_gb=2)
    changes.submit_change(second, actor=cast.purchaser_staff)
    changes.decide_change(first, actor=cast.purchaser_admin, approve=True)
    changes.start_change(first, actor=cast.provider_operator)
    changes.finish_change(first, actor=cast.provider_operator, succeeded=True)
    with pytest.raises(ValidationError, match="only 0 core"):
        changes.decide_change(second, actor=cast.purchaser_admin, approve=True)


@pytest.mark.parametrize(("kind", "values", "field"), [
    (ChangeKind.RESIZE, {"vcpu": "many", "memory_gb": 8}, "vcpu"),
    (ChangeKind.RESIZE, {"vcpu": 0, "memory_gb": 8}, "vcpu"),
    (ChangeKind.RESIZE, {"vcpu": 2.5, "memory_gb": 8}, "vcpu"),
    (ChangeKind.RESIZE, {"vcpu": True, "memory_gb": 8}, "vcpu"),
    (ChangeKind.RESIZE, {"vcpu": 4, "memory_gb": 8}, "requested"),
    (ChangeKind.STORAGE, {"standard_storage_gb": -10}, "standard_storage_gb"),
    (ChangeKind.STORAGE, {"standard_storage_gb": 10**9}, "standard_storage_gb"),
    (ChangeKind.SERVICES, {"services": ["gpu_care"]}, "services"),
    (ChangeKind.SERVICES, {"services": "host_antivirus"}, "services"),
    (ChangeKind.SUBSCRIPTION, {"subscriptions": {"vcpu": 3}}, "subscriptions"),
    (ChangeKind.SUBSCRIPTION, {"subscriptions": {}}, "subscriptions"),
    (ChangeKind.SUBSCRIPTION, {"subscriptions": {"vpn_account": -1}}, "subscriptions"),
    (ChangeKind.NEW_HOST, {"vcpu": 2, "memory_gb": 4}, "name"),
    (ChangeKind.NEW_HOST, {"name": "a1-web-01", "vcpu": 2, "memory_gb": 4}, "name"),
    (ChangeKind.START, {}, "host"),
])
def test_bad_values_are_refused_naming_the_field_and_nothing_is_stored(cast, kind, values, field):
    stored = ChangeRequest.objects.count()
    with pytest.raises(ValidationError) as refused:
        draft(cast, kind, **values)
    assert field in refused.value.message_dict
    assert ChangeRequest.objects.count() == stored


def test_a_host_of_another_system_or_a_missing_reason_is_refused(cast):
    with pytest.raises(ValidationError, match="does not belong"):
        changes.create_change(actor=cast.purchaser_staff, system=cast.system_a1,
                              kind=ChangeKind.RESIZE, host=cast.host_a2,
                              requested={"vcpu": 8}, **TEXTS)
    with pytest.raises(ValidationError) as refused:
        changes.create_change(actor=cast.purchaser_staff, system=cast.system_a1,
                              kind=ChangeKind.RESIZE, host=cast.host_a1,
                              requested={"vcpu": 8}, reason="x", risk_assessment=" ",
                              fallback_plan="")
    assert set(refused.value.message_dict) == {"risk_assessment", "fallback_plan"}


class AutomaticDriver(ExecutionDriver):
    """A driver that reports its outcome itself, as an OpenStack driver would."""

    name = "test-cloud"
    confirmed_by_operator = False
    started: list = []

    def start(self, change) -> str:
        if change.requested.get("vcpu") == 64:
            raise DriverError("flavor c64 does not exist")
        self.started.append(change.pk)
        return f"job-{change.pk}"

    def outcome(self, change):
        return DriverOutcome(succeeded=True, note="server ACTIVE")


@override_settings(GOVCLOUD_EXECUTION_DRIVER=f"{__name__}.AutomaticDriver")
def test_another_driver_fits_the_same_workflow(cast):
    change = approved(cast, draft(cast, vcpu=8, memory_gb=8))
    changes.start_change(change, actor=cast.provider_operator)
    assert change.driver == "test-cloud" and change.driver_reference == f"job-{change.pk}"
    changes.collect_outcome(change)
    assert change.status == ChangeStatus.DONE and change.outcome_note == "server ACTIVE"
    cast.host_a1.refresh_from_db()
    assert cast.host_a1.vcpu == 8


@override_settings(GOVCLOUD_EXECUTION_DRIVER=f"{__name__}.AutomaticDriver")
def test_a_driver_refusal_leaves_the_request_approved(cast):
    change = approved(cast, draft(cast, vcpu=64, memory_gb=8))
    with pytest.raises(ValidationError, match="flavor c64 does not exist"):
        changes.start_change(change, actor=cast.provider_operator)
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED and change.started_by is None


def test_a_draft_is_edited_by_its_requester_only_while_it_is_a_draft(cast):
    change = draft(cast, vcpu=6, memory_gb=8)
    changes.update_draft(change, actor=cast.purchaser_staff,
                         requested={"vcpu": 8, "memory_gb": 12}, **TEXTS)
    assert change.requested == {"vcpu": 8, "memory_gb": 12}
    with pytest.raises(PermissionDenied):
        changes.update_draft(change, actor=cast.vendor_a, requested={"vcpu": 2}, **TEXTS)
    with pytest.raises(ValidationError) as refused:
        changes.update_draft(change, actor=cast.purchaser_staff, requested={"vcpu": 0},
                             **TEXTS)
    assert "vcpu" in refused.value.message_dict
    changes.submit_change(change, actor=cast.purchaser_staff)
    with pytest.raises(ValidationError, match="Submitted now"):
        changes.update_draft(change, actor=cast.purchaser_staff,
                             requested={"vcpu": 16, "memory_gb": 16}, **TEXTS)
    change.refresh_from_db()
    assert change.requested == {"vcpu": 8, "memory_gb": 12}
