"""The simulator (demo and bench only): the same seed gives the same telemetry, its hosts
are idle, normal, overloaded and sometimes down, nothing is simulated while a host does not
run, approved maintenance is left out; and the columns path of the rollups equals
host_hours and days_from_hours to the bit."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from django.utils import timezone

from govcloud.inventory.choices import HostStatus
from govcloud.inventory.ledger import register_host
from govcloud.inventory.models import HostStatusChange
from govcloud.telemetry.choices import MaintenanceStatus
from govcloud.telemetry.models import (
    HostDaily,
    HostHourly,
    MaintenanceWindow,
    ProbeDaily,
    ProbeHourly,
    ServiceEndpoint,
)
from govcloud.telemetry.rollup import (
    day_columns,
    days_from_hours,
    group_stats,
    host_hours,
    hour_columns,
    hour_keys,
    hour_stats,
    rows_from_columns,
)
from govcloud.telemetry.simulator import (
    host_profile,
    host_series,
    minute_grid,
    outages,
    simulate_contract,
    synthetic_days,
)

START = datetime(2025, 10, 1, 16, 0, tzinfo=UTC)  # 2025-10-02 00:00 in Beijing
DAY = 86400
ROOT = Path(__file__).resolve().parents[3]


def aware(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


def rows(model, key: str) -> list[tuple]:
    return [tuple(row[name] for name in sorted(row) if name != "id")
            for row in model.objects.order_by(key).values()]


# --- samples ------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_samples_and_another_seed_others():
    start = START.timestamp()
    running = [(start, start + 30 * DAY)]
    first = host_series(host_profile("sys01/app-01", "demo"), start, start + 7 * DAY, running)
    again = host_series(host_profile("sys01/app-01", "demo"), start, start + 7 * DAY, running)
    other = host_series(host_profile("sys01/app-01", "other"), start, start + 7 * DAY,
                        running)
    for metric, (timestamps, values) in first.items():
        assert np.array_equal(timestamps, again[metric][0])
        assert np.array_equal(values, again[metric][1])
    assert not np.array_equal(first["cpu"][1][:1000], other["cpu"][1][:1000])


def test_a_week_alone_equals_that_week_of_a_month():
    profile = host_profile("sys02/db-01", "demo")
    start = START.timestamp()
    running = [(start, start + 30 * DAY)]
    month = host_series(profile, start, start + 30 * DAY, running)
    week = host_series(profile, start + 7 * DAY, start + 14 * DAY, running)
    for metric, (timestamps, values) in week.items():
        chosen = (month[metric][0] >= start + 7 * DAY) & (month[metric][0] < start + 14 * DAY)
        assert np.array_equal(month[metric][0][chosen], timestamps)
        assert np.array_equal(month[metric][1][chosen], values)


def test_the_fleet_has_idle_low_normal_overloaded_and_flaky_hosts():
    profiles = [host_profile(f"sys/host-{index:03d}", "demo") for index in range(300)]
    kinds = {profile.kind for profile in profiles}
    assert kinds == {"idle", "low", "normal", "overloaded", "flaky"}
    start = START.timestamp()
    expected = {"idle": (0.01, 0.03), "low": (0.05, 0.10), "overloaded": (0.80, 0.95)}
    for kind, (low, high) in expected.items():
        profile = next(profile for profile in profiles if profile.kind == kind)
        series = host_series(profile, start, start + 14 * DAY, [(start, start + 14 * DAY)])
        assert low <= series["cpu"][1].mean() <= high, kind


def test_outages_last_minutes_to_hours_and_leave_no_usage_samples():
    start = START.timestamp()
    profiles = [host_profile(f"sys/host-{index:03d}", "demo") for index in range(60)]
    spans = [span for profile in profiles for span in outages(profile, start, start + 365 * DAY)]
    lengths = np.array([end - begin for begin, end in spans])
    assert lengths.min() < 15 * 60 and lengths.max() > 60 * 60
    assert any(begin // 3600 != (end - 1) // 3600 for begin, end in spans)
    profile = next(profile for profile in profiles
                   if outages(profile, start, start + 365 * DAY))
    (begin, end), *_ = outages(profile, start, start + 365 * DAY)
    series = host_series(profile, begin - 3600, end + 3600, [(start, start + 365 * DAY)])
    timestamps, up = series["up"]
    down = timestamps[up == 0]
    assert down.size and down.min() >= begin - 60 and down.max() < end
    assert not np.isin(down, series["cpu"][0]).any()


def test_nothing_is_simulated_while_a_host_does_not_run():
    start = START.timestamp()
    running = [(start + 90.5, start + DAY), (start + 2 * DAY, start + 2.5 * DAY)]
    grid = minute_grid(start, start + 3 * DAY, running)
    assert grid[0] == start + 120 and np.all(grid % 60 == 0)
    assert grid.size == (DAY - 120) // 60 + DAY // 2 // 60
    series = host_series(host_profile("sys/x", "demo"), start, start + 3 * DAY, running)
    for timestamps, _values in series.values():
        inside = ((timestamps >= running[0][0]) & (timestamps < running[0][1])) | (
            (timestamps >= running[1][0]) & (timestamps < running[1][1]))
        assert inside.all()


# --- the columns path ---------------------------------------------------------------------


@pytest.mark.parametrize("trial", range(40))
def test_the_columns_path_equals_host_hours_and_days_from_hours(trial):
    rng = np.random.default_rng(trial)
    count = int(rng.integers(0, 4000))
    moments = np.arange(1_759_334_400, 1_759_334_400 + 3 * DAY, 7)
    timestamps = np.sort(rng.choice(moments, count, replace=False)).astype(float)
    up = (rng.random(count) > 0.1).astype(float)
    live = timestamps[up > 0]
    series = {"up": (timestamps, up), "cpu": (live, rng.random(live.size)),
              "memory": (live, np.round(rng.random(live.size), 2)),
              "disk_used": (live, np.floor(rng.random(live.size) * 1e9))}
    if trial % 5 == 1:
        del series["up"]
    if trial % 7 == 2:
        del series["cpu"], series["disk_used"]
    maintenance = [(timestamps[0] + 5000, timestamps[0] + 9000)] if count and trial % 2 else []
    interval = (15.0, 30.0, 60.0)[trial % 3]
    with_usage = trial % 4 != 3
    expected = host_hours(series, interval, maintenance, with_usage=with_usage)
    columns = hour_columns(series, interval, maintenance, with_usage=with_usage)
    assert rows_from_columns(columns, "hour") == expected
    assert (rows_from_columns(day_columns(columns, 8 * 3600), "day")
            == days_from_hours(expected, 8 * 3600))


@pytest.mark.parametrize("trial", range(20))
def test_hour_stats_equal_group_stats_of_hour_keys(trial):
    rng = np.random.default_rng(100 + trial)
    count = int(rng.integers(1, 20_000))
    origin = float(rng.choice([-7200.5, 0.0, 1_759_334_399.999]))
    gaps = rng.choice([0.001, 1.0, 59.5, 60.0, 3600.0, 20_000.0], count,
                      p=[0.05, 0.1, 0.1, 0.65, 0.05, 0.05])
    timestamps = origin + np.cumsum(gaps)
    values = np.round(rng.random(count), int(rng.integers(1, 5)))
    fast = hour_stats(timestamps, values)
    slow = group_stats(hour_keys(timestamps), values)
    for name in ("keys", "count", "total", "maximum", "p95"):
        assert np.array_equal(getattr(fast, name), getattr(slow, name)), name


def test_the_days_of_several_targets_stay_apart():
    start = START.timestamp()
    parts = []
    for target in (7, 3):
        series = host_series(host_profile(f"h{target}", "demo"), start, start + 2 * DAY,
                             [(start, start + 2 * DAY)])
        hours = hour_columns(series, 60.0)
        hours["target"] = np.full(hours["hour"].size, target)
        parts.append(hours)
    joined = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    days = day_columns(joined, 8 * 3600)
    assert days["target"].tolist() == [7, 7, 3, 3]
    assert days["samples"].tolist() == [1440] * 4


def test_synthetic_days_are_consistent_and_deterministic():
    days = synthetic_days(np.arange(1, 201), 20_089, 30, "bench")
    again = synthetic_days(np.arange(1, 201), 20_089, 30, "bench")
    assert days["day"].size == 6000
    assert all(np.array_equal(days[name], again[name]) for name in days)
    assert np.all(days["samples_up"] <= days["samples"])
    assert np.all(days["cpu_p95"] <= days["cpu_max"])
    mean = days["cpu_sum"] / days["cpu_samples"]
    assert mean.min() < 0.03 and mean.max() > 0.8


# --- a contract ---------------------------------------------------------------------------


def history(system, name: str, *changes: tuple[str, str]):
    """Register a host at the first moment and record the later status changes."""
    host = register_host(system, name=name, vcpu=2, memory_gb=4, reason="test",
                         standard_storage_gb=40, at=aware(changes[0][1]))
    for status, moment in changes[1:]:
        HostStatusChange.objects.create(host=host, status=status, changed_at=aware(moment))
    return host


def test_a_contract_is_simulated_only_while_its_hosts_run(cast):
    system = cast.system_a1
    host = history(system, "sim-app-01", ("running", "2025-10-02 10:00"),
                   ("stopped", "2025-10-03 12:00"), ("running", "2025-10-04 09:30"),
                   (HostStatus.DECOMMISSIONED, "2025-10-05 18:00"))
    summary = simulate_contract(cast.contract_a, aware("2025-10-01 00:00"),
                                aware("2025-10-08 00:00"), seed="test")
    hours = list(HostHourly.objects.filter(host=host).values_list("hour", flat=True))
    running = [(aware("2025-10-02 10:00"), aware("2025-10-03 12:00")),
               (aware("2025-10-04 09:00"), aware("2025-10-05 18:00"))]
    assert hours and all(any(first <= hour < last for first, last in running)
                         for hour in hours)
    samples = sum(HostHourly.objects.filter(host=host).values_list("samples", flat=True))
    assert samples == (26 * 60) + (32 * 60 + 30)
    assert summary.samples >= samples and summary.hourly_rows >= len(hours)
    probed = ProbeHourly.objects.filter(endpoint__system=system)
    assert sorted(probed.values_list("hour", flat=True)) == sorted(hours)
    assert not ProbeHourly.objects.filter(endpoint__system=cast.system_a2).exists()


def test_simulating_again_gives_the_same_rows(cast):
    history(cast.system_a1, "sim-app-02", ("running", "2025-10-01 00:00"))
    window = aware("2025-10-01 00:00"), aware("2025-10-04 00:00")
    first = simulate_contract(cast.contract_a, *window, seed="again")
    stored = rows(HostHourly, "hour"), rows(HostDaily, "day")
    second = simulate_contract(cast.contract_a, *window, seed="again")
    assert (rows(HostHourly, "hour"), rows(HostDaily, "day")) == stored
    assert (first.hourly_rows, first.daily_rows) == (second.hourly_rows, second.daily_rows)
    assert first.daily_rows == 3


def test_approved_maintenance_is_left_out_and_probes_follow_the_system(cast):
    system = cast.system_a1
    host = history(system, "sim-web-01", ("running", "2025-10-01 00:00"))
    endpoint = ServiceEndpoint.objects.get(system=system)
    starts_at = aware("2025-10-02 01:00")
    MaintenanceWindow.objects.create(
        contract=cast.contract_a, system=system, title="upgrade",
        status=MaintenanceStatus.APPROVED, starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2), announced_by=cast.provider_operator,
        announced_at=starts_at - timedelta(days=3), decided_by=cast.purchaser_admin,
        decided_at=starts_at - timedelta(days=2))
    window = aware("2025-10-01 00:00"), aware("2025-10-03 00:00")
    simulate_contract(cast.contract_a, *window, seed="upkeep")
    during = HostHourly.objects.filter(host=host, hour__gte=starts_at,
                                       hour__lt=starts_at + timedelta(hours=2))
    assert [(row.seconds_maintenance, row.seconds_observed) for row in during] == [
        (3600, 0), (3600, 0)]
    probes = ProbeHourly.objects.filter(endpoint=endpoint, hour__gte=starts_at,
                                        hour__lt=starts_at + timedelta(hours=2))
    assert [row.seconds_maintenance for row in probes] == [3600, 3600]
    assert ProbeDaily.objects.filter(endpoint=endpoint).count() == 2
    simulate_contract(cast.contract_a, *window, seed="upkeep", maintenance=False)
    assert not HostHourly.objects.filter(host=host, seconds_maintenance__gt=0).exists()


def test_a_day_the_window_covers_in_part_is_rolled_up_from_all_its_hours(cast):
    host = history(cast.system_a1, "sim-db-01", ("running", "2025-10-01 00:00"))
    simulate_contract(cast.contract_a, aware("2025-10-01 00:00"), aware("2025-10-01 12:00"),
                      seed="parts")
    simulate_contract(cast.contract_a, aware("2025-10-01 12:00"), aware("2025-10-02 00:00"),
                      seed="parts")
    day = HostDaily.objects.get(host=host)
    assert (day.samples, day.seconds_observed) == (1440, 86400)
    hourly = HostHourly.objects.filter(host=host)
    assert day.cpu_samples == sum(row.cpu_samples for row in hourly)
    assert day.seconds_up == sum(row.seconds_up for row in hourly)


# --- the bench ----------------------------------------------------------------------------


def test_the_bench_runs_quickly_end_to_end(tmp_path):
    """bench/kpi.py --quick: every step on SQLite, PostgreSQL and Prometheus, small sizes."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the bench starts its own databases; the SQLite run covers it")
    began = time.perf_counter()
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "kpi.py"), "--quick"],
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "GOVCLOUD_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "max |difference|" in result.stdout
    assert time.perf_counter() - began < 60
