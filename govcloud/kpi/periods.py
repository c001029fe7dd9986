"""Periods the KPIs are computed over: a month, a quarter, a year, the contract term or a
range of days, always whole local days."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

#: The earliest and latest years a period may name.
FIRST_YEAR, LAST_YEAR = 2000, 2100

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Period:
    """Local days ``first`` to ``last``, both included; ``label`` as the user wrote it."""

    first: date
    last: date
    label: str

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, datetime.min.time()))

    @property
    def end(self) -> datetime:
        """The instant after the last day."""
        return timezone.make_aware(datetime.combine(self.last + timedelta(days=1),
                                                    datetime.min.time()))

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def is_open(self, now: datetime | None = None) -> bool:
        """Whether the period is still running (its end lies ahead)."""
        return (now or timezone.now()) < self.end

    def observed_until(self, now: datetime | None = None) -> datetime:
        """The end of the period, or now if it has not ended."""
        return min(self.end, now or timezone.now())

    @property
    def display_label(self) -> str:
        """The label in the reader's language: ``term`` reads "contract term"."""
        return _("contract term") if self.label == "term" else self.label

    def __str__(self) -> str:
        return self.label


def _year(text: str) -> int:
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(_("The year %(year)s is outside %(first)s–%(last)s.")
                              % {"year": year, "first": FIRST_YEAR, "last": LAST_YEAR})
    return year


def month_period(year: int, month: int) -> Period:
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return Period(first, following - timedelta(days=1), f"{year:04d}-{month:02d}")


def parse_period(text: str, contract=None) -> Period:
    """Read ``2025-10``, ``2025-Q4``, ``2025``, ``term`` or ``2025-07-29..2025-12-31``."""
    text = (text or "").strip()
    if text == "term":
        if contract is None:
            raise ValidationError(_("The contract term needs a contract."))
        version = contract.current_version
        return Period(version.term_start, version.term_end, "term")
    if match := _MONTH.match(text):
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise ValidationError(_("%(text)s: there is no month %(month)s.")
                                  % {"text": text, "month": month})
        return month_period(_year(match.group(1)), month)
    if match := _QUARTER.match(text):
        year, quarter = _year(match.group(1)), int(match.group(2))
        first = date(year, 3 * quarter - 2, 1)
        last = month_period(year, 3 * quarter).last
        return Period(first, last, f"{year}-Q{quarter}")
    if match := _YEAR.match(text):
        year = _year(match.group(1))
        return Period(date(year, 1, 1), date(year, 12, 31), str(year))
    if match := _RANGE.match(text):
        try:
            first, last = (date.fromisoformat(part) for part in match.groups())
        except ValueError as error:
            raise ValidationError(_("%(text)s: %(error)s.") % {"text": text, "error": error})\
                from error
        if last < first:
            raise ValidationError(_("%(text)s: the range ends before it starts.")
                                  % {"text": text})
        _year(str(first.year))
        _year(str(last.year))
        return Period(first, last, text)
    raise ValidationError(_(
        "%(text)s is not a period: write a month (2025-10), a quarter (2025-Q4), a year "
        "(2025), term, or a range of days (2025-07-29..2025-12-31).") % {"text": text or "''"})
