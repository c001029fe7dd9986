"""Computing the figures of a contract's settled periods before anyone asks for them.

The figures of a settled period are computed once and kept (telemetry/settled.py), by
whoever asks first. ``settle`` asks for every month, quarter and year of the service and
for the term, as the dashboard and the usage evaluation would, so that the first reader
of a past period waits no longer than the next one. ``govcloud kpi settle`` runs it; the
demo runs it once its telemetry is written.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from govcloud.kpi.engine import scorecard
from govcloud.kpi.periods import Period, parse_period, service_days
from govcloud.kpi.usage import evaluate_usage
from govcloud.telemetry import figures, settled


def named_periods(contract, until: date) -> list[Period]:
    """Every month, quarter and year of the contract's service up to ``until``, and the
    term, each cut to the days of the service."""
    first, last = service_days(contract)
    last = min(last or until, until)
    labels = []
    for year in range(first.year, last.year + 1):
        labels.append(str(year))
        for month in range(1, 13):
            if date(year, month, 1) <= last and (year, month) >= (first.year, first.month):
                labels.append(f"{year}-{month:02d}")
                if month % 3 == 0 or (year, month) == (last.year, last.month):
                    labels.append(f"{year}-Q{(month - 1) // 3 + 1}")
    return [*(parse_period(label, contract) for label in dict.fromkeys(labels)),
            parse_period("term", contract)]


def settle(contract, now: datetime | None = None) -> list[Period]:
    """Compute and keep the figures of every settled named period that has none yet;
    return the periods settled."""
    now = now or timezone.now()
    done = []
    for period in named_periods(contract, timezone.localdate(now)):
        if not settled.is_settled(period.last, now):
            continue
        scorecard(contract, period, now=now)
        evaluate_usage(contract, period, now=now)
        figures.outages(contract, period.start, period.end, now=now)
        done.append(period)
    return done
