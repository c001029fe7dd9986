"""Checking the systems table of an import against the contract, and storing its rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from govcloud.contract.choices import OrganizationKind
from govcloud.contract.models import Contract, Organization
from govcloud.inventory.models import ApplicationSystem
from govcloud.inventory.spreadsheets.base import Problem, match_key, quoted
from govcloud.inventory.spreadsheets.columns import SYSTEM_COLUMNS
from govcloud.inventory.spreadsheets.files import Sheet
from govcloud.inventory.spreadsheets.rows import read_row, recognise_columns


@dataclass
class SystemRow:
    """A right row of the systems table, and the system of the contract it names, if any."""

    row: int
    label: str
    values: dict
    system: ApplicationSystem | None

    def changes(self) -> dict:
        """Return the fields this row changes of its existing system (all, for a new one)."""
        values = {field: value for field, value in self.values.items() if field != "name"}
        if self.system is None:
            return values
        current = {field: getattr(self.system, field) for field in values if field != "vendor"}
        current["vendor"] = self.system.vendor.name if self.system.vendor else ""
        return {field: value for field, value in values.items() if current[field] != value}


def plan_systems(sheet: Sheet, existing: dict,
                 problems: list) -> tuple[list[SystemRow], set[str]]:
    """Return the systems rows that are right, and the key of every system the table names."""
    columns = recognise_columns(sheet, list(SYSTEM_COLUMNS), problems)
    heading = next((sheet.headings[i] for i, c in columns.items() if c.field == "name"), "")
    rows, seen = [], {}
    for number, values in sheet.rows:
        cleaned, right = read_row(sheet, number, values, columns, problems)
        if not cleaned.get("name"):
            continue
        key = match_key(cleaned["name"])
        if key in seen:
            problems.append(Problem(sheet.title, number, heading, _(
                "The system %(name)s is on row %(row)s already.")
                % {"name": quoted(cleaned["name"]), "row": seen[key]}))
            continue
        seen[key] = number
        if right:
            rows.append(SystemRow(number, cleaned["name"], cleaned, existing.get(key)))
    return rows, set(seen)


def find_vendors(names: set[str], *, create: bool) -> tuple[dict[str, Organization], int]:
    """Return name -> organization and how many are new: an unknown name becomes an
    application vendor (if ``create``)."""
    found = {org.name: org for org in Organization.objects.filter(name__in=names)}
    missing = sorted(names - set(found))
    if create:
        for name in missing:
            found[name] = Organization.objects.create(name=name, kind=OrganizationKind.VENDOR)
    return found, len(missing)


def store_systems(contract: Contract, rows: list[SystemRow], vendors: dict) -> dict:
    """Create and update the systems of the rows; return key -> system of the contract.

    A new system is not in the contract's table: no row, not listed in the contract.
    """
    systems = {match_key(system.label): system for system in contract.systems.all()}
    for row in rows:
        changes = row.changes()
        if row.system is not None and not changes:
            continue
        system = row.system or ApplicationSystem(
            contract=contract, name=row.label, label=row.label, listed_in_contract=False)
        for field, value in changes.items():
            setattr(system, field, vendors.get(value) if field == "vendor" else value)
        system.save()
        systems[match_key(row.label)] = system
    return systems
