"""Systems and hosts in and out of spreadsheets (issue #5): the one place the rules live.

Agencies keep their inventories in Excel. An import reads a workbook (sheets 系统/systems
and 主机/hosts) or a CSV file of one table, checks every row, and then stores all of it in
one transaction (systems first, then hosts through the allocation ledger) or nothing, with
a report of every problem: the sheet, the row as the spreadsheet numbers it, the column as
the file heads it, and what is wrong. An export writes what the person may see in the same
format, so that it imports again, plus the contract's allocation and its ledger.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import ipaddress
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath
from typing import NoReturn
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from govcloud.accounts.choices import CONTRACT_WIDE_ROLES
from govcloud.audit.choices import Outcome
from govcloud.audit.services import record_event
from govcloud.contract.choices import OrganizationKind
from govcloud.contract.models import CatalogItem, Contract, Organization
from govcloud.inventory.changes import MAX_QUANTITY
from govcloud.inventory.choices import IMPORTER_ROLES, HostStatus
from govcloud.inventory.ledger import (
    HOST_SERVICE_METERS,
    HOST_SIZE_METERS,
    allocation_problems,
    contract_allocation,
    host_meters,
    register_host,
)
from govcloud.inventory.models import (
    SYSTEM_ORDER,
    AllocationEntry,
    ApplicationSystem,
    CloudHost,
)

#: The largest file accepted, and the most rows (of both tables together).
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
#: The most columns read of a table, and the last row of a sheet read: a workbook is
#: refused before a few compressed megabytes unfold into millions of cells.
MAX_COLUMNS = 64
LAST_ROW = 50_000
MAX_ADDRESSES = 64
#: The most a workbook may unpack to; zipfile never inflates a member past its stated size.
MAX_UNPACKED_BYTES = 20 * MAX_BYTES
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHANGHAI = ZoneInfo("Asia/Shanghai")
SYSTEMS, HOSTS = "systems", "hosts"
KINDS = (SYSTEMS, HOSTS)
#: Sheet names an import recognises, besides the translations of the export's names.
SHEET_NAMES = {SYSTEMS: ("系统", "应用系统", "systems"), HOSTS: ("主机", "云主机", "hosts")}
#: A host is imported in one of these; a decommissioned host is history, not inventory.
IMPORTED_STATUSES = (HostStatus.PROVISIONING, HostStatus.RUNNING, HostStatus.STOPPED)
YES_WORDS = frozenset({"是", "yes", "y", "true", "1"})
NO_WORDS = frozenset({"否", "no", "n", "false", "0"})
ADDRESS_SEPARATORS = re.compile(r"[\s,;、]+")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
WHOLE_NUMBER = re.compile(r"[+-]?(\d+|\d{1,3}(,\d{3})+)(\.0*)?")


def _key(text) -> str:
    """Return a heading or name as compared: width, case, spaces and brackets ignored."""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    return re.sub(r"[\s_()\[\]]+", "", folded)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value) -> str:
    text = str(value).strip()
    return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"


# --- problems ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something wrong with an import file: where (sheet, row, column as written) and what.

    ``row`` is the row number the spreadsheet shows (the heading row is 1 in a file that
    starts with it); None for a problem of the whole file or of the whole import.
    """

    sheet: str
    row: int | None
    column: str
    problem: str

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = [part for part in (self.sheet, _("row %(row)s") % {"row": self.row}
                                   if self.row else "", self.column) if part]
        return f"{', '.join(where)}: {self.problem}" if where else self.problem


class ImportRefused(ValidationError):
    """An import file with problems: nothing of it was stored."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__([str(problem) for problem in self.problems])


class CellProblem(Exception):
    """A cell that does not hold what its column needs."""


def _refuse(problem: str, *, sheet: str = "", row: int | None = None,
            column: str = "") -> NoReturn:
    raise ImportRefused([Problem(sheet, row, column, problem)])


# --- reading cells ----------------------------------------------------------------------


def read_text(value, column: Column) -> str:
    """Return a cell as text; a number Excel made of a phone number is written without .0."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    text = str(value).strip()
    if column.limit and len(text) > column.limit:
        raise CellProblem(_("At most %(limit)s characters; this cell has %(length)s.")
                          % {"limit": column.limit, "length": len(text)})
    return text


def read_number(value, column: Column) -> int:
    """Return a whole number from minimum to MAX_QUANTITY, or say what is wrong with it."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise CellProblem(_("Give a whole number, not %(value)s.") % {"value": _shown(value)})
    number = value
    if isinstance(value, str):
        text = value.strip()
        if not WHOLE_NUMBER.fullmatch(text.replace(" ", "")):
            fraction = re.fullmatch(r"[+-]?\d+\.\d+", text)
            message = (_("Give a whole number; %(value)s has a fraction.") if fraction
                       else _("Give a whole number, not %(value)s."))
            raise CellProblem(message % {"value": _shown(value)})
        number = int(Decimal(text.replace(",", "").replace(" ", "")))
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellProblem(_("Give a whole number; %(value)s has a fraction.")
                              % {"value": _shown(value)})
        number = int(value)
    if not column.minimum <= number <= MAX_QUANTITY:
        raise CellProblem(_("Give a number from %(minimum)s to %(maximum)s, not %(value)s.")
                          % {"minimum": column.minimum, "maximum": f"{MAX_QUANTITY:,}",
                             "value": _shown(value)})
    return number


@functools.cache
def _yes_no_words() -> tuple[frozenset[str], frozenset[str]]:
    yes, no = set(YES_WORDS), set(NO_WORDS)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            yes.add(_key(pgettext("spreadsheet value", "yes")))
            no.add(_key(pgettext("spreadsheet value", "no")))
    return frozenset(yes), frozenset(no)


def read_yes_no(value, column: Column) -> bool:
    """Return a yes/no cell: 是/否, yes/no, true/false, 1/0."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    yes, no = _yes_no_words()
    word = _key(value)
    if word in yes or word in no:
        return word in yes
    raise CellProblem(_("Give yes or no (是/否, yes/no, true/false, 1/0), not %(value)s.")
                      % {"value": _shown(value)})


def read_addresses(value, column: Column) -> list[str]:
    """Return the IP addresses of a cell, separated by commas, semicolons, spaces or lines."""
    addresses, bad = [], []
    for part in ADDRESS_SEPARATORS.split(unicodedata.normalize("NFKC", str(value)).strip()):
        try:
            address = str(ipaddress.ip_address(part))
        except ValueError:
            bad.append(part)
            continue
        if address not in addresses:
            addresses.append(address)
    if bad:
        raise CellProblem(_("Not an IP address: %(values)s.")
                          % {"values": ", ".join(_shown(part) for part in bad[:5])})
    if len(addresses) > MAX_ADDRESSES:
        raise CellProblem(_("At most %(limit)s IP addresses per host.")
                          % {"limit": MAX_ADDRESSES})
    return addresses


@functools.cache
def _status_words() -> dict[str, str]:
    words = {}
    for status in HostStatus:
        words[_key(status.value)] = status.value
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                words[_key(status.label)] = status.value
    return words


def read_status(value, column: Column) -> str:
    """Return a host status from its value or its label in any language."""
    status = _status_words().get(_key(value))
    if status == HostStatus.DECOMMISSIONED:
        raise CellProblem(_("A decommissioned host is not imported; leave the row out."))
    if status is None:
        labels = ", ".join(f"{status.value} ({status.label})" for status in HostStatus
                           if status in IMPORTED_STATUSES)
        raise CellProblem(_("Unknown status %(value)s; give one of %(statuses)s.")
                          % {"value": _shown(value), "statuses": labels})
    return status


# --- the columns ------------------------------------------------------------------------


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
        return {_key(name) for name in names if name}


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


def _table_name(kind: str) -> str:
    return pgettext("spreadsheet sheet", "Systems") if kind == SYSTEMS else pgettext(
        "spreadsheet sheet", "Hosts")


def _sheet_keys(kind: str) -> set[str]:
    names = set(SHEET_NAMES[kind])
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(_table_name(kind))
    return {_key(name) for name in names}


# --- reading files ----------------------------------------------------------------------


@dataclass
class Sheet:
    """One table as read from the file: its heading row and its non-empty rows, numbered
    as the spreadsheet numbers them. ``title`` is the sheet's name; empty for a CSV file."""

    title: str
    kind: str | None
    header_row: int
    headings: list[str]
    rows: list[tuple[int, tuple]]

    def heading(self, index: int) -> str:
        """Return the heading of a column as written, or its letter if it has none."""
        if index < len(self.headings) and self.headings[index]:
            return self.headings[index]
        return get_column_letter(index + 1)


def read_limited(upload) -> bytes:
    """Return the bytes of an uploaded or opened file, at most one past the size limit."""
    return upload.read(MAX_BYTES + 1)


def read_file(data: bytes, file_name: str, kind: str | None = None) -> list[Sheet]:
    """Return the tables of an XLSX or CSV file, or refuse a file that is not one."""
    if not data:
        _refuse(_("The file is empty."))
    if len(data) > MAX_BYTES:
        _refuse(_("The file is larger than %(limit)s MB; split it into smaller files.")
                % {"limit": MAX_BYTES // (1024 * 1024)})
    if data.startswith(b"PK\x03\x04"):
        return _read_workbook(data, kind)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        _refuse(_("The file is an Excel 97–2003 workbook (.xls) or an encrypted workbook; "
                  "save it as an unencrypted .xlsx file."))
    if data.startswith(b"%PDF"):
        _refuse(_("The file is a PDF document, not a spreadsheet; save the table as XLSX "
                  "or CSV."))
    suffix = PurePath(file_name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        _refuse(_("The file is named %(suffix)s but is not an XLSX workbook.")
                % {"suffix": suffix})
    return [_read_csv(data, kind)]


def _read_workbook(data: bytes, kind: str | None) -> list[Sheet]:
    damaged = _("The workbook cannot be read: it is damaged or not an XLSX workbook.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            is_workbook = "xl/workbook.xml" in archive.namelist()
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        _refuse(damaged)
    if not is_workbook:
        _refuse(_("The file is a ZIP archive but not an XLSX workbook (an .ods, .numbers "
                  "or .docx file?); save the table as XLSX or CSV."))
    if unpacked > MAX_UNPACKED_BYTES:
        _refuse(_("The workbook unpacks to more than %(limit)s MB; split it into smaller "
                  "files.") % {"limit": MAX_UNPACKED_BYTES // (1024 * 1024)})
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # any fault of an untrusted file is the file's
        _refuse(damaged)
    try:
        return _read_sheets(workbook, kind)
    except ImportRefused:
        raise
    except Exception:  # a damaged sheet shows only once it is read
        _refuse(damaged)
    finally:
        workbook.close()


def _read_sheets(workbook, kind: str | None) -> list[Sheet]:
    """Return the systems and hosts sheets, found by name; a lone sheet may be either.

    Other sheets (the allocation and the ledger of an export) are left alone.
    """
    worksheets = workbook.worksheets
    named = {}
    for table in KINDS:
        keys = _sheet_keys(table)
        found = next((sheet for sheet in worksheets if _key(sheet.title) in keys), None)
        if found is not None and kind in (None, table):
            named[table] = found
    if not named and len(worksheets) == 1:
        named[kind] = worksheets[0]
    if not named:
        wanted = "系统 (systems), 主机 (hosts)" if kind is None else " / ".join(
            SHEET_NAMES[kind][::2])
        _refuse(_("The workbook has no sheet named %(wanted)s; its sheets are %(sheets)s.")
                % {"wanted": wanted, "sheets": ", ".join(_shown(s.title) for s in worksheets)})
    sheets, budget = [], MAX_ROWS
    for table, worksheet in named.items():
        rows = worksheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
        sheet = _sheet(worksheet.title, table, rows, budget)
        budget -= len(sheet.rows)
        sheets.append(sheet)
    return sheets


def _decode(data: bytes) -> str | None:
    """Return the text of a CSV file in UTF-8 (with or without BOM) or GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return None if CONTROL_CHARACTERS.search(text) else text
    return None


def _read_csv(data: bytes, kind: str | None) -> Sheet:
    text = _decode(data)
    if text is None:
        _refuse(_("The file is not a spreadsheet: neither an XLSX workbook nor CSV text in "
                  "UTF-8 or GB18030."))
    if text.lstrip().startswith("<"):
        _refuse(_("The file is a web page or XML, not a spreadsheet; save the table as XLSX "
                  "or CSV."))
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        _refuse(_("The CSV text cannot be read: %(error)s.") % {"error": error})
    return _sheet("", kind, rows, MAX_ROWS)


def _sheet(title: str, kind: str | None, rows: Iterable[tuple], budget: int) -> Sheet:
    """Read the heading row (the first that is not empty) and the rows below it."""
    header_row, headings, body = 0, [], []
    for number, values in enumerate(rows, start=1):
        if number > LAST_ROW:
            _refuse(_("The sheet goes on past row %(row)s; delete the empty rows below the "
                      "table.") % {"row": f"{LAST_ROW:,}"}, sheet=title)
        if all(_blank(value) for value in values):
            continue
        if not header_row:
            header_row, headings = number, _headings(title, number, values)
            continue
        if len(body) == budget:
            _refuse(_("The file has more than %(limit)s rows; split it into smaller files.")
                    % {"limit": f"{MAX_ROWS:,}"}, sheet=title, row=number)
        body.append((number, tuple(values)))
    if not header_row:
        _refuse(_("The table is empty: it has no heading row."), sheet=title)
    if not body:
        _refuse(_("The table has headings but no rows."), sheet=title, row=header_row)
    return Sheet(title, kind, header_row, headings, body)


def _headings(title: str, row: int, values) -> list[str]:
    headings = ["" if _blank(value) else str(value).strip() for value in values]
    while headings and not headings[-1]:
        headings.pop()
    if len(headings) > MAX_COLUMNS:
        _refuse(_("The table has more than %(limit)s columns.") % {"limit": MAX_COLUMNS},
                sheet=title, row=row, column=headings[MAX_COLUMNS])
    return headings


# --- recognising the columns ------------------------------------------------------------


def _column_map(columns: list[Column]) -> dict[str, Column]:
    """Return heading key -> column; an earlier column keeps a key two could claim."""
    found: dict[str, Column] = {}
    for column in columns:
        for key in column.match_keys():
            found.setdefault(key, column)
    return found


def _guess_kind(sheet: Sheet, contract: Contract) -> str:
    """Tell a lone table's kind by which table's columns its headings name more of."""
    scores = {}
    for kind in KINDS:
        known = _column_map(table_columns(kind, contract))
        scores[kind] = sum(_key(heading) in known for heading in sheet.headings if heading)
    if scores[SYSTEMS] == scores[HOSTS]:
        _refuse(_("Cannot tell by its headings whether the table lists systems or hosts; "
                  "say which it is."), sheet=sheet.title, row=sheet.header_row)
    return max(scores, key=scores.get)


def _recognise(sheet: Sheet, columns: list[Column], problems: list) -> dict[int, Column]:
    """Return column index -> column; report unknown, repeated and missing columns, and
    values in a column without a heading."""
    known, found, seen = _column_map(columns), {}, {}
    width = min(max(len(values) for _row, values in sheet.rows), MAX_COLUMNS + 1)
    for index in range(max(width, len(sheet.headings))):
        heading = sheet.headings[index] if index < len(sheet.headings) else ""
        if not heading:
            if any(index < len(values) and not _blank(values[index])
                   for _row, values in sheet.rows):
                problems.append(Problem(sheet.title, sheet.header_row, sheet.heading(index),
                                        _("This column has values but no heading.")))
            continue
        column = known.get(_key(heading))
        if column is None:
            problems.append(Problem(sheet.title, sheet.header_row, heading, _(
                "Unknown column. The %(table)s table has the columns: %(columns)s.")
                % {"table": _table_name(sheet.kind),
                   "columns": ", ".join(c.title for c in columns if c.rented)}))
        elif column.field in seen:
            problems.append(Problem(sheet.title, sheet.header_row, heading, _(
                "The column is there twice (also column %(letter)s).")
                % {"letter": get_column_letter(seen[column.field] + 1)}))
        else:
            found[index], seen[column.field] = column, index
    for column in columns:
        if column.required and column.field not in seen:
            problems.append(Problem(sheet.title, sheet.header_row, column.title,
                                    _("This column is required but missing.")))
    return found


def _read_row(sheet: Sheet, number: int, values: tuple, columns: dict[int, Column],
              problems: list) -> tuple[dict, bool]:
    """Return field -> value of the cells of one row that are right, and whether all are.

    An empty cell gives no value: a new row takes the default (no text, 0, no, running),
    an existing system keeps what it has.
    """
    cleaned, right = {}, True
    for index, column in columns.items():
        value = values[index] if index < len(values) else None
        try:
            if _blank(value):
                if column.required:
                    raise CellProblem(_("This cell is required."))
                continue
            cleaned[column.field] = column.read(value, column)
        except CellProblem as problem:
            problems.append(Problem(sheet.title, number, sheet.heading(index), str(problem)))
            right = False
    return cleaned, right


# --- checking an import against the contract --------------------------------------------


@dataclass
class SystemRow:
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


@dataclass
class HostRow:
    row: int
    system_key: str
    values: dict


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
    existing = {_key(system.label): system
                for system in contract.systems.select_related("vendor")}
    tables = {}
    for sheet in sheets:
        sheet.kind = sheet.kind or _guess_kind(sheet, contract)
        tables[sheet.kind] = sheet
    plan, in_file = Plan([], []), set()
    if SYSTEMS in tables:
        plan.systems, in_file = _plan_systems(tables[SYSTEMS], existing, problems)
    if HOSTS in tables:
        plan.hosts_sheet = tables[HOSTS].title
        plan.hosts, headings = _plan_hosts(contract, tables[HOSTS], existing, in_file,
                                           problems)
        problems += _headroom_problems(contract, tables[HOSTS], plan.hosts, headings)
    if problems:
        raise ImportRefused(problems)
    return plan


def _plan_systems(sheet: Sheet, existing: dict,
                  problems: list) -> tuple[list[SystemRow], set[str]]:
    """Return the systems rows that are right, and the key of every system the table names."""
    columns = _recognise(sheet, list(SYSTEM_COLUMNS), problems)
    heading = next((sheet.headings[i] for i, c in columns.items() if c.field == "name"), "")
    rows, seen = [], {}
    for number, values in sheet.rows:
        cleaned, right = _read_row(sheet, number, values, columns, problems)
        if not cleaned.get("name"):
            continue
        key = _key(cleaned["name"])
        if key in seen:
            problems.append(Problem(sheet.title, number, heading, _(
                "The system %(name)s is on row %(row)s already.")
                % {"name": _shown(cleaned["name"]), "row": seen[key]}))
            continue
        seen[key] = number
        if right:
            rows.append(SystemRow(number, cleaned["name"], cleaned, existing.get(key)))
    return rows, set(seen)


def _plan_hosts(contract: Contract, sheet: Sheet, existing: dict, in_file: set[str],
                problems: list) -> tuple[list[HostRow], dict[str, str]]:
    """Return the hosts rows that are right, and field -> heading as the file writes it."""
    columns = _recognise(sheet, table_columns(HOSTS, contract), problems)
    headings = {column.field: sheet.headings[index] for index, column in columns.items()}
    rented = set(contract.current_version.catalogitems.values_list("meter", flat=True))
    taken = set(CloudHost.objects.filter(system__contract=contract).values_list(
        "system_id", "name"))
    rows, seen = [], {}
    for number, values in sheet.rows:
        cleaned, right = _read_row(sheet, number, values, columns, problems)
        if not (cleaned.get("system") and cleaned.get("name")):
            continue
        found = [Problem(sheet.title, number, headings[field], message) for field, message in
                 _host_problems(cleaned, existing, in_file, taken, seen, rented, contract)]
        problems += found
        seen.setdefault((_key(cleaned["system"]), cleaned["name"]), number)
        if right and not found:
            rows.append(HostRow(number, _key(cleaned["system"]), cleaned))
    return rows, headings


def _host_problems(host: dict, existing: dict, in_file: set[str], taken: set, seen: dict,
                   rented: set[str], contract: Contract) -> Iterable[tuple[str, str]]:
    """Yield (field, message) for what is wrong with a host beyond its cells."""
    key, name = _key(host["system"]), host["name"]
    system = existing.get(key)
    if system is None and key not in in_file:
        yield "system", _("Unknown system %(system)s: not a system of %(contract)s, and not "
                          "in the file's systems table.") % {
            "system": _shown(host["system"]), "contract": contract.code}
    elif (key, name) in seen:
        yield "name", _("The host %(name)s of %(system)s is on row %(row)s already.") % {
            "name": _shown(name), "system": host["system"], "row": seen[(key, name)]}
    elif system is not None and (system.pk, name) in taken:
        yield "name", _("%(system)s has a host named %(name)s already.") % {
            "system": system.label, "name": _shown(name)}
    for field in (*HOST_SIZE_METERS, *sorted(HOST_SERVICE_METERS)):
        if host.get(field) and HOST_SIZE_METERS.get(field, field) not in rented:
            yield field, _("The contract %(contract)s does not rent this; leave the cell "
                           "empty.") % {"contract": contract.code}


def _host_size(values: dict) -> dict:
    return {field: values.get(field, 0) for field in HOST_SIZE_METERS}


def _services(values: dict) -> list[str]:
    return sorted(meter for meter in HOST_SERVICE_METERS if values.get(meter))


def _headroom_problems(contract: Contract, sheet: Sheet, hosts: list[HostRow],
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


# --- storing an import ------------------------------------------------------------------


def _vendors(names: set[str], *, create: bool) -> tuple[dict[str, Organization], int]:
    """Return name -> organization and how many are new: an unknown name becomes an
    application vendor (if ``create``)."""
    found = {org.name: org for org in Organization.objects.filter(name__in=names)}
    missing = sorted(names - set(found))
    if create:
        for name in missing:
            found[name] = Organization.objects.create(name=name, kind=OrganizationKind.VENDOR)
    return found, len(missing)


def _store_systems(contract: Contract, plan: Plan, vendors: dict) -> dict:
    """Create and update the systems of the plan; return key -> system of the contract.

    A new system is not in the contract's table: no row, not listed in the contract.
    """
    systems = {_key(system.label): system for system in contract.systems.all()}
    for row in plan.systems:
        changes = row.changes()
        if row.system is not None and not changes:
            continue
        system = row.system or ApplicationSystem(
            contract=contract, name=row.label, label=row.label, listed_in_contract=False)
        for field, value in changes.items():
            setattr(system, field, vendors.get(value) if field == "vendor" else value)
        system.save()
        systems[_key(row.label)] = system
    return systems


def _store_hosts(plan: Plan, systems: dict, *, actor, reason: str) -> None:
    """Register every host through the ledger, all at one moment."""
    moment = timezone.now()
    for host in plan.hosts:
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
            raise ImportRefused(Problem(plan.hosts_sheet, host.row, "", message)
                                for message in error.messages) from None


def _result(plan: Plan, file_name: str, *, dry_run: bool, vendors_created: int) -> ImportResult:
    """Count what the plan creates and changes; before it is stored, which changes rows."""
    matched = [row for row in plan.systems if row.system is not None]
    updated = sum(bool(row.changes()) for row in matched)
    return ImportResult(
        file_name=file_name, dry_run=dry_run,
        systems_created=len(plan.systems) - len(matched), systems_updated=updated,
        systems_unchanged=len(matched) - updated, hosts_created=len(plan.hosts),
        vendors_created=vendors_created)


# --- importing: who, and all or nothing -------------------------------------------------


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


def _via(actor) -> dict:
    return {"via": "command"} if actor is None else {}


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
            _refuse(_("Unknown kind of table %(kind)s; give systems or hosts.")
                    % {"kind": _shown(kind)})
        sheets = read_file(data, file_name, kind or None)
        with transaction.atomic():
            Contract.objects.select_for_update().get(pk=contract.pk)
            plan = _plan(contract, sheets)
            vendors, new_vendors = _vendors(plan.vendor_names(), create=not dry_run)
            result = _result(plan, file_name, dry_run=dry_run, vendors_created=new_vendors)
            if dry_run:
                return result
            systems = _store_systems(contract, plan, vendors)
            _store_hosts(plan, systems, actor=actor,
                         reason=_("import of %(file)s") % {"file": file_name})
            record_event("inventory.import", actor=actor, request=request, target=contract,
                         details={"file": file_name, **result.counts(), "kind": kind or "",
                                  "sha256": hashlib.sha256(data).hexdigest(), **_via(actor)})
            return result
    except ImportRefused as refusal:
        if not dry_run:
            record_event("inventory.import", actor=actor, request=request, target=contract,
                         outcome=Outcome.DENIED,
                         details={"file": file_name, "problems": len(refusal.problems),
                                  "first": [str(p) for p in refusal.problems[:10]],
                                  **_via(actor)})
        raise


def import_format(contract: Contract | None = None) -> dict:
    """Describe the import file: limits, sheet names, and each table's columns."""
    tables = []
    for kind in KINDS:
        columns = [column for column in table_columns(kind, contract) if column.rented]
        with translation.override("en"):
            english = [column.title for column in columns]
        tables.append({
            "kind": kind, "sheet_names": [_table_name(kind), *SHEET_NAMES[kind]],
            "columns": [{"field": column.field, "heading": column.title,
                         "chinese": column.chinese or column.title, "english": name,
                         "required": column.required}
                        for column, name in zip(columns, english, strict=True)],
        })
    return {"max_bytes": MAX_BYTES, "max_rows": MAX_ROWS,
            "formats": ["XLSX", "CSV (UTF-8, GB18030)"], "tables": tables}


# --- exporting --------------------------------------------------------------------------


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
    sheet.append(headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, values in enumerate(rows, start=2):
        for index, value in enumerate(values, start=1):
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell = sheet.cell(row=number, column=index, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
            elif isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
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
    _add_sheet(workbook, _table_name(SYSTEMS), [c.title for c in SYSTEM_COLUMNS],
               _system_rows(systems))
    _add_sheet(workbook, _table_name(HOSTS), [c.title for c in (*HOST_COLUMNS, *services)],
               _host_rows(hosts, services))
    with_allocation = actor is None or actor.role in CONTRACT_WIDE_ROLES
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
        "allocation": with_allocation, **_via(actor)})
    return buffer.getvalue()


def export_file_name(contract: Contract) -> str:
    """Return the name an export is downloaded under: the contract's code and the time."""
    moment = timezone.localtime(timezone.now(), SHANGHAI)
    return f"{contract.code}-inventory-{moment:%Y%m%d-%H%M}.xlsx"
