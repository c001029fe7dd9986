"""Rollups on hand-computed fixtures: the kernel, an outage across an hour boundary,
maintenance overlapping an outage, late and repeated data, hours without data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from govcloud.telemetry import figures
from govcloud.telemetry.choices import MaintenanceStatus
from govcloud.telemetry.models import HostDaily, HostHourly, MaintenanceWindow, SampleBucket
from govcloud.telemetry.rollup import days_from_hours, group_stats, host_hours
from govcloud.telemetry.store import SeriesSamples, ingest

BASE = datetime(2025, 10, 15, 10, 0, tzinfo=UTC)
NOW = datetime(2025, 10, 16, 0, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def english():
    """The refusals below are matched in English."""
    with translation.override("en"):
        yield


def minutes(start: datetime, count: int) -> np.ndarray:
    return start.timestamp() + 60.0 * np.arange(count)


def up_series(host, start, count, down=()) -> SeriesSamples:
    """Samples each minute from ``start``; minutes listed in ``down`` are down."""
    values = np.ones(count)
    values[list(down)] = 0
    return SeriesSamples(host, "up", minutes(start, count), values, 60)


def test_group_stats_is_prometheus_quantile_mean_and_max():
    rng = np.random.default_rng(7)
    keys = np.repeat(np.arange(50), rng.integers(1, 90, 50))
    values = rng.random(keys.size)
    stats = group_stats(keys, values)
    for index, key in enumerate(stats.keys):
        chosen = values[keys == key]
        assert stats.count[index] == chosen.size
        assert stats.total[index] == pytest.approx(chosen.sum())
        assert stats.maximum[index] == chosen.max()
        assert stats.p95[index] == pytest.approx(np.percentile(chosen, 95), abs=1e-12)


def test_hours_and_days_by_hand():
    timestamps = minutes(BASE, 120)
    cpu = np.where(np.arange(120) < 60, 0.2, 0.6)
    rows = host_hours({"up": (timestamps, np.ones(120)), "cpu": (timestamps, cpu)}, 60)
    first, second = (rows[int(BASE.timestamp())], rows[int(BASE.timestamp()) + 3600])
    assert (first["seconds_observed"], first["seconds_up"]) == (3600, 3600)
    assert first["cpu_sum"] == pytest.approx(12.0) and first["cpu_p95"] == pytest.approx(0.2)
    assert second["cpu_max"] == pytest.approx(0.6)
    day = days_from_hours(rows, 8 * 3600)
    (only,) = day.values()
    assert only["cpu_samples"] == 120 and only["cpu_sum"] == pytest.approx(48.0)
    assert only["cpu_p95"] == pytest.approx(0.6) and only["seconds_up"] == 7200


@pytest.mark.django_db
def test_outage_across_an_hour_boundary(cast):
    host = cast.host_a1
    ingest([up_series(host, BASE, 120, down=range(50, 70))], now=NOW)
    ten, eleven = HostHourly.objects.filter(host=host).order_by("hour")
    assert (ten.seconds_observed, ten.seconds_up) == (3600, 3000)
    assert ten.first_down_at == BASE + timedelta(minutes=50)
    assert ten.down_until == BASE + timedelta(hours=1)
    assert (eleven.seconds_up, eleven.first_down_at) == (3000, BASE + timedelta(hours=1))
    (outage,) = figures.outages(cast.contract_a, BASE, BASE + timedelta(hours=2))
    assert outage.started_at == BASE + timedelta(minutes=50)
    assert outage.ended_at == BASE + timedelta(minutes=70)
    assert outage.minutes == 20
    daily = HostDaily.objects.get(host=host)
    assert (daily.seconds_observed, daily.seconds_up) == (7200, 6000)


@pytest.mark.django_db
def test_maintenance_overlapping_an_outage_is_left_out(cast):
    host = cast.host_a1
    MaintenanceWindow.objects.create(
        contract=cast.contract_a, title="kernel upgrade", status=MaintenanceStatus.APPROVED,
        starts_at=BASE + timedelta(hours=1), ends_at=BASE + timedelta(hours=1, minutes=30),
        announced_by=cast.provider_operator, announced_at=BASE - timedelta(days=3),
        decided_by=cast.purchaser_admin, decided_at=BASE - timedelta(days=2))
    ingest([up_series(host, BASE, 120, down=range(50, 70))], now=NOW)
    ten, eleven = HostHourly.objects.filter(host=host).order_by("hour")
    assert (ten.seconds_observed, ten.seconds_up) == (3600, 3000)
    assert (eleven.seconds_observed, eleven.seconds_up) == (1800, 1800)
    assert eleven.seconds_maintenance == 1800 and eleven.first_down_at is None
    (outage,) = figures.outages(cast.contract_a, BASE, BASE + timedelta(hours=2))
    assert (outage.ended_at, outage.minutes) == (BASE + timedelta(hours=1), 10)


@pytest.mark.django_db
def test_window_approved_after_it_started_does_not_count(cast):
    MaintenanceWindow.objects.create(
        contract=cast.contract_a, title="late", status=MaintenanceStatus.APPROVED,
        starts_at=BASE, ends_at=BASE + timedelta(hours=1),
        announced_by=cast.provider_operator, announced_at=BASE - timedelta(days=3),
        decided_by=cast.purchaser_admin, decided_at=BASE + timedelta(minutes=5))
    ingest([up_series(cast.host_a1, BASE, 60, down=range(0, 30))], now=NOW)
    hour = HostHourly.objects.get(host=cast.host_a1)
    assert (hour.seconds_maintenance, hour.seconds_up) == (0, 1800)


@pytest.mark.django_db
def test_late_data_corrects_the_hour_and_repeats_count_once(cast):
    host = cast.host_a1
    ingest([up_series(host, BASE, 30)], now=NOW)
    hour = HostHourly.objects.get(host=host)
    assert (hour.seconds_observed, hour.seconds_up) == (1800, 1800)
    late = up_series(host, BASE + timedelta(minutes=30), 30, down=range(0, 6))
    assert ingest([late], now=NOW).stored == 30
    again = ingest([late], now=NOW)
    assert (again.received, again.stored) == (30, 0)
    hour.refresh_from_db()
    assert (hour.seconds_observed, hour.seconds_up) == (3600, 3240)
    assert HostDaily.objects.get(host=host).seconds_up == 3240


@pytest.mark.django_db
def test_a_corrected_value_replaces_the_stored_one(cast):
    host = cast.host_a1
    ingest([up_series(host, BASE, 10, down=[3])], now=NOW)
    ingest([up_series(host, BASE + timedelta(minutes=3), 1)], now=NOW)
    assert HostHourly.objects.get(host=host).seconds_up == 600


@pytest.mark.django_db
def test_hours_without_data_are_no_data_never_up(cast):
    host = cast.host_a1
    ingest([up_series(host, BASE, 60), up_series(host, BASE + timedelta(hours=3), 60)],
           now=NOW)
    assert HostHourly.objects.filter(host=host).count() == 2
    fleet = figures.host_figures(cast.contract_a, BASE.date(), BASE.date())
    assert fleet.hosts[host.pk].seconds_observed == 7200
    empty = figures.host_figures(cast.contract_a, BASE.date() + timedelta(days=3),
                                 BASE.date() + timedelta(days=4))
    assert empty.fleet.availability is None


@pytest.mark.django_db
@pytest.mark.parametrize(("metric", "values", "message"), [
    ("cpu", [float("nan")], "finite"),
    ("cpu", [-0.1], "negative"),
    ("memory", [1.5], "cannot exceed 1"),
    ("load", [0.5], "metric load"),
])
def test_bad_samples_are_refused_and_nothing_is_stored(cast, metric, values, message):
    good = up_series(cast.host_a1, BASE, 1)
    bad = SeriesSamples(cast.host_a1, metric, minutes(BASE, 1), np.array(values), 60)
    with pytest.raises(ValidationError, match=message):
        ingest([good, bad], now=NOW)
    assert not SampleBucket.objects.exists() and not HostHourly.objects.exists()


@pytest.mark.django_db
def test_future_and_too_old_timestamps_are_refused(cast):
    future = up_series(cast.host_a1, NOW + timedelta(hours=1), 1)
    with pytest.raises(ValidationError, match="future"):
        ingest([future], now=NOW)
    old = up_series(cast.host_a1, NOW - timedelta(days=400), 1)
    with pytest.raises(ValidationError, match="older than"):
        ingest([old], now=NOW)
    assert not SampleBucket.objects.exists()
