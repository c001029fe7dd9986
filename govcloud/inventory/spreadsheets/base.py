"""What every part of the import and export shares: limits, table kinds, how names are
compared, and the problems an import reports."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import NoReturn
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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


def match_key(text) -> str:
    """Return a heading or name as compared: width, case, spaces and brackets ignored."""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    return re.sub(r"[\s_()\[\]]+", "", folded)


def is_blank(value) -> bool:
    """Return whether a cell is empty: nothing, or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def quoted(value) -> str:
    """Return a value as a problem message quotes it, cut short so a message stays readable."""
    text = str(value).strip()
    return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"


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


def refuse(problem: str, *, sheet: str = "", row: int | None = None,
           column: str = "") -> NoReturn:
    """Stop the import with one problem (of the whole file, a sheet or a row)."""
    raise ImportRefused([Problem(sheet, row, column, problem)])


def via(actor) -> dict:
    """Return what the audit record adds when the command line, not a person, acted."""
    return {"via": "command"} if actor is None else {}
