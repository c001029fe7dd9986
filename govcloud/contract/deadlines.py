"""Deadlines of a contract: "15 working days after the invoice", "30 days before the end".

A rule is the contract file's ``due`` mapping. It resolves to a date once every event it
counts from has happened; events the contract itself dates (signing, start and end of
the term) are always known.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from govcloud.contract.choices import DeadlineAnchor
from govcloud.lib.workdays import UnknownCalendarYear, add_working_days

if TYPE_CHECKING:
    from govcloud.contract.models import ContractVersion


@dataclass(frozen=True)
class Deadline:
    """A resolved deadline: its date, or the events still awaited."""

    rule: dict
    due_on: date | None
    waiting_for: tuple[str, ...]
    problem: str = ""


def known_dates(version: ContractVersion) -> dict[str, date]:
    """Return the dates a contract version fixes by itself."""
    return {
        DeadlineAnchor.SIGNING: version.signed_on,
        DeadlineAnchor.TERM_START: version.term_start,
        DeadlineAnchor.TERM_END: version.term_end,
    }


def resolve_deadline(rule: dict, version: ContractVersion,
                     events: dict[str, date] | None = None) -> Deadline:
    """Return the date a rule falls due, counting from the last (or first) of its events.

    Where the official calendar of a year the count passes through is not known yet, the
    deadline has no date and ``problem`` says why: a guess would be wrong after 调休.
    """
    dates = {**known_dates(version), **(events or {})}
    anchors: list[str] = rule.get("after") or rule.get("before") or []  # one of them (schema)
    missing = tuple(anchor for anchor in anchors if anchor not in dates)
    if missing:
        return Deadline(rule, None, missing)
    if "after" in rule:
        start, sign = max(dates[anchor] for anchor in anchors), 1
    else:
        start, sign = min(dates[anchor] for anchor in anchors), -1
    if "working_days" in rule:
        try:
            due_on = add_working_days(start, sign * rule["working_days"])
        except UnknownCalendarYear as error:
            problem = _("China's official working-day calendar for %(year)s is not known to this "
                        "installation; upgrade the chinesecalendar package once the State "
                        "Council has published that year's holiday notice.")
            return Deadline(rule, None, (), problem=problem % {"year": error.year})
    else:
        due_on = start + timedelta(days=sign * rule["days"])
    return Deadline(rule, due_on, ())


def describe_anchor(anchor: str) -> str:
    try:
        return str(DeadlineAnchor(anchor).label)
    except ValueError:
        return anchor


def describe_deadline(rule: dict) -> str:
    """Describe a rule in the active language: "15 working days after receipt of the invoice"."""
    if "working_days" in rule:
        count = rule["working_days"]
        amount = ngettext("%(count)d working day", "%(count)d working days", count)
        amount %= {"count": count}
    else:
        count = rule["days"]
        amount = ngettext("%(count)d day", "%(count)d days", count) % {"count": count}
    events = _(" and ").join(describe_anchor(a) for a in rule.get("after") or rule["before"])
    if "after" in rule:
        return _("%(amount)s after %(events)s") % {"amount": amount, "events": events}
    return _("%(amount)s before %(events)s") % {"amount": amount, "events": events}


def describe_duration(within: dict) -> str:
    """Describe a time limit such as ``{"hours": 1}`` in the active language."""
    unit, count = next(iter(within.items()))
    forms = {
        "minutes": ngettext("%(count)d minute", "%(count)d minutes", count),
        "hours": ngettext("%(count)d hour", "%(count)d hours", count),
        "days": ngettext("%(count)d day", "%(count)d days", count),
        "working_days": ngettext("%(count)d working day", "%(count)d working days", count),
    }
    return forms[unit] % {"count": count}
