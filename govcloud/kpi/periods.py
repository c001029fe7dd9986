"""Periods the KPIs are computed over: a month, a quarter, a year, the contract term or a
range of days, always whole local days; and the one place that constructs the named ones
("this month", "last month", "the last 7 days", the latest month with data).

A calendar period read for a contract covers only the days the contract's service runs:
from the term's start to its end, or on through the transitional service (Art. 11) when
the contract has one. "2025-07" of a term that starts on 2025-07-29 is 07-29 to 07-31.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from govcloud.telemetry import figures

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

    def closing_moment(self, now: datetime | None = None) -> datetime:
        """The last instant inside the period, or now if it has not ended: where a count
        "at the end of the period" is stamped."""
        return min(self.end - timedelta(microseconds=1), now or timezone.now())

    @property
    def is_whole_year(self) -> bool:
        return self.label == "term" or bool(_YEAR.match(self.label))

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
    """Read ``2025-10``, ``2025-Q4``, ``2025``, ``term`` or ``2025-07-29..2025-12-31``; a
    month, quarter or year of a contract is cut to the days of its service."""
    period = _parse(text, contract)
    if contract is None or _RANGE.match(period.label) or period.label == "term":
        return period
    return within_service(period, contract)


def service_days(contract) -> tuple[date, date | None]:
    """The first and last day of the contract's service; no last day while the
    transitional service (Art. 11) runs on until a new tender."""
    version = contract.current_version
    return version.term_start, None if version.transition_start else version.term_end


def within_service(period: Period, contract) -> Period:
    """``period`` cut to the days of the contract's service; refused if none is inside."""
    first, last = service_days(contract)
    cut = Period(max(period.first, first), min(period.last, last or period.last), period.label)
    if cut.last < cut.first:
        raise ValidationError(_(
            "%(text)s lies outside the contract's service (%(first)s to %(last)s).") % {
            "text": period.label, "first": first, "last": last or _("a new tender")})
    return cut


def _parse(text: str, contract) -> Period:
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


def this_month(now: datetime | None = None) -> Period:
    today = timezone.localdate(now)
    return month_period(today.year, today.month)


def last_month(now: datetime | None = None) -> Period:
    last = timezone.localdate(now).replace(day=1) - timedelta(days=1)
    return month_period(last.year, last.month)


def this_quarter(now: datetime | None = None) -> Period:
    today = timezone.localdate(now)
    return _parse(f"{today.year}-Q{(today.month - 1) // 3 + 1}", None)


def this_year(now: datetime | None = None) -> Period:
    return _parse(str(timezone.localdate(now).year), None)


def last_days(days: int, until: date | None = None) -> Period:
    """``days`` days up to ``until`` (today by default), both included."""
    last = until or timezone.localdate()
    first = last - timedelta(days=days - 1)
    return Period(first, last, f"{first.isoformat()}..{last.isoformat()}")


def month_of(day: date) -> Period:
    return month_period(day.year, day.month)


def year_to_date(period: Period, contract=None) -> Period:
    """From the first day of ``period``'s last year (or of the contract's service) to its
    last day: how a yearly promise stands at the end of a shorter period."""
    ytd = Period(date(period.last.year, 1, 1), period.last, "")
    if contract is not None:
        ytd = within_service(ytd, contract)
    return Period(ytd.first, ytd.last, f"{ytd.first.isoformat()}..{ytd.last.isoformat()}")


def latest_month_with_data(contract, systems=None, now: datetime | None = None,
                           hosts=None, min_days: int = 1) -> Period:
    """The month of the latest day with telemetry of the contract, of ``systems`` or of
    ``hosts`` (up to today): where the KPI pages open. The month before when the latest
    has fewer than ``min_days`` days yet and that one has data; this month when there is
    no data at all."""
    latest = figures.last_day_with_data(contract, systems, hosts,
                                        until=timezone.localdate(now))
    if latest is None:
        return this_month(now)
    month = month_of(latest)
    if latest.day < min_days:
        before = month.first - timedelta(days=1)
        if figures.last_day_with_data(contract, systems, hosts, until=before) is not None:
            return month_of(before)
    return month


def latest_days_with_data(days: int, host, now: datetime | None = None) -> Period:
    """The ``days`` days up to the host's latest day with telemetry (or today)."""
    latest = figures.last_day_with_data(host.system.contract, hosts=[host],
                                        until=timezone.localdate(now))
    return last_days(days, latest or timezone.localdate(now))
