"""The columns of the systems and hosts tables: their headings in every language, the
per-host services a contract rents, and the names of the tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import pgettext, pgettext_lazy

from govcloud.contract.models import CatalogItem, Contract
from govcloud.inventory.ledger import HOST_SERVICE_METERS
from govcloud.inventory.spreadsheets.base import SHEET_NAMES, SYSTEMS, match_key
from govcloud.inventory.spreadsheets.cells import (
    read_addresses,
    read_number,
    read_status,
    read_text,
    read_yes_no,
)


@dataclass(frozen=True)
class Column:
    """A column of an import file: the field it fills, its headings, how a cell is read.

    A column is recognised by its Chinese heading, its English field name, its heading in
    any language of the site, or one of ``aliases``; case, width and spaces do not count.
    """

    field: str
    heading: object
    chinese: str
    read: Callable
    required: bool = False
    limit: int = 0
    minimum: int = 0
    aliases: tuple[str, ...] = ()
    rented: bool = True

    @property
    def title(self) -> str:
        """Return the heading the export writes, in the active language."""
        return str(self.heading)

    def match_keys(self) -> set[str]:
        names = {self.field, self.chinese, *self.aliases}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                names.add(self.title)
        return {match_key(name) for name in names if name}


SYSTEM_COLUMNS = (
    Column("name", pgettext_lazy("spreadsheet heading", "System name"), "系统名称",
           read_text, required=True, limit=200),
    Column("owner_department", pgettext_lazy("spreadsheet heading", "Owner department"),
           "主管部门", read_text, limit=200),
    Column("vendor", pgettext_lazy("spreadsheet heading", "Application vendor"), "应用厂商",
           read_text, limit=200),
    Column("business_contact", pgettext_lazy("spreadsheet heading", "Business contact"),
           "业务联系人", read_text, limit=100),
    Column("business_phone", pgettext_lazy("spreadsheet heading", "Business contact phone"),
           "业务联系电话", read_text, limit=40),
    Column("technical_contact", pgettext_lazy("spreadsheet heading", "Technical contact"),
           "技术联系人", read_text, limit=100),
    Column("technical_phone", pgettext_lazy("spreadsheet heading", "Technical contact phone"),
           "技术联系电话", read_text, limit=40),
    Column("primary_data_center", pgettext_lazy("spreadsheet heading", "Primary data center"),
           "主数据中心", read_text, limit=100),
    Column("backup_data_center", pgettext_lazy("spreadsheet heading", "Backup data center"),
           "备份数据中心", read_text, limit=100),
    Column("high_availability", pgettext_lazy("spreadsheet heading", "High availability"),
           "高可用", read_yes_no),
    Column("description", pgettext_lazy("spreadsheet heading", "Description"), "说明",
           read_text, limit=4000),
)


HOST_COLUMNS = (
    Column("system", pgettext_lazy("spreadsheet heading", "System"), "所属系统", read_text,
           required=True, limit=200),
    Column("name", pgettext_lazy("spreadsheet heading", "Host name"), "主机名", read_text,
           required=True, limit=100),
    Column("vcpu", pgettext_lazy("spreadsheet heading", "vCPU"), "vCPU", read_number,
           required=True, minimum=1),
    Column("memory_gb", pgettext_lazy("spreadsheet heading", "Memory (GB)"), "内存(GB)",
           read_number, required=True, minimum=1),
    Column("standard_storage_gb", pgettext_lazy("spreadsheet heading", "Standard storage (GB)"),
           "普通存储(GB)", read_number),
    Column("performance_storage_gb",
           pgettext_lazy("spreadsheet heading", "High-performance storage (GB)"),
           "高性能存储(GB)", read_number),
    Column("operating_system", pgettext_lazy("spreadsheet heading", "Operating system"),
           "操作系统", read_text, limit=100),
    Column("ip_addresses", pgettext_lazy("spreadsheet heading", "IP addresses"), "IP地址",
           read_addresses),
    Column("data_center", pgettext_lazy("spreadsheet heading", "Data center"), "数据中心",
           read_text, limit=100),
    Column("status", pgettext_lazy("spreadsheet heading", "Status"), "状态", read_status),
)


def service_columns(contract: Contract | None) -> list[Column]:
    """Return a yes/no column per per-host service (catalog items 9–12).

    Those the contract rents come first, headed by their catalog item's name; the others
    are recognised too (by meter, or by the name any contract gives them), so that a file
    exported under another contract imports, but a host may not take them.
    """
    names: dict[str, set[str]] = {meter: set() for meter in HOST_SERVICE_METERS}
    for meter, name, name_en in CatalogItem.objects.filter(
            meter__in=HOST_SERVICE_METERS).values_list("meter", "name", "name_en"):
        names[meter] |= {name, name_en}
    items = [] if contract is None else [
        item for item in contract.current_version.catalogitems.all()
        if item.meter in HOST_SERVICE_METERS]
    columns = [Column(item.meter, _display_name(item), item.name, read_yes_no,
                      aliases=(item.name_en, *sorted(names[item.meter] - {""})))
               for item in items]
    rented = {item.meter for item in items}
    columns += [Column(meter, meter, "", read_yes_no, aliases=tuple(sorted(names[meter] - {""})),
                       rented=contract is None)
                for meter in sorted(HOST_SERVICE_METERS - rented)]
    return columns


def _display_name(item: CatalogItem):
    """Return the item's name in the language active when it is shown, not when asked."""
    return lazy(lambda: item.display_name, str)()


def table_columns(kind: str, contract: Contract | None = None) -> list[Column]:
    """Return the columns of a table: the systems', or the hosts' with their services."""
    if kind == SYSTEMS:
        return list(SYSTEM_COLUMNS)
    return [*HOST_COLUMNS, *service_columns(contract)]


def table_name(kind: str) -> str:
    """Return the sheet name of a table in the active language."""
    return pgettext("spreadsheet sheet", "Systems") if kind == SYSTEMS else pgettext(
        "spreadsheet sheet", "Hosts")


def sheet_keys(kind: str) -> set[str]:
    """Return every sheet name a table is recognised by, in every language, as compared."""
    names = set(SHEET_NAMES[kind])
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(table_name(kind))
    return {match_key(name) for name in names}
