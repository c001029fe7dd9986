"""Recognising the columns of a table by their headings, and reading its rows cell by cell."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from govcloud.contract.models import Contract
from govcloud.inventory.spreadsheets.base import (
    HOSTS,
    KINDS,
    MAX_COLUMNS,
    SYSTEMS,
    CellProblem,
    Problem,
    is_blank,
    match_key,
    refuse,
)
from govcloud.inventory.spreadsheets.columns import Column, table_columns, table_name
from govcloud.inventory.spreadsheets.files import Sheet


def column_map(columns: list[Column]) -> dict[str, Column]:
    """Return heading key -> column; an earlier column keeps a key two could claim."""
    found: dict[str, Column] = {}
    for column in columns:
        for key in column.match_keys():
            found.setdefault(key, column)
    return found


def guess_kind(sheet: Sheet, contract: Contract) -> str:
    """Tell a lone table's kind by which table's columns its headings name more of."""
    scores = {}
    for kind in KINDS:
        known = column_map(table_columns(kind, contract))
        scores[kind] = sum(match_key(heading) in known for heading in sheet.headings if heading)
    if scores[SYSTEMS] == scores[HOSTS]:
        refuse(_("Cannot tell by its headings whether the table lists systems or hosts; "
                 "say which it is."), sheet=sheet.title, row=sheet.header_row)
    return max(scores, key=scores.get)


def recognise_columns(sheet: Sheet, columns: list[Column], problems: list) -> dict[int, Column]:
    """Return column index -> column; report unknown, repeated and missing columns, and
    values in a column without a heading."""
    known, found, seen = column_map(columns), {}, {}
    width = min(max(len(values) for _row, values in sheet.rows), MAX_COLUMNS + 1)
    for index in range(max(width, len(sheet.headings))):
        heading = sheet.headings[index] if index < len(sheet.headings) else ""
        if not heading:
            if any(index < len(values) and not is_blank(values[index])
                   for _row, values in sheet.rows):
                problems.append(Problem(sheet.title, sheet.header_row, sheet.heading(index),
                                        _("This column has values but no heading.")))
            continue
        column = known.get(match_key(heading))
        if column is None:
            problems.append(Problem(sheet.title, sheet.header_row, heading, _(
                "Unknown column. The %(table)s table has the columns: %(columns)s.")
                % {"table": table_name(sheet.kind),
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


def read_row(sheet: Sheet, number: int, values: tuple, columns: dict[int, Column],
             problems: list) -> tuple[dict, bool]:
    """Return field -> value of the cells of one row that are right, and whether all are.

    An empty cell gives no value: a new row takes the default (no text, 0, no, running),
    an existing system keeps what it has.
    """
    cleaned, right = {}, True
    for index, column in columns.items():
        value = values[index] if index < len(values) else None
        try:
            if is_blank(value):
                if column.required:
                    raise CellProblem(_("This cell is required."))
                continue
            cleaned[column.field] = column.read(value, column)
        except CellProblem as problem:
            problems.append(Problem(sheet.title, number, sheet.heading(index), str(problem)))
            right = False
    return cleaned, right
