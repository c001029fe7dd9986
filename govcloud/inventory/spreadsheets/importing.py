"""The import service: who may import, all rows or none, what was stored, and the
description of the import file."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from govcloud.audit.choices import Outcome
from govcloud.audit.services import record_event
from govcloud.contract.models import Contract
from govcloud.inventory.choices import IMPORTER_ROLES
from govcloud.inventory.spreadsheets.base import (
    HOSTS,
    KINDS,
    MAX_BYTES,
    MAX_ROWS,
    SHEET_NAMES,
    SYSTEMS,
    ImportRefused,
    Problem,
    match_key,
    quoted,
    refuse,
    via,
)
from govcloud.inventory.spreadsheets.columns import table_columns, table_name
from govcloud.inventory.spreadsheets.files import Sheet, read_file
from govcloud.inventory.spreadsheets.hosts import (
    HostRow,
    headroom_problems,
    plan_hosts,
    store_hosts,
)
from govcloud.inventory.spreadsheets.rows import guess_kind
from govcloud.inventory.spreadsheets.systems import (
    SystemRow,
    find_vendors,
    plan_systems,
    store_systems,
)


@dataclass
class Plan:
    """What an import will store, once every row passed."""

    systems: list[SystemRow]
    hosts: list[HostRow]
    hosts_sheet: str = ""

    def vendor_names(self) -> set[str]:
        return {row.values["vendor"] for row in self.systems if row.values.get("vendor")}


@dataclass(frozen=True)
class ImportResult:
    """What an import stored (or, for a dry run, would store)."""

    file_name: str
    dry_run: bool
    systems_created: int
    systems_updated: int
    systems_unchanged: int
    hosts_created: int
    vendors_created: int

    def as_dict(self) -> dict:
        return asdict(self)

    def counts(self) -> dict[str, int]:
        return {name: value for name, value in self.as_dict().items()
                if name not in ("file_name", "dry_run")}


def _plan(contract: Contract, sheets: list[Sheet]) -> Plan:
    """Check every row of every table against the contract; refuse naming every problem."""
    problems: list[Problem] = []
    existing = {match_key(system.label): system
                for system in contract.systems.select_related("vendor")}
    tables = {}
    for sheet in sheets:
        sheet.kind = sheet.kind or guess_kind(sheet, contract)
        tables[sheet.kind] = sheet
    plan, in_file = Plan([], []), set()
    if SYSTEMS in tables:
        plan.systems, in_file = plan_systems(tables[SYSTEMS], existing, problems)
    if HOSTS in tables:
        plan.hosts_sheet = tables[HOSTS].title
        plan.hosts, headings = plan_hosts(contract, tables[HOSTS], existing, in_file,
                                          problems)
        problems += headroom_problems(contract, tables[HOSTS], plan.hosts, headings)
    if problems:
        raise ImportRefused(problems)
    return plan


def _result(plan: Plan, file_name: str, *, dry_run: bool, vendors_created: int) -> ImportResult:
    """Count what the plan creates and changes; before it is stored, which changes rows."""
    matched = [row for row in plan.systems if row.system is not None]
    updated = sum(bool(row.changes()) for row in matched)
    return ImportResult(
        file_name=file_name, dry_run=dry_run,
        systems_created=len(plan.systems) - len(matched), systems_updated=updated,
        systems_unchanged=len(matched) - updated, hosts_created=len(plan.hosts),
        vendors_created=vendors_created)


def _clean_file_name(file_name: str) -> str:
    return PurePath(str(file_name or "").replace("\\", "/")).name[:200] or "upload"


def _require_importer(actor, contract: Contract, file_name: str, request) -> None:
    """Let the purchaser admin of the contract import; the command line (no actor) too."""
    if actor is None:
        return
    if actor.role in IMPORTER_ROLES and actor.contracts.filter(pk=contract.pk).exists():
        return
    record_event("inventory.import", actor=actor, request=request, target=contract,
                 outcome=Outcome.DENIED, details={"file": file_name, "reason": "role"})
    raise PermissionDenied(_("Only the purchaser admin of this contract imports its "
                             "inventory."))


def import_inventory(contract: Contract, data: bytes, *, file_name: str, actor,
                     kind: str | None = None, dry_run: bool = False,
                     request=None) -> ImportResult:
    """Store the systems and hosts of a spreadsheet, all rows or none.

    Every row is read and checked first, and every problem collected; then duplicates,
    unknown systems and the contract's headroom for all new hosts together. Only a file
    without a single problem is stored, in one transaction under the contract's lock:
    systems, then hosts through the allocation ledger. Otherwise ImportRefused lists the
    problems and the refusal is audited. ``actor`` None is the command line; ``dry_run``
    checks and stores nothing.
    """
    file_name = _clean_file_name(file_name)
    _require_importer(actor, contract, file_name, request)
    try:
        if kind not in (None, "", *KINDS):
            refuse(_("Unknown kind of table %(kind)s; give systems or hosts.")
                   % {"kind": quoted(kind)})
        sheets = read_file(data, file_name, kind or None)
        with transaction.atomic():
            Contract.objects.select_for_update().get(pk=contract.pk)
            plan = _plan(contract, sheets)
            vendors, new_vendors = find_vendors(plan.vendor_names(), create=not dry_run)
            result = _result(plan, file_name, dry_run=dry_run, vendors_created=new_vendors)
            if dry_run:
                return result
            systems = store_systems(contract, plan.systems, vendors)
            store_hosts(plan.hosts, plan.hosts_sheet, systems, actor=actor,
                        reason=_("import of %(file)s") % {"file": file_name})
            record_event("inventory.import", actor=actor, request=request, target=contract,
                         details={"file": file_name, **result.counts(), "kind": kind or "",
                                  "sha256": hashlib.sha256(data).hexdigest(), **via(actor)})
            return result
    except ImportRefused as refusal:
        if not dry_run:
            record_event("inventory.import", actor=actor, request=request, target=contract,
                         outcome=Outcome.DENIED,
                         details={"file": file_name, "problems": len(refusal.problems),
                                  "first": [str(p) for p in refusal.problems[:10]],
                                  **via(actor)})
        raise


def import_format(contract: Contract | None = None) -> dict:
    """Describe the import file: limits, sheet names, and each table's columns."""
    tables = []
    for kind in KINDS:
        columns = [column for column in table_columns(kind, contract) if column.rented]
        with translation.override("en"):
            english = [column.title for column in columns]
        tables.append({
            "kind": kind, "sheet_names": [table_name(kind), *SHEET_NAMES[kind]],
            "columns": [{"field": column.field, "heading": column.title,
                         "chinese": column.chinese or column.title, "english": name,
                         "required": column.required}
                        for column, name in zip(columns, english, strict=True)],
        })
    return {"max_bytes": MAX_BYTES, "max_rows": MAX_ROWS,
            "formats": ["XLSX", "CSV (UTF-8, GB18030)"], "tables": tables}
