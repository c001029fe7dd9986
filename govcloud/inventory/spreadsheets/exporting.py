"""The export: systems, hosts, allocation and ledger as an XLSX workbook that imports
again, as much as the person may see."""

from __future__ import annotations

import io
import unicodedata
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from govcloud.audit.services import record_event
from govcloud.contract.models import Contract
from govcloud.inventory.choices import HostStatus
from govcloud.inventory.ledger import contract_allocation
from govcloud.inventory.models import SYSTEM_ORDER, AllocationEntry, ApplicationSystem, CloudHost
from govcloud.inventory.spreadsheets.base import HOSTS, SHANGHAI, SYSTEMS, via
from govcloud.inventory.spreadsheets.columns import (
    HOST_COLUMNS,
    SYSTEM_COLUMNS,
    Column,
    service_columns,
    table_name,
)
from govcloud.lib.scoping import sees_whole_contract
from govcloud.lib.sheets import write_rows

ALLOCATION_HEADINGS = (
    pgettext_lazy("spreadsheet heading", "No."),
    pgettext_lazy("spreadsheet heading", "Catalog item"),
    pgettext_lazy("spreadsheet heading", "Unit"),
    pgettext_lazy("spreadsheet heading", "Contracted"),
    pgettext_lazy("spreadsheet heading", "Allocated"),
    pgettext_lazy("spreadsheet heading", "Headroom"),
)


LEDGER_HEADINGS = (
    pgettext_lazy("spreadsheet heading", "Recorded at (Beijing time)"),
    pgettext_lazy("spreadsheet heading", "System"),
    pgettext_lazy("spreadsheet heading", "Host"),
    pgettext_lazy("spreadsheet heading", "Catalog item"),
    pgettext_lazy("spreadsheet heading", "Change"),
    pgettext_lazy("spreadsheet heading", "Reason"),
    pgettext_lazy("spreadsheet heading", "Recorded by"),
    pgettext_lazy("spreadsheet heading", "Change request"),
)


def _visible(queryset, actor):
    return queryset if actor is None else queryset.restrict(actor)


def _require_reader(actor, contract: Contract) -> None:
    if actor is not None and not Contract.objects.restrict(actor).filter(
            pk=contract.pk).exists():
        raise PermissionDenied(_("This contract is not yours to see."))


def _yes_no(value: bool) -> str:
    return pgettext("spreadsheet value", "yes") if value else pgettext(
        "spreadsheet value", "no")


def _system_rows(systems) -> list[list]:
    rows = []
    for system in systems:
        values = {column.field: getattr(system, column.field, "") for column in SYSTEM_COLUMNS}
        values.update(name=system.label, vendor=system.vendor.name if system.vendor else "",
                      high_availability=_yes_no(system.high_availability))
        rows.append([values[column.field] for column in SYSTEM_COLUMNS])
    return rows


def _host_rows(hosts, services: list[Column]) -> list[list]:
    rows = []
    for host in hosts:
        values = {column.field: getattr(host, column.field, "") for column in HOST_COLUMNS}
        values.update(system=host.system.label, ip_addresses=", ".join(host.ip_addresses),
                      status=host.get_status_display())
        rows.append([*(values[column.field] for column in HOST_COLUMNS),
                     *(_yes_no(column.field in host.services) for column in services)])
    return rows


def _ledger_rows(contract: Contract, entries) -> list[list]:
    names = {item.meter: str(item) for item in contract.current_version.catalogitems.all()}
    return [[timezone.localtime(entry.recorded_at, SHANGHAI).replace(tzinfo=None),
             entry.system.label, entry.host.name if entry.host else "",
             names.get(entry.meter, entry.meter), entry.delta, entry.reason,
             entry.actor_username, entry.change_request_id]
            for entry in entries]


def _width(value) -> int:
    if isinstance(value, datetime):
        return 19
    text = str(value if value is not None else "")
    longest = max(text.split("\n"), key=len, default="")
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def _add_sheet(workbook: Workbook, title: str, headings: list[str], rows: list[list]) -> None:
    """Write a table: a bold, frozen heading row with filters, real numbers and dates,
    columns as wide as their content (within reason). Text is never read as a formula."""
    sheet = workbook.create_sheet(title[:31])
    write_rows(sheet, [headings, *rows])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, heading in enumerate(headings, start=1):
        widest = max([_width(heading), *(_width(row[index - 1]) for row in rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(widest + 2, 8), 60)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def export_workbook(contract: Contract, *, actor, request=None) -> bytes:
    """Return an XLSX of the contract's inventory and ledger as ``actor`` may see them.

    Sheets: systems and hosts (the import's columns, so that the file imports again; hosts
    in service only), the allocation per catalog item (contract-wide roles only) and every
    ledger entry the person sees. ``actor`` None is the command line, which sees all.
    """
    _require_reader(actor, contract)
    systems = _visible(ApplicationSystem.objects.filter(contract=contract), actor)
    hosts = _visible(CloudHost.objects.filter(system__contract=contract).exclude(
        status=HostStatus.DECOMMISSIONED), actor)
    entries = _visible(AllocationEntry.objects.filter(contract=contract), actor)
    systems = list(systems.select_related("vendor").order_by(*SYSTEM_ORDER))
    hosts = list(hosts.select_related("system").order_by("system__label", "name"))
    entries = list(entries.select_related("system", "host").order_by("recorded_at", "pk"))
    services = [column for column in service_columns(contract) if column.rented]
    workbook = Workbook()
    workbook.remove(workbook.active)
    _add_sheet(workbook, table_name(SYSTEMS), [c.title for c in SYSTEM_COLUMNS],
               _system_rows(systems))
    _add_sheet(workbook, table_name(HOSTS), [c.title for c in (*HOST_COLUMNS, *services)],
               _host_rows(hosts, services))
    with_allocation = actor is None or sees_whole_contract(actor)
    if with_allocation:
        _add_sheet(workbook, pgettext("spreadsheet sheet", "Allocation"),
                   [str(text) for text in ALLOCATION_HEADINGS],
                   [[item.number, item.name, item.unit, item.contracted, item.allocated,
                     item.headroom] for item in contract_allocation(contract)])
    _add_sheet(workbook, pgettext("spreadsheet sheet", "Ledger"),
               [str(text) for text in LEDGER_HEADINGS], _ledger_rows(contract, entries))
    buffer = io.BytesIO()
    workbook.save(buffer)
    record_event("inventory.export", actor=actor, request=request, target=contract, details={
        "systems": len(systems), "hosts": len(hosts), "ledger_entries": len(entries),
        "allocation": with_allocation, **via(actor)})
    return buffer.getvalue()


def export_file_name(contract: Contract) -> str:
    """Return the name an export is downloaded under: the contract's code and the time."""
    moment = timezone.localtime(timezone.now(), SHANGHAI)
    return f"{contract.code}-inventory-{moment:%Y%m%d-%H%M}.xlsx"
