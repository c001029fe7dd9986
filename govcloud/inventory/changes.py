"""Resource change requests (C-9, C-17): the one place their rules live.

draft → submitted (the requester: purchaser staff or the system's app vendor) → approved or
rejected (the purchaser admin) → in progress (a provider operator, through the execution
driver) → done or failed → verified (the requester). A draft, a submitted or an approved
request may be withdrawn by its requester.

Every step checks who acts, moves the status with one conditional UPDATE (so of two people
acting on the same request at once only one moves it; the other is told its status), is
stamped with who and when, and is written to the audit log. The inventory and the
allocation ledger change only when a request is done; a failed request changes nothing.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, QuerySet, When
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govcloud.audit.services import record_event
from govcloud.contract.models import Contract
from govcloud.inventory.choices import (
    APPROVER_ROLES,
    EXECUTOR_ROLES,
    HOST_KINDS,
    OPERATION_KINDS,
    REQUESTER_ROLES,
    ChangeKind,
    ChangeStatus,
    HostStatus,
)
from govcloud.inventory.drivers import DriverError, current_driver
from govcloud.inventory.ledger import (
    HOST_SERVICE_METERS,
    allocated_by_meter,
    allocation_problems,
    host_meters,
    record_allocation,
    register_host,
)
from govcloud.inventory.models import (
    ApplicationSystem,
    ChangeRequest,
    CloudHost,
    HostStatusChange,
)
from govcloud.lib.roles import Actor
from govcloud.lib.second_factor import confirm_second_factor
from govcloud.lib.workflow import Step, Workflow

#: Meters a system subscribes to as a whole (catalog items 5–8, 13, 14).
SYSTEM_METERS = (
    "backup_gb", "load_balancer_ip", "remote_access_account", "vpn_account",
    "database_audit", "data_security_service",
)
#: The largest quantity a request may name: far above any contract, well inside the database.
MAX_QUANTITY = 1_000_000
SIZE_FIELDS = ("vcpu", "memory_gb")
STORAGE_FIELDS = ("standard_storage_gb", "performance_storage_gb")
TEXT_LIMITS = {"name": 100, "operating_system": 100, "data_center": 100}


# --- who may take which step: the one table ---------------------------------------------

_ONLY_REQUESTER = gettext_lazy("Only the person who asked for this change (the purchaser's "
                               "staff or the app vendor of its system) may do this.")
_ONLY_APPROVER = gettext_lazy("Only the purchaser admin of this contract decides changes.")
_ONLY_EXECUTOR = gettext_lazy("Only the provider's operators of this contract carry out "
                              "changes.")
S = ChangeStatus
WORKFLOW = Workflow(ChangeRequest, (
    Step("edit", gettext_lazy("Drafts to edit"),
         frozenset({S.DRAFT}), (S.DRAFT,), REQUESTER_ROLES, _ONLY_REQUESTER, own=True),
    Step("submit", gettext_lazy("Drafts to submit"),
         frozenset({S.DRAFT}), (S.SUBMITTED,), REQUESTER_ROLES, _ONLY_REQUESTER,
         own=True, awaits=gettext_lazy("the requester to submit it")),
    Step("withdraw", gettext_lazy("Requests to withdraw"),
         frozenset({S.DRAFT, S.SUBMITTED, S.APPROVED}), (S.WITHDRAWN,),
         REQUESTER_ROLES, _ONLY_REQUESTER, own=True),
    Step("decide", gettext_lazy("Requests to decide"),
         frozenset({S.SUBMITTED}), (S.APPROVED, S.REJECTED), APPROVER_ROLES,
         _ONLY_APPROVER, awaits=gettext_lazy("the purchaser admin's decision")),
    Step("start", gettext_lazy("Approved requests to start"),
         frozenset({S.APPROVED}), (S.IN_PROGRESS,), EXECUTOR_ROLES, _ONLY_EXECUTOR,
         awaits=gettext_lazy("a provider operator to start it")),
    Step("finish", gettext_lazy("Changes in progress to finish"),
         frozenset({S.IN_PROGRESS}), (S.DONE, S.FAILED), EXECUTOR_ROLES,
         _ONLY_EXECUTOR, awaits=gettext_lazy("the provider to finish it")),
    Step("verify", gettext_lazy("Done changes to verify"),
         frozenset({S.DONE}), (S.VERIFIED,), REQUESTER_ROLES, _ONLY_REQUESTER,
         own=True, awaits=gettext_lazy("the requester to verify it")),
))
#: Statuses in which a request still waits for someone.
OPEN_CHANGE_STATUSES = WORKFLOW.open_statuses()
#: The stamp of the moment a request entered each open status: how long it has waited.
ENTERED_AT = {S.DRAFT: "created_at", S.SUBMITTED: "submitted_at", S.APPROVED: "decided_at",
              S.IN_PROGRESS: "started_at", S.DONE: "finished_at"}


def with_waiting_since(queryset: QuerySet[ChangeRequest]) -> QuerySet[ChangeRequest]:
    """Give each request ``waiting_since``, when it entered its status (open ones)."""
    return queryset.annotate(waiting_since=Case(
        *[When(status=status, then=F(stamp)) for status, stamp in ENTERED_AT.items()],
        default=F("created_at")))

#: The kinds of change that fit a host in each status (a decommissioned host takes none).
KINDS_BY_HOST_STATUS: dict[str, tuple[str, ...]] = {
    HostStatus.PROVISIONING: (ChangeKind.RESIZE, ChangeKind.STORAGE, ChangeKind.SERVICES,
                              ChangeKind.DECOMMISSION),
    HostStatus.RUNNING: (ChangeKind.RESIZE, ChangeKind.STORAGE, ChangeKind.SERVICES,
                         ChangeKind.RESTART, ChangeKind.STOP, ChangeKind.DECOMMISSION),
    HostStatus.STOPPED: (ChangeKind.RESIZE, ChangeKind.STORAGE, ChangeKind.SERVICES,
                         ChangeKind.START, ChangeKind.DECOMMISSION),
    HostStatus.DECOMMISSIONED: (),
}


def kinds_for_host(host: CloudHost) -> tuple[str, ...]:
    """Return the kinds of change that may be asked of ``host`` in its status now."""
    return KINDS_BY_HOST_STATUS[host.status]


# --- what a request asks for ------------------------------------------------------------


def _quantity(errors: dict, data: dict, field: str, *, minimum: int) -> int | None:
    value = data.get(field)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        errors[field] = _("Give a whole number.")
        return None
    if not minimum <= value <= MAX_QUANTITY:
        errors[field] = _("Give a number from %(minimum)s to %(maximum)s.") % {
            "minimum": minimum, "maximum": MAX_QUANTITY}
        return None
    return value


def _text(errors: dict, data: dict, field: str, *, required: bool) -> str:
    value: object = data.get(field, "")
    if not isinstance(value, str):
        errors[field] = _("Give text.")
        return ""
    value = value.strip()
    if required and not value:
        errors[field] = _("This is required.")
    elif len(value) > TEXT_LIMITS[field]:
        errors[field] = _("At most %(limit)s characters.") % {"limit": TEXT_LIMITS[field]}
    return value


def _services(errors: dict, data: dict, rented: set[str]) -> list[str]:
    value = data.get("services", [])
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        errors["services"] = _("Give a list of per-host services.")
        return []
    unknown = sorted(set(value) - (HOST_SERVICE_METERS & rented))
    if unknown:
        errors["services"] = _("Not a per-host service of this contract: %(services)s.") % {
            "services": ", ".join(unknown)}
    return sorted(set(value))


def rented_meters(contract: Contract) -> set[str]:
    version = contract.current_version
    if version is None:  # a stored contract always has one (contract.services)
        return set()
    return set(version.catalogitems.values_list("meter", flat=True))


def clean_requested(kind: str, system: ApplicationSystem, host: CloudHost | None,
                    data: object) -> dict:
    """Return the wanted values of a request of ``kind``, or refuse naming each field."""
    if kind not in ChangeKind.values:
        raise ValidationError({"kind": _("Unknown kind of change: %(kind)s.") % {"kind": kind}})
    if not isinstance(data, dict):
        raise ValidationError({"requested": _("Give the requested values as an object.")})
    errors: dict[str, str] = {}
    _check_target(errors, kind, system, host)
    rented = rented_meters(system.contract)
    cleaned: dict = {}
    if kind == ChangeKind.NEW_HOST:
        cleaned["name"] = _text(errors, data, "name", required=True)
        for field in SIZE_FIELDS:
            cleaned[field] = _quantity(errors, data, field, minimum=1)
        for field in STORAGE_FIELDS:
            cleaned[field] = _quantity(errors, {field: 0, **data}, field, minimum=0)
        cleaned["operating_system"] = _text(errors, data, "operating_system", required=False)
        cleaned["data_center"] = _text(errors, data, "data_center", required=False)
        cleaned["services"] = _services(errors, data, rented)
        if cleaned["name"] and system.hosts.filter(name=cleaned["name"]).exists():
            errors["name"] = _("%(system)s has a host named %(name)s already.") % {
                "system": system, "name": cleaned["name"]}
    elif kind in (ChangeKind.RESIZE, ChangeKind.STORAGE):
        fields = SIZE_FIELDS if kind == ChangeKind.RESIZE else STORAGE_FIELDS
        minimum = 1 if kind == ChangeKind.RESIZE else 0
        current = {field: getattr(host, field) for field in fields} if host else {}
        for field in fields:
            cleaned[field] = _quantity(errors, {**current, **data}, field, minimum=minimum)
        if host and not errors and cleaned == current:
            errors["requested"] = _("The requested size is the host's size now.")
    elif kind == ChangeKind.SERVICES:
        cleaned["services"] = _services(errors, data, rented)
        if host and not errors and cleaned["services"] == sorted(host.services):
            errors["services"] = _("These are the host's services now.")
    elif kind == ChangeKind.SUBSCRIPTION:
        cleaned["subscriptions"] = _subscriptions(errors, data, rented)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _subscriptions(errors: dict, data: dict, rented: set[str]) -> dict[str, int]:
    wanted = data.get("subscriptions")
    if not isinstance(wanted, dict) or not wanted:
        errors["subscriptions"] = _("Give at least one subscription and its new quantity.")
        return {}
    offered = [meter for meter in SYSTEM_METERS if meter in rented]
    cleaned: dict[str, int] = {}
    for meter, quantity in wanted.items():
        if meter not in offered:
            errors["subscriptions"] = _(
                "Not a subscription of this contract: %(meter)s (it offers %(offered)s)."
            ) % {"meter": meter, "offered": ", ".join(offered)}
            continue
        value = _quantity(errors, {meter: quantity}, meter, minimum=0)
        if value is None:  # _quantity named the problem under the meter
            errors["subscriptions"] = f"{meter}: {errors.pop(meter)}"
        else:
            cleaned[meter] = value
    return cleaned


def _check_target(errors: dict, kind: str, system: ApplicationSystem,
                  host: CloudHost | None) -> None:
    if kind not in HOST_KINDS:
        if host is not None:
            errors["host"] = _("This kind of change names no host.")
        return
    if host is None:
        errors["host"] = _("Choose the host to change.")
    elif host.system_id != system.pk:
        errors["host"] = _("The host does not belong to this system.")
    elif kind not in kinds_for_host(host):
        errors["host"] = _("The host is %(status)s: %(kind)s is not possible.") % {
            "status": host.get_status_display(), "kind": ChangeKind(kind).label}


def planned_allocation(change: ChangeRequest) -> dict[str, int]:
    """Return meter -> change of the allocation the request makes if done now."""
    wanted, host = change.requested, change.host
    if change.kind == ChangeKind.NEW_HOST:
        size = {field: wanted[field] for field in (*SIZE_FIELDS, *STORAGE_FIELDS)}
        return host_meters(CloudHost(**size, services=wanted["services"]))
    if change.kind in (ChangeKind.RESIZE, ChangeKind.STORAGE):
        deltas = {field: wanted[field] - getattr(host, field) for field in wanted}
    elif change.kind == ChangeKind.SERVICES:
        before, after = set(_host_of(change).services), set(wanted["services"])
        deltas = {**{meter: 1 for meter in after - before},
                  **{meter: -1 for meter in before - after}}
    elif change.kind == ChangeKind.SUBSCRIPTION:
        current = allocated_by_meter(change.contract, system=change.system)
        deltas = {meter: quantity - current.get(meter, 0)
                  for meter, quantity in wanted["subscriptions"].items()}
    elif change.kind == ChangeKind.DECOMMISSION:
        deltas = {meter: -amount for meter, amount in host_meters(_host_of(change)).items()}
    else:
        deltas = {}
    return {meter: delta for meter, delta in deltas.items() if delta}


def _host_of(change: ChangeRequest) -> CloudHost:
    """The host a change of a host acts on (``clean_requested`` made sure it names one)."""
    if change.host is None:
        raise ValidationError({"host": _("Choose the host to change.")})
    return change.host


def pending_allocation(change: ChangeRequest) -> dict[str, int]:
    """The allocation change still to come: what the request would make if done now, while
    it is open and not yet applied; nothing afterwards."""
    if change.status not in OPEN_CHANGE_STATUSES or change.applied:
        return {}
    return planned_allocation(change)


# --- moving a request -------------------------------------------------------------------


def _event(action: str, change: ChangeRequest, actor: Actor, request: HttpRequest | None,
           **details: Any) -> None:
    record_event(action, actor=actor, request=request, target=change,
                 details={"kind": change.kind, "system": change.system_id,
                          "host": change.host_id, "status": change.status, **details})


def _require_reasons(reason: str, risk_assessment: str, fallback_plan: str) -> dict:
    texts = {"reason": reason, "risk_assessment": risk_assessment,
             "fallback_plan": fallback_plan}
    errors = {field: _("This is required.") for field, text in texts.items()
              if not (text or "").strip()}
    if errors:
        raise ValidationError(errors)
    return {field: text.strip() for field, text in texts.items()}


def create_change(*, actor: Actor, system: ApplicationSystem, kind: str,
                  host: CloudHost | None = None, requested: object = None, reason: str = "",
                  risk_assessment: str = "", fallback_plan: str = "",
                  request: HttpRequest | None = None) -> ChangeRequest:
    """Write a draft of a change of one of the requester's systems."""
    if (actor.role not in REQUESTER_ROLES
            or not ApplicationSystem.objects.restrict(actor).filter(pk=system.pk).exists()):
        raise PermissionDenied(_("Only the purchaser's staff and the app vendor of this system "
                                 "ask for its changes."))
    cleaned = clean_requested(kind, system, host, requested or {})
    texts = _require_reasons(reason, risk_assessment, fallback_plan)
    with transaction.atomic():
        change = ChangeRequest.objects.create(
            contract=system.contract, system=system, host=host, kind=kind, requested=cleaned,
            created_by=actor, **texts)
        _event("change.create", change, actor, request)
    return change


def update_draft(change: ChangeRequest, *, actor: Actor, requested: object, reason: str,
                 risk_assessment: str, fallback_plan: str,
                 request: HttpRequest | None = None) -> ChangeRequest:
    """Change the values and texts of one's own draft; its kind, system and host stay."""
    WORKFLOW.check("edit", actor, change)
    cleaned = clean_requested(change.kind, change.system, change.host, requested or {})
    texts = _require_reasons(reason, risk_assessment, fallback_plan)
    with transaction.atomic():
        WORKFLOW.move(change, "edit", requested=cleaned, **texts)
        _event("change.update", change, actor, request)
    return change


def submit_change(change: ChangeRequest, *, actor: Actor, second_factor: str = "",
                  request: HttpRequest | None = None) -> ChangeRequest:
    """Send a draft to the purchaser admin; an operation needs the requester's second factor.

    The values are checked again against the host and the contract's headroom as they are
    now, so nothing is submitted that could not be done.
    """
    WORKFLOW.check("submit", actor, change)
    clean_requested(change.kind, change.system, change.host, change.requested)
    _refuse_beyond_headroom(change)
    stamps: dict[str, Any] = {"submitted_at": timezone.now()}
    if change.kind in OPERATION_KINDS:
        if not confirm_second_factor(actor, second_factor):
            record_event("change.submit", actor=actor, request=request, target=change,
                         outcome="denied", details={"reason": "second factor"})
            raise ValidationError({"second_factor": _(
                "Confirm your identity with the current code of your authenticator app "
                "(C-17); the code given is not correct or was used already.")})
        stamps["identity_confirmed_at"] = stamps["submitted_at"]
    with transaction.atomic():
        WORKFLOW.move(change, "submit", **stamps)
        _event("change.submit", change, actor, request)
    return change


def _refuse_beyond_headroom(change: ChangeRequest) -> None:
    problems = allocation_problems(change.contract, planned_allocation(change))
    if problems:
        raise ValidationError({"requested": problems})


def withdraw_change(change: ChangeRequest, *, actor: Actor,
                    request: HttpRequest | None = None) -> ChangeRequest:
    """Take back a request nobody has started to carry out."""
    WORKFLOW.check("withdraw", actor, change)
    with transaction.atomic():
        WORKFLOW.move(change, "withdraw", withdrawn_at=timezone.now())
        _event("change.withdraw", change, actor, request)
    return change


def decide_change(change: ChangeRequest, *, actor: Actor, approve: bool, note: str = "",
                  request: HttpRequest | None = None) -> ChangeRequest:
    """Approve or reject a submitted request (the purchaser admin of its contract).

    An approval checks the headroom again: what was free at submission may be taken.
    """
    WORKFLOW.check("decide", actor, change)
    note = (note or "").strip()
    if approve:
        _refuse_beyond_headroom(change)
    elif not note:
        raise ValidationError({"note": _("Say why the change is rejected.")})
    with transaction.atomic():
        WORKFLOW.move(change, "decide", ChangeStatus.APPROVED if approve else
                      ChangeStatus.REJECTED, decided_by=actor, decided_at=timezone.now(),
                      decision_note=note)
        _event("change.decide", change, actor, request)
    return change


def start_change(change: ChangeRequest, *, actor: Actor,
                 request: HttpRequest | None = None) -> ChangeRequest:
    """Begin carrying out an approved request (a provider operator of its contract).

    An operation is started only once the requester's identity was confirmed (C-17).
    """
    WORKFLOW.check("start", actor, change)
    if change.kind in OPERATION_KINDS and change.identity_confirmed_at is None:
        raise ValidationError({"status": _(
            "The requester's identity was not confirmed with a second factor; the operation "
            "cannot be carried out (C-17).")})
    driver = current_driver()
    with transaction.atomic():
        WORKFLOW.move(change, "start", started_by=actor, started_at=timezone.now(),
                      driver=driver.name)
        try:
            reference = driver.start(change)
        except DriverError as error:
            raise ValidationError({"status": _("The cloud refused to start the change: "
                                               "%(error)s") % {"error": error}}) from error
        if reference:
            ChangeRequest.objects.filter(pk=change.pk).update(driver_reference=reference)
            change.driver_reference = reference
        _event("change.start", change, actor, request, driver=driver.name,
               reference=reference)
    return change


def finish_change(change: ChangeRequest, *, actor: Actor, succeeded: bool, note: str = "",
                  ip_addresses: object = (),
                  request: HttpRequest | None = None) -> ChangeRequest:
    """Record that a request in progress was done (and apply it) or failed (the operator).

    For a new host the operator gives the addresses the cloud assigned it.
    """
    WORKFLOW.check("finish", actor, change)
    return _finish(change, actor=actor, succeeded=succeeded, note=note,
                   ip_addresses=ip_addresses, request=request)


def clean_ip_addresses(kind: str, addresses: Any) -> list[str]:
    """Return the addresses as a list of valid IPs, refusing them for other kinds."""
    if isinstance(addresses, str):
        addresses = addresses.replace(",", " ").replace(";", " ").split()
    cleaned = [str(address).strip() for address in addresses or () if str(address).strip()]
    if cleaned and kind != ChangeKind.NEW_HOST:
        raise ValidationError({"ip_addresses": _("Only a new host is given addresses.")})
    for address in cleaned:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise ValidationError({"ip_addresses": _("Not an IP address: %(address)s.")
                                   % {"address": address}}) from None
    return cleaned


def _finish(change: ChangeRequest, *, actor: Actor, succeeded: bool, note: str,
            ip_addresses: object = (), request: HttpRequest | None = None) -> ChangeRequest:
    note = (note or "").strip()
    if not succeeded and not note:
        raise ValidationError({"note": _("Say what went wrong.")})
    addresses = clean_ip_addresses(change.kind, ip_addresses)
    moment = timezone.now()
    with transaction.atomic():
        WORKFLOW.move(change, "finish", ChangeStatus.DONE if succeeded else ChangeStatus.FAILED,
                      finished_by=actor, finished_at=moment, outcome_note=note)
        if succeeded:
            applied = apply_change(change, actor=actor, at=moment, ip_addresses=addresses)
            ChangeRequest.objects.filter(pk=change.pk).update(applied=applied)
            change.applied = applied
        _event("change.finish", change, actor, request, applied=change.applied)
    return change


def collect_outcome(change: ChangeRequest) -> ChangeRequest:
    """Ask the driver how a change in progress ended, and record it if it says."""
    driver = current_driver()
    if change.status != ChangeStatus.IN_PROGRESS or driver.confirmed_by_operator:
        return change
    outcome = driver.outcome(change)
    if outcome is None:
        return change
    note = outcome.note or _("Reported by the %(driver)s driver.") % {"driver": driver.name}
    return _finish(change, actor=None, succeeded=outcome.succeeded, note=note)


def verify_change(change: ChangeRequest, *, actor: Actor, note: str = "",
                  request: HttpRequest | None = None) -> ChangeRequest:
    """Confirm, as the requester, that the change done is what was asked for."""
    WORKFLOW.check("verify", actor, change)
    with transaction.atomic():
        WORKFLOW.move(change, "verify", verified_by=actor, verified_at=timezone.now(),
                      verification_note=(note or "").strip())
        _event("change.verify", change, actor, request)
    return change


# --- applying a done request ------------------------------------------------------------


def apply_change(change: ChangeRequest, *, actor: Actor, at: datetime,
                 ip_addresses: list[str] | tuple[str, ...] = ()) -> dict:
    """Make the inventory and the ledger what a done request asked for; return what changed.

    Runs inside the transaction that marks the request done: a refusal of the ledger (the
    headroom was taken meanwhile) rolls the whole step back.
    """
    wanted, host = change.requested, change.host
    ledger = {"reason": change.reason[:300], "actor": actor, "change_request": change, "at": at}
    if change.kind == ChangeKind.NEW_HOST:
        host = register_host(change.system, status=HostStatus.RUNNING,
                             ip_addresses=ip_addresses, **wanted, **ledger)
        ChangeRequest.objects.filter(pk=change.pk).update(host=host)
        change.host = host
        return {"allocation": host_meters(host), "host": host.pk}
    deltas = planned_allocation(change)
    before = _host_values(host) if host else {}
    if change.kind == ChangeKind.SUBSCRIPTION:
        current = allocated_by_meter(change.contract, system=change.system)
        before = {meter: current.get(meter, 0) for meter in wanted["subscriptions"]}
    if deltas:
        record_allocation(change.contract, change.system, deltas, host=host, **ledger)
    if change.kind in (ChangeKind.RESIZE, ChangeKind.STORAGE, ChangeKind.SERVICES):
        changed = _host_of(change)
        for field, value in wanted.items():
            setattr(changed, field, value)
        changed.save(update_fields=list(wanted))
    statuses: dict[str, str] = {ChangeKind.DECOMMISSION: HostStatus.DECOMMISSIONED,
                                ChangeKind.STOP: HostStatus.STOPPED,
                                ChangeKind.START: HostStatus.RUNNING}
    status = statuses.get(change.kind)
    if status:
        changed = _host_of(change)
        changed.status = status
        changed.save(update_fields=["status"])
        HostStatusChange.objects.create(host=changed, status=status, changed_at=at)
    return {"allocation": deltas, "before": before}


def _host_values(host: CloudHost) -> dict:
    return {"vcpu": host.vcpu, "memory_gb": host.memory_gb,
            "standard_storage_gb": host.standard_storage_gb,
            "performance_storage_gb": host.performance_storage_gb,
            "services": list(host.services), "status": host.status}
