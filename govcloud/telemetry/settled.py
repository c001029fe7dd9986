"""Figures of settled periods: computed once for the whole contract, kept, read back.

A period is settled once nothing can change its rollups any more: ingest refuses a sample
older than the raw retention (store.check_series) and prune drops the raw samples behind
it, and the ledger records a host's size and status when they change, never back-dated.
From then on a figure of the period (figures.py names the kinds) is computed once for the
whole contract, stored as JSON text and read back; a view of some systems takes its part
of it. So a report handed over reads the same figures to the last digit a year later,
whatever the fleet has become, and a page asking for last year costs one row, not a year
of rollups.

Rows written around ingest (the simulator's and the benchmarks' bulk loads, bulk.py) may
change a settled period: they forget what they touch, and the pages' kept renderings. A
period that has not settled is computed from the rollups at every request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from govcloud.telemetry.models import SettledFigures
from govcloud.telemetry.store import raw_retention

T = TypeVar("T")


def day_end(day: date) -> datetime:
    """The instant a local day ends (the next one's midnight)."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))


def settles_at(last: date) -> datetime:
    """When a period ending on the local day ``last`` settles."""
    return day_end(last) + raw_retention()


def is_settled(last: date, now: datetime | None = None) -> bool:
    return (now or timezone.now()) >= settles_at(last)


def recall(contract, kind: str, first: date, last: date, compute: Callable[[], T],
           encode: Callable[[T], Any], decode: Callable[[Any], T], parameters: str = "") -> T:
    """The stored figures of ``kind`` over ``first``–``last``, computed and stored first
    if there are none. The caller has checked that the period is settled.

    What is returned is always what was decoded from the stored text, also the first
    time, so that the first reader and every later one get the same figures."""
    key = {"contract": contract, "kind": kind, "first": first, "last": last,
           "parameters": parameters}
    payload = SettledFigures.objects.filter(**key).values_list("payload", flat=True).first()
    if payload is None:
        payload = json.dumps(encode(compute()), separators=(",", ":"), allow_nan=False)
        try:
            with transaction.atomic():
                SettledFigures.objects.create(**key, payload=payload)
        except IntegrityError:  # another request stored them first: read what it stored
            payload = SettledFigures.objects.filter(**key).values_list("payload",
                                                                      flat=True).get()
    return decode(json.loads(payload))


def forget(since: date, until: date) -> int:
    """Drop the stored figures of every period that overlaps the local days
    ``since``–``until`` (rollups written there around ingest), and what pages kept of
    them (the whole cache: such loads are rare). Returns rows dropped."""
    dropped, _ = SettledFigures.objects.filter(first__lte=until, last__gte=since).delete()
    cache.clear()
    return dropped
