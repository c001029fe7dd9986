"""Hourly and daily rollup rows written by hand for the KPI page and API tests.

``fill(host, first, days, cpu=…, memory=…)`` writes one row per local hour (60 samples,
every second observed) and the daily rows that sum them, so that the figures of a test can
be computed by hand: availability is up over observed seconds, CPU the mean of the hours.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from govcloud.inventory.ledger import register_host
from govcloud.telemetry.choices import MaintenanceStatus
from govcloud.telemetry.models import HostDaily, HostHourly, MaintenanceWindow

HOUR = 3600
GIB = 1024 ** 3


def local_hour(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time())) \
        + timedelta(hours=hour)


def _hour_row(host, at: datetime, cpu: float, memory: float, down: float,
              maintenance: float, disk_gb: float) -> HostHourly:
    observed = HOUR - maintenance
    return HostHourly(
        host=host, hour=at, samples=60, samples_up=60 - int(down // 60),
        seconds_observed=observed, seconds_up=observed - down,
        seconds_maintenance=maintenance,
        cpu_samples=60, cpu_sum=cpu * 60, cpu_max=min(1.0, cpu * 1.2), cpu_p95=min(1.0, cpu * 1.1),
        memory_samples=60, memory_sum=memory * 60, memory_max=min(1.0, memory * 1.1),
        memory_p95=memory, disk_used_bytes=disk_gb * GIB,
        first_down_at=at if down else None, down_until=at + timedelta(seconds=down) if down
        else None,
    )


def fill(host, first: date, days: int, *, cpu: float = 0.3, memory: float = 0.5,
         down: dict[tuple[date, int], float] | None = None,
         maintenance: dict[tuple[date, int], float] | None = None,
         busy_hours: tuple[int, ...] = (), disk_gb: float = 40.0) -> None:
    """Write ``days`` local days from ``first``: CPU ``cpu`` (doubled in ``busy_hours``),
    ``down`` seconds and ``maintenance`` seconds in the hours they name."""
    down, maintenance = down or {}, maintenance or {}
    hours, dailies = [], []
    for offset in range(days):
        day = first + timedelta(days=offset)
        rows = []
        for hour in range(24):
            load = min(1.0, cpu * 2) if hour in busy_hours else cpu
            rows.append(_hour_row(host, local_hour(day, hour), load, memory,
                                  down.get((day, hour), 0.0),
                                  maintenance.get((day, hour), 0.0), disk_gb))
        hours += rows
        dailies.append(HostDaily(
            host=host, day=day, **{name: sum(getattr(row, name) for row in rows) for name in (
                "samples", "samples_up", "seconds_observed", "seconds_up",
                "seconds_maintenance", "cpu_samples", "cpu_sum", "memory_samples",
                "memory_sum")},
            **{name: max(getattr(row, name) for row in rows) for name in (
                "cpu_max", "cpu_p95", "memory_max", "memory_p95", "disk_used_bytes")}))
    HostHourly.objects.bulk_create(hours)
    HostDaily.objects.bulk_create(dailies)


OCTOBER_FIRST = date(2025, 10, 1)
OUTAGE_DAY, OUTAGE_HOUR, OUTAGE_SECONDS = date(2025, 10, 10), 10, 1800
MAINTENANCE_DAY, MAINTENANCE_HOURS = date(2025, 10, 20), (2, 3)


def october_2025(cast) -> dict:
    """A month of figures, hand-computable:

    - host_a1 (system A1): CPU 30 %, 60 % from 9:00 to 17:59; 30 minutes down on
      10 October from 10:00; two hours of approved maintenance on 20 October from 02:00;
    - host_a2 (system A2): CPU 90 %, memory 60 %: overloaded;
    - a1-idle-01 (system A1, 8 vCPU, 16 GB): CPU 1 %: idle;
    - a1-low-01 (system A1, 4 vCPU, 8 GB): CPU 4 %, 8 % in office hours, memory 20 %: low.
    """
    office = tuple(range(9, 18))
    idle = register_host(cast.system_a1, name="a1-idle-01", vcpu=8, memory_gb=16,
                         reason="test")
    low = register_host(cast.system_a1, name="a1-low-01", vcpu=4, memory_gb=8, reason="test")
    fill(cast.host_a1, OCTOBER_FIRST, 31, cpu=0.3, busy_hours=office,
         down={(OUTAGE_DAY, OUTAGE_HOUR): OUTAGE_SECONDS},
         maintenance={(MAINTENANCE_DAY, hour): HOUR for hour in MAINTENANCE_HOURS})
    fill(cast.host_a2, OCTOBER_FIRST, 31, cpu=0.9, memory=0.6)
    fill(idle, OCTOBER_FIRST, 31, cpu=0.01, memory=0.1)
    fill(low, OCTOBER_FIRST, 31, cpu=0.04, memory=0.2, busy_hours=office)
    start = local_hour(MAINTENANCE_DAY, MAINTENANCE_HOURS[0])
    window = MaintenanceWindow.objects.create(
        contract=cast.contract_a, system=cast.system_a1, title="十月数据库扩容",
        starts_at=start, ends_at=start + timedelta(hours=len(MAINTENANCE_HOURS)),
        announced_by=cast.provider_operator, announced_at=start - timedelta(days=3),
        status=MaintenanceStatus.APPROVED, decided_by=cast.purchaser_admin,
        decided_at=start - timedelta(days=2))
    return {"idle": idle, "low": low, "window": window}
