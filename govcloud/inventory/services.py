"""Inventory rules: the one place each lives."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from govcloud.audit.services import record_event
from govcloud.inventory.choices import SYSTEM_EDITOR_ROLES
from govcloud.inventory.models import ApplicationSystem


@transaction.atomic
def systems_follow_contract(sender, *, contract, systems: list[dict], **kwargs) -> None:
    """Bring the systems in line with a newly stored contract version (its signal)."""
    sync_contract_systems(contract, systems)


def sync_contract_systems(contract, rows: list[dict]) -> list[ApplicationSystem]:
    """Make the contract's systems match its system table (C-6), matched by row number.

    Rows new to the contract are added; a row whose name changed is renamed; a merged
    duplicate row adds no system; systems no longer listed are kept (hosts may still run
    on them) but marked as not listed in the current version.
    """
    existing = {system.contract_row: system for system in contract.systems.all()}
    kept = []
    for row in rows:
        if row.get("stored_as") == "merged":
            continue
        system = existing.pop(row["row"], None) or ApplicationSystem(
            contract=contract, contract_row=row["row"]
        )
        system.name = row["name"]
        system.label = row["label"]
        system.duplicate_of_row = row.get("duplicate_of_row")
        system.listed_in_contract = True
        system.save()
        kept.append(system)
    for system in existing.values():
        if system.contract_row is not None and system.listed_in_contract:
            system.listed_in_contract = False
            system.save(update_fields=["listed_in_contract"])
    return kept


#: What the purchaser's people may change of a system: its details, not its contract row.
SYSTEM_DETAIL_FIELDS = (
    "owner_department", "description", "business_contact", "business_phone",
    "technical_contact", "technical_phone", "primary_data_center", "backup_data_center",
    "high_availability",
)


def update_system_details(system: ApplicationSystem, *, actor, values: dict,
                          request=None) -> ApplicationSystem:
    """Change a system's department, contacts, data centers and availability.

    The purchaser admin may, for the contract's systems, and the purchaser's staff for the
    systems they are assigned to. Only SYSTEM_DETAIL_FIELDS change; what changed is audited.
    """
    visible = ApplicationSystem.objects.restrict(actor).filter(pk=system.pk).exists()
    if actor.role not in SYSTEM_EDITOR_ROLES or not visible:
        raise PermissionDenied(_("Only the purchaser's admin and the staff of this system edit "
                                 "its details."))
    unknown = set(values) - set(SYSTEM_DETAIL_FIELDS)
    if unknown:
        raise ValidationError(_("These are not details of a system: %(fields)s.")
                              % {"fields": ", ".join(sorted(unknown))})
    before = {field: getattr(system, field) for field in values}
    for field, value in values.items():
        setattr(system, field, value.strip() if isinstance(value, str) else value)
    changed = [field for field in values if getattr(system, field) != before[field]]
    if not changed:
        return system
    system.full_clean()
    with transaction.atomic():
        system.save(update_fields=changed)
        record_event("inventory.system_update", actor=actor, request=request, target=system,
                     details={"before": {field: before[field] for field in changed},
                              "after": {field: getattr(system, field) for field in changed}})
    return system
