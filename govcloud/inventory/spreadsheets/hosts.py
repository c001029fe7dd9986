"""Checking the hosts table of an import against the contract and its headroom, and
registering its hosts through the allocation ledger."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from govcloud.contract.models import Contract
from govcloud.inventory.choices import HostStatus
from govcloud.inventory.ledger import (
    HOST_SERVICE_METERS,
    HOST_SIZE_METERS,
    allocation_problems,
    host_meters,
    register_host,
)
from govcloud.inventory.models import CloudHost
from govcloud.inventory.spreadsheets.base import HOSTS, ImportRefused, Problem, match_key, quoted
from govcloud.inventory.spreadsheets.columns import table_columns
from govcloud.inventory.spreadsheets.files import Sheet
from govcloud.inventory.spreadsheets.rows import read_row, recognise_columns


@dataclass
class HostRow:
    """A right row of the hosts table, with the key of the system it belongs to."""

    row: int
    system_key: str
    values: dict


def plan_hosts(contract: Contract, sheet: Sheet, existing: dict, in_file: set[str],
               problems: list) -> tuple[list[HostRow], dict[str, str]]:
    """Return the hosts rows that are right, and field -> heading as the file writes it."""
    columns = recognise_columns(sheet, table_columns(HOSTS, contract), problems)
    headings = {column.field: sheet.headings[index] for index, column in columns.items()}
    rented = set(contract.current_version.catalogitems.values_list("meter", flat=True))
    taken = set(CloudHost.objects.filter(system__contract=contract).values_list(
        "system_id", "name"))
    rows, seen = [], {}
    for number, values in sheet.rows:
        cleaned, right = read_row(sheet, number, values, columns, problems)
        if not (cleaned.get("system") and cleaned.get("name")):
            continue
        found = [Problem(sheet.title, number, headings[field], message) for field, message in
                 _host_problems(cleaned, existing, in_file, taken, seen, rented, contract)]
        problems += found
        seen.setdefault((match_key(cleaned["system"]), cleaned["name"]), number)
        if right and not found:
            rows.append(HostRow(number, match_key(cleaned["system"]), cleaned))
    return rows, headings


def _host_problems(host: dict, existing: dict, in_file: set[str], taken: set, seen: dict,
                   rented: set[str], contract: Contract) -> Iterable[tuple[str, str]]:
    """Yield (field, message) for what is wrong with a host beyond its cells."""
    key, name = match_key(host["system"]), host["name"]
    system = existing.get(key)
    if system is None and key not in in_file:
        yield "system", _("Unknown system %(system)s: not a system of %(contract)s, and not "
                          "in the file's systems table.") % {
            "system": quoted(host["system"]), "contract": contract.code}
    elif (key, name) in seen:
        yield "name", _("The host %(name)s of %(system)s is on row %(row)s already.") % {
            "name": quoted(name), "system": host["system"], "row": seen[(key, name)]}
    elif system is not None and (system.pk, name) in taken:
        yield "name", _("%(system)s has a host named %(name)s already.") % {
            "system": system.label, "name": quoted(name)}
    for field in (*HOST_SIZE_METERS, *sorted(HOST_SERVICE_METERS)):
        if host.get(field) and HOST_SIZE_METERS.get(field, field) not in rented:
            yield field, _("The contract %(contract)s does not rent this; leave the cell "
                           "empty.") % {"contract": contract.code}


def _host_size(values: dict) -> dict:
    return {field: values.get(field, 0) for field in HOST_SIZE_METERS}


def _services(values: dict) -> list[str]:
    return sorted(meter for meter in HOST_SERVICE_METERS if values.get(meter))


def headroom_problems(contract: Contract, sheet: Sheet, hosts: list[HostRow],
                      headings: dict[str, str]) -> list[Problem]:
    """Return a problem per catalog item the new hosts together take more of than is left."""
    totals: Counter = Counter()
    for host in hosts:
        totals.update(host_meters(CloudHost(**_host_size(host.values),
                                            services=_services(host.values))))
    fields = {meter: field for field, meter in HOST_SIZE_METERS.items()}
    return [Problem(sheet.title, None, headings.get(fields.get(meter, meter), ""), message)
            for meter, total in sorted(totals.items())
            for message in allocation_problems(contract, {meter: total})]


def store_hosts(rows: list[HostRow], sheet_title: str, systems: dict, *, actor,
                reason: str) -> None:
    """Register every host through the ledger, all at one moment."""
    moment = timezone.now()
    for host in rows:
        values = host.values
        try:
            register_host(
                systems[host.system_key], name=values["name"], **_host_size(values),
                services=_services(values), operating_system=values.get("operating_system", ""),
                ip_addresses=values.get("ip_addresses", []),
                data_center=values.get("data_center", ""),
                status=values.get("status", HostStatus.RUNNING), reason=reason, actor=actor,
                at=moment)
        except ValidationError as error:
            raise ImportRefused(Problem(sheet_title, host.row, "", message)
                                for message in error.messages) from None
