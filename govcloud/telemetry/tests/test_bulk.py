"""Bulk writing of rollups (the demo's and the bench's path) gives the rows the ingest
gives for the same samples, replaces what a re-run replaces, and stores datetimes the ORM
finds: on SQLite (executemany) and on PostgreSQL (binary COPY), as the suite runs both."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from govcloud.telemetry import bulk
from govcloud.telemetry.choices import MaintenanceStatus
from govcloud.telemetry.maintenance import excluded_intervals
from govcloud.telemetry.models import HostDaily, HostHourly, MaintenanceWindow
from govcloud.telemetry.rollup import day_columns, hour_columns
from govcloud.telemetry.store import SeriesSamples, ingest, utc_offset_seconds

#: 14:00 UTC: the samples run past 16:00 UTC, midnight in Beijing, into a second day.
BASE = datetime(2025, 10, 15, 14, 0, tzinfo=UTC)
NOW = datetime(2025, 10, 16, 0, 0, tzinfo=UTC)
MINUTES = 250


def samples() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Four hours of minutes with an outage across 15:00 and odd CPU values."""
    rng = np.random.default_rng(11)
    timestamps = BASE.timestamp() + 60.0 * np.arange(MINUTES)
    up = np.ones(MINUTES)
    up[50:75] = 0
    live = timestamps[up > 0]
    return {"up": (timestamps, up), "cpu": (live, rng.random(live.size)),
            "memory": (live, rng.random(live.size)),
            "disk_used": (live, np.floor(rng.random(live.size) * 1e11))}


def stored(model) -> list[dict]:
    key = "hour" if model is HostHourly else "day"
    return [{name: value for name, value in row.items() if name != "id"}
            for row in model.objects.order_by("host_id", key).values()]


def approve_window(cast, starts_at, ends_at) -> None:
    MaintenanceWindow.objects.create(
        contract=cast.contract_a, title="patching", status=MaintenanceStatus.APPROVED,
        starts_at=starts_at, ends_at=ends_at, announced_by=cast.provider_operator,
        announced_at=starts_at - timedelta(days=3), decided_by=cast.purchaser_admin,
        decided_at=starts_at - timedelta(days=2))


def write(host, series) -> None:
    offset = utc_offset_seconds(BASE.date())
    hours = hour_columns(series, 60.0, excluded_intervals(host.system))
    hours["target"] = np.full(hours["hour"].size, host.pk)
    bulk.write_rows(HostHourly, hours)
    bulk.write_rows(HostDaily, day_columns(hours, offset))


def test_bulk_rows_equal_the_rows_the_ingest_rolls_up(cast):
    host = cast.host_a1
    approve_window(cast, BASE + timedelta(hours=2, minutes=10), BASE + timedelta(hours=2,
                                                                                 minutes=40))
    series = samples()
    ingest([SeriesSamples(host, metric, *values, 60) for metric, values in series.items()],
           now=NOW)
    by_ingest = stored(HostHourly), stored(HostDaily)
    HostHourly.objects.all().delete()
    HostDaily.objects.all().delete()
    write(host, series)
    assert (stored(HostHourly), stored(HostDaily)) == by_ingest
    assert len(by_ingest[0]) == 5 and len(by_ingest[1]) == 2
    assert any(row["seconds_maintenance"] for row in by_ingest[0])
    assert any(row["first_down_at"] for row in by_ingest[0])


def test_a_re_run_replaces_the_range_and_nothing_else(cast):
    host, other = cast.host_a1, cast.host_a2
    write(host, samples())
    write(other, samples())
    cut = (BASE + timedelta(hours=2)).timestamp()
    fewer = {metric: (timestamps[timestamps < cut], values[timestamps < cut])
             for metric, (timestamps, values) in samples().items()}
    hours = hour_columns(fewer, 60.0)
    hours["target"] = np.full(hours["hour"].size, host.pk)
    deleted, written = bulk.replace_rows(HostHourly, hours, [host.pk], BASE,
                                         BASE + timedelta(hours=5))
    assert (deleted, written) == (5, 2)
    assert HostHourly.objects.filter(host=host).count() == 2
    assert HostHourly.objects.filter(host=other).count() == 5
    assert bulk.delete_rows(HostDaily, [host.pk], date(2025, 10, 16), date(2025, 10, 17)) == 1
    assert list(HostDaily.objects.filter(host=host).values_list("day", flat=True)) == [
        date(2025, 10, 15)]


def test_datetimes_are_stored_as_aware_utc_that_lookups_find(cast):
    host = cast.host_a1
    first_down = BASE.timestamp() + 61.25
    columns = {name: np.zeros(1) for name in bulk.column_keys(HostHourly)}
    columns.update(target=np.array([host.pk]), hour=np.array([BASE.timestamp()]),
                   samples=np.array([60]), first_down_at=np.array([first_down]),
                   down_until=np.array([np.nan]), cpu_max=np.array([np.nan]))
    assert bulk.write_rows(HostHourly, columns) == 1
    row = HostHourly.objects.get(host=host, hour=BASE)
    assert row.first_down_at == BASE + timedelta(seconds=61.25)
    assert row.first_down_at.tzinfo is not None and row.down_until is None
    assert row.cpu_max is None and row.samples == 60
    assert HostHourly.objects.filter(hour__gte=BASE, hour__lt=BASE + timedelta(hours=1)
                                     ).count() == 1


def test_columns_that_are_missing_or_uneven_are_refused(cast):
    with pytest.raises(ValueError, match="no column"):
        bulk.write_rows(HostDaily, {"target": np.array([1])})
    columns = {name: np.zeros(2) for name in bulk.column_keys(HostDaily)}
    columns["target"] = np.array([cast.host_a1.pk])
    with pytest.raises(ValueError, match="differ in length"):
        bulk.write_rows(HostDaily, columns)
    assert not HostDaily.objects.exists()

