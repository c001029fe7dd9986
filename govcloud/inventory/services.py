"""Inventory rules: the one place each lives."""

from __future__ import annotations

from django.db import transaction

from govcloud.inventory.models import ApplicationSystem


@transaction.atomic
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
