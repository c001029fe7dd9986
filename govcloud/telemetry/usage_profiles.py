"""A host's CPU and memory over a period as the usage evaluation (kpi/usage.py) reads them:
the 95th percentile and the peak of its hourly means, and how many of its days had a mean
CPU at or under a threshold. A year of a fleet is hundreds of thousands of hourly rows, so
a settled period's profiles are computed once for the whole contract and kept
(settled.py); a view of some systems takes its hosts' part.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from django.db import connection
from django.db.models import Case, F, FloatField, When

from govcloud.telemetry import settled
from govcloud.telemetry.figures import hosts_of, system_ids
from govcloud.telemetry.models import HostDaily, HostHourly


@dataclass(frozen=True)
class UsageProfile:
    """One host's hourly and daily CPU and memory over a period (fractions)."""

    system_id: int
    cpu_p95: float | None
    memory_p95: float | None
    cpu_peak: float | None
    memory_peak: float | None
    days_observed: int
    #: Days whose mean CPU was at or under the threshold asked for.
    low_days: int


def usage_profiles(contract, first: date, last: date, low_cpu_percent: float, systems=None,
                   now: datetime | None = None) -> dict[int, UsageProfile]:
    """The profile of every host with daily figures in the local days ``first``–``last``;
    a low day has a mean CPU of at most ``low_cpu_percent`` percent."""
    if not settled.is_settled(last, now):
        return _profiles(contract, first, last, low_cpu_percent, systems)
    whole = settled.recall(contract, "usage", first, last,
                           lambda: _profiles(contract, first, last, low_cpu_percent),
                           _encode, _decode, parameters=f"low_cpu_percent={low_cpu_percent!r}")
    if systems is None:
        return whole
    in_scope = system_ids(systems)
    return {pk: profile for pk, profile in whole.items() if profile.system_id in in_scope}


def _profiles(contract, first: date, last: date, low_cpu_percent: float, systems=None,
              ) -> dict[int, UsageProfile]:
    hosts = hosts_of(contract, systems)
    owners = dict(hosts.values_list("pk", "system_id").order_by())
    hourly = hourly_means(hosts, settled.day_end(first - timedelta(days=1)), settled.day_end(last))
    daily = daily_cpu_means(hosts, first, last)
    profiles = {}
    for host_id in sorted(daily):
        days = daily[host_id]
        means = hourly.get(host_id, {"cpu": [], "memory": []})
        profiles[host_id] = UsageProfile(
            owners[host_id], _percentile(means["cpu"]), _percentile(means["memory"]),
            max(means["cpu"], default=None), max(means["memory"], default=None), len(days),
            sum(1 for mean in days if mean * 100 <= low_cpu_percent))
    return profiles


def _percentile(values: list[float], q: float = 95) -> float | None:
    return float(np.percentile(values, q)) if values else None


def _encode(profiles: dict[int, UsageProfile]) -> list:
    return [[host_id, profile.system_id, profile.cpu_p95, profile.memory_p95,
             profile.cpu_peak, profile.memory_peak, profile.days_observed, profile.low_days]
            for host_id, profile in profiles.items()]


def _decode(payload: list) -> dict[int, UsageProfile]:
    return {host_id: UsageProfile(*values) for host_id, *values in payload}


def hourly_means(hosts, start: datetime, end: datetime) -> dict[int, dict[str, list[float]]]:
    """Per host of the queryset ``hosts``, the hourly CPU and memory means of
    ``[start, end)``.

    A year of a fleet is hundreds of thousands of hours: the database divides, and numpy
    groups the rows by host, so that no Python step runs per row.
    """
    rows = (HostHourly.objects.filter(hour__gte=start, hour__lt=end, host__in=hosts)
            .annotate(cpu=_mean("cpu"), memory=_mean("memory"))
            .values_list("host_id", "cpu", "memory").order_by())
    return {host_id: {"cpu": cpu, "memory": memory}
            for host_id, (cpu, memory) in _by_host(_plain_rows(rows), 2).items()}


def daily_cpu_means(hosts, first: date, last: date) -> dict[int, list[float]]:
    """Per host of ``hosts``, the mean CPU of each observed day of ``first``–``last``."""
    rows = (HostDaily.objects.filter(day__gte=first, day__lte=last, cpu_samples__gt=0,
                                     host__in=hosts)
            .annotate(cpu=_mean("cpu")).values_list("host_id", "cpu").order_by())
    return {host_id: cpu for host_id, (cpu,) in _by_host(_plain_rows(rows), 1).items()}


def _plain_rows(rows) -> list[tuple]:
    """The rows of a values_list as the driver reads them, without Django's converter call
    per value."""
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _by_host(rows: list[tuple], width: int) -> dict[int, list[list[float]]]:
    """Rows (host id, ``width`` numbers) as each host's columns, NULLs left out."""
    if not rows:
        return {}
    table = np.array(rows, dtype=float).reshape(-1, 1 + width)  # a NULL becomes NaN
    table = table[np.argsort(table[:, 0], kind="stable")]
    hosts, firsts = np.unique(table[:, 0], return_index=True)
    grouped = {}
    for host_id, part in zip(hosts.tolist(), np.split(table[:, 1:], firsts[1:]), strict=True):
        grouped[int(host_id)] = [column[~np.isnan(column)].tolist() for column in part.T]
    return grouped


def _mean(series: str) -> Case:
    """A rollup row's mean of ``series`` (cpu or memory), NULL for a row without samples."""
    return Case(When(**{f"{series}_samples__gt": 0},
                     then=F(f"{series}_sum") / F(f"{series}_samples")),
                default=None, output_field=FloatField())
