"""Reading an import file: an XLSX workbook or CSV text (UTF-8 or GB18030), refused early
when it is too large, damaged, a zip bomb or not a spreadsheet at all."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from govcloud.inventory.spreadsheets.base import (
    KINDS,
    LAST_ROW,
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    SHEET_NAMES,
    ImportRefused,
    is_blank,
    match_key,
    quoted,
    refuse,
)
from govcloud.inventory.spreadsheets.columns import sheet_keys

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
        refuse(_("The file is empty."))
    if len(data) > MAX_BYTES:
        refuse(_("The file is larger than %(limit)s MB; split it into smaller files.")
               % {"limit": MAX_BYTES // (1024 * 1024)})
    if data.startswith(b"PK\x03\x04"):
        return _read_workbook(data, kind)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        refuse(_("The file is an Excel 97–2003 workbook (.xls) or an encrypted workbook; "
                 "save it as an unencrypted .xlsx file."))
    if data.startswith(b"%PDF"):
        refuse(_("The file is a PDF document, not a spreadsheet; save the table as XLSX "
                 "or CSV."))
    suffix = PurePath(file_name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        refuse(_("The file is named %(suffix)s but is not an XLSX workbook.")
               % {"suffix": suffix})
    return [_read_csv(data, kind)]


def _read_workbook(data: bytes, kind: str | None) -> list[Sheet]:
    damaged = _("The workbook cannot be read: it is damaged or not an XLSX workbook.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            is_workbook = "xl/workbook.xml" in archive.namelist()
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        refuse(damaged)
    if not is_workbook:
        refuse(_("The file is a ZIP archive but not an XLSX workbook (an .ods, .numbers "
                 "or .docx file?); save the table as XLSX or CSV."))
    if unpacked > MAX_UNPACKED_BYTES:
        refuse(_("The workbook unpacks to more than %(limit)s MB; split it into smaller "
                 "files.") % {"limit": MAX_UNPACKED_BYTES // (1024 * 1024)})
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # any fault of an untrusted file is the file's
        refuse(damaged)
    try:
        return _read_sheets(workbook, kind)
    except ImportRefused:
        raise
    except Exception:  # a damaged sheet shows only once it is read
        refuse(damaged)
    finally:
        workbook.close()


def _read_sheets(workbook, kind: str | None) -> list[Sheet]:
    """Return the systems and hosts sheets, found by name; a lone sheet may be either.

    Other sheets (the allocation and the ledger of an export) are left alone.
    """
    worksheets = workbook.worksheets
    named = {}
    for table in KINDS:
        keys = sheet_keys(table)
        found = next((sheet for sheet in worksheets if match_key(sheet.title) in keys), None)
        if found is not None and kind in (None, table):
            named[table] = found
    if not named and len(worksheets) == 1:
        named[kind] = worksheets[0]
    if not named:
        wanted = "系统 (systems), 主机 (hosts)" if kind is None else " / ".join(
            SHEET_NAMES[kind][::2])
        refuse(_("The workbook has no sheet named %(wanted)s; its sheets are %(sheets)s.")
               % {"wanted": wanted, "sheets": ", ".join(quoted(s.title) for s in worksheets)})
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
        refuse(_("The file is not a spreadsheet: neither an XLSX workbook nor CSV text in "
                 "UTF-8 or GB18030."))
    if text.lstrip().startswith("<"):
        refuse(_("The file is a web page or XML, not a spreadsheet; save the table as XLSX "
                 "or CSV."))
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        refuse(_("The CSV text cannot be read: %(error)s.") % {"error": error})
    return _sheet("", kind, rows, MAX_ROWS)


def _sheet(title: str, kind: str | None, rows: Iterable[tuple], budget: int) -> Sheet:
    """Read the heading row (the first that is not empty) and the rows below it."""
    header_row, headings, body = 0, [], []
    for number, values in enumerate(rows, start=1):
        if number > LAST_ROW:
            refuse(_("The sheet goes on past row %(row)s; delete the empty rows below the "
                     "table.") % {"row": f"{LAST_ROW:,}"}, sheet=title)
        if all(is_blank(value) for value in values):
            continue
        if not header_row:
            header_row, headings = number, _headings(title, number, values)
            continue
        if len(body) == budget:
            refuse(_("The file has more than %(limit)s rows; split it into smaller files.")
                   % {"limit": f"{MAX_ROWS:,}"}, sheet=title, row=number)
        body.append((number, tuple(values)))
    if not header_row:
        refuse(_("The table is empty: it has no heading row."), sheet=title)
    if not body:
        refuse(_("The table has headings but no rows."), sheet=title, row=header_row)
    return Sheet(title, kind, header_row, headings, body)


def _headings(title: str, row: int, values) -> list[str]:
    headings = ["" if is_blank(value) else str(value).strip() for value in values]
    while headings and not headings[-1]:
        headings.pop()
    if len(headings) > MAX_COLUMNS:
        refuse(_("The table has more than %(limit)s columns.") % {"limit": MAX_COLUMNS},
               sheet=title, row=row, column=headings[MAX_COLUMNS])
    return headings
