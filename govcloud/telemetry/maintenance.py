"""Planned maintenance (C-16): announced by the provider, approved by the purchaser, both
before it starts; only such windows are left out of availability.

A window cannot be changed once it has started: the rollups of its hours were computed with
it, so moving it afterwards would silently rewrite the past.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govcloud.audit.services import record_event
from govcloud.lib.workflow import Step, Workflow
from govcloud.telemetry.choices import (
    MAINTENANCE_APPROVER_ROLES,
    MAINTENANCE_PROPOSER_ROLES,
    MaintenanceStatus,
)
from govcloud.telemetry.models import MaintenanceWindow

#: The longest window one announcement may cover.
MAX_WINDOW = timedelta(days=7)

M = MaintenanceStatus
#: Who may take which step of a window, always before it starts: the one table (C-16).
WORKFLOW = Workflow(MaintenanceWindow, (
    Step("decide", gettext_lazy("Maintenance to decide"), frozenset({M.PROPOSED}),
         (M.APPROVED, M.REJECTED), MAINTENANCE_APPROVER_ROLES,
         gettext_lazy("Only the purchaser admin of this contract approves maintenance."),
         before="starts_at", awaits=gettext_lazy("the purchaser admin's decision")),
    Step("cancel", gettext_lazy("Maintenance to cancel"), frozenset({M.PROPOSED, M.APPROVED}),
         (M.CANCELLED,), MAINTENANCE_PROPOSER_ROLES,
         gettext_lazy("Only the provider's O&M team of this contract cancels maintenance."),
         before="starts_at"),
), author_field="announced_by")


def minimum_notice() -> timedelta:
    return timedelta(hours=settings.GOVCLOUD_MAINTENANCE_NOTICE_HOURS)


def counted_windows(contract_id: int, system_id: int | None = None):
    """Approved windows that count: approved before they started, of the whole platform or
    of the given system."""
    windows = MaintenanceWindow.objects.filter(
        contract_id=contract_id, status=MaintenanceStatus.APPROVED,
        decided_at__lte=F("starts_at"),
    )
    scope = Q(system__isnull=True)
    if system_id is not None:
        scope |= Q(system_id=system_id)
    return windows.filter(scope)


def excluded_intervals(system) -> list[tuple[float, float]]:
    """The ``[start, end)`` epoch seconds of maintenance that counts for ``system``."""
    return [(window.starts_at.timestamp(), window.ends_at.timestamp())
            for window in counted_windows(system.contract_id, system.pk)]


def _require(actor, contract, roles, message: str) -> None:
    if actor.role not in roles or not actor.contracts.filter(pk=contract.pk).exists():
        raise PermissionDenied(message)


def _check_times(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    errors = {}
    if ends_at <= starts_at:
        errors["ends_at"] = _("The window must end after it starts.")
    elif ends_at - starts_at > MAX_WINDOW:
        errors["ends_at"] = _("A window lasts at most %(days)s days; announce longer work "
                              "as several windows.") % {"days": MAX_WINDOW.days}
    if starts_at < now + minimum_notice():
        errors["starts_at"] = _(
            "Maintenance is announced at least %(hours)s hours before it starts (C-16).")\
            % {"hours": settings.GOVCLOUD_MAINTENANCE_NOTICE_HOURS}
    if errors:
        raise ValidationError(errors)


def announce_window(*, actor, contract, system, title: str, description: str,
                    starts_at: datetime, ends_at: datetime, request=None) -> MaintenanceWindow:
    """The provider announces planned maintenance; it waits for the purchaser."""
    _require(actor, contract, MAINTENANCE_PROPOSER_ROLES,
             _("Only the provider's O&M team of this contract announces maintenance."))
    if system is not None and system.contract_id != contract.pk:
        raise ValidationError({"system": _("The system does not belong to this contract.")})
    if not (title or "").strip():
        raise ValidationError({"title": _("This is required.")})
    now = timezone.now()
    _check_times(starts_at, ends_at, now)
    with transaction.atomic():
        window = MaintenanceWindow.objects.create(
            contract=contract, system=system, title=title.strip(),
            description=(description or "").strip(), starts_at=starts_at, ends_at=ends_at,
            announced_by=actor, announced_at=now,
        )
        _event("maintenance.announce", window, actor, request)
    return window


def decide_window(window: MaintenanceWindow, *, actor, approve: bool, note: str = "",
                  request=None) -> MaintenanceWindow:
    """The purchaser admin approves or rejects an announced window before it starts."""
    WORKFLOW.check("decide", actor, window)
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": _("Say why the maintenance is rejected.")})
    with transaction.atomic():
        WORKFLOW.move(window, "decide",
                      MaintenanceStatus.APPROVED if approve else MaintenanceStatus.REJECTED,
                      decided_by=actor, decided_at=timezone.now(), decision_note=note)
        _event("maintenance.decide", window, actor, request)
    return window


def cancel_window(window: MaintenanceWindow, *, actor, request=None) -> MaintenanceWindow:
    """The provider withdraws a window before it starts."""
    WORKFLOW.check("cancel", actor, window)
    with transaction.atomic():
        WORKFLOW.move(window, "cancel")
        _event("maintenance.cancel", window, actor, request)
    return window


def _event(action: str, window: MaintenanceWindow, actor, request) -> None:
    record_event(action, actor=actor, request=request, target=window, details={
        "status": window.status, "system": window.system_id,
        "starts_at": window.starts_at.isoformat(), "ends_at": window.ends_at.isoformat(),
    })
