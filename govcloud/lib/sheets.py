"""Writing rows to spreadsheets that are safe to open, whatever text the rows hold.

Exports carry text chosen by others (a failed sign-in's user name, a vendor's system
description). Two things go wrong with such text in a spreadsheet: text that starts like a
formula runs as one when the reader opens or edits the cell (CSV/formula injection), and
control characters that XML cannot hold make openpyxl refuse the whole workbook. Every
export writes its cells through this module, so both guards hold everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TypeGuard

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

#: A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Shown in place of a character a workbook cannot hold, so that the reader sees one was there.
REPLACEMENT_CHARACTER = "\ufffd"
DATE_TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DATE_FORMAT = "yyyy-mm-dd"
#: What a cell holds: text, a number, a date or time, or nothing (what openpyxl writes).
CellValue = str | int | float | Decimal | bool | datetime | date | time | timedelta | None


def looks_like_formula(value: object) -> TypeGuard[str]:
    """Return whether a spreadsheet would take this value for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def printable(value: CellValue) -> CellValue:
    """Return the value with every character a workbook cannot hold replaced visibly."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT_CHARACTER, value)
    return value


def csv_value(value: CellValue) -> CellValue:
    """Return a value for a CSV cell: formula-like text behind an apostrophe, as Excel does."""
    return "'" + value if looks_like_formula(value) else value


def write_rows(sheet: Worksheet, rows: Iterable[Iterable[CellValue]], *,
               first_row: int = 1) -> int:
    """Write rows from ``first_row`` down and return the number of the row after the last.

    Formula-like text is stored as text with Excel's quote prefix (the cell-level "'"): the
    reader sees the text as written, and editing the cell does not turn it into a formula.
    Dates and times get a readable number format.
    """
    number = first_row
    for values in rows:
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=column, value=printable(value))
            if looks_like_formula(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True
            elif isinstance(value, datetime):
                cell.number_format = DATE_TIME_FORMAT
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
        number += 1
    return number
