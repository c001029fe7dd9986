"""Systems and hosts in and out of spreadsheets (issue #5): the one place the rules live.

Agencies keep their inventories in Excel. An import reads a workbook (sheets 系统/systems
and 主机/hosts) or a CSV file of one table, checks every row, and then stores all of it in
one transaction (systems first, then hosts through the allocation ledger) or nothing, with
a report of every problem: the sheet, the row as the spreadsheet numbers it, the column as
the file heads it, and what is wrong. An export writes what the person may see in the same
format, so that it imports again, plus the contract's allocation and its ledger.

The modules, from the bottom up: ``base`` (limits, table kinds, problems), ``cells``
(reading one cell), ``columns`` (the tables' columns), ``files`` (XLSX and CSV, encodings),
``rows`` (recognising headings, reading rows), ``systems`` and ``hosts`` (checking and
storing each table), ``importing`` (the import service) and ``exporting`` (the export).
Callers import from this package, not from its modules.
"""

from __future__ import annotations

from govcloud.inventory.spreadsheets.base import (
    HOSTS,
    KINDS,
    LAST_ROW,
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    SHANGHAI,
    SYSTEMS,
    XLSX_CONTENT_TYPE,
    ImportRefused,
    Problem,
)
from govcloud.inventory.spreadsheets.columns import Column, service_columns, table_columns
from govcloud.inventory.spreadsheets.exporting import export_file_name, export_workbook
from govcloud.inventory.spreadsheets.files import Sheet, read_file, read_limited
from govcloud.inventory.spreadsheets.importing import ImportResult, import_format, import_inventory

__all__ = [
    "HOSTS",
    "KINDS",
    "LAST_ROW",
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "SHANGHAI",
    "SYSTEMS",
    "XLSX_CONTENT_TYPE",
    "Column",
    "ImportRefused",
    "ImportResult",
    "Problem",
    "Sheet",
    "export_file_name",
    "export_workbook",
    "import_format",
    "import_inventory",
    "read_file",
    "read_limited",
    "service_columns",
    "table_columns",
]
