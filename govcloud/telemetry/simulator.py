"""A deterministic simulator of monitored hosts and probed service endpoints: telemetry for
the demo and the benchmarks, never for a real contract.

- **Deterministic and window-free.** Every value is a hash of (seed, host, minute), not the
  next draw of a random stream: a month simulated alone equals that month of a simulated
  year, and running the demo again gives the same figures.
- **Profiles as monitoring shows them.** Most hosts follow office hours of working days
  (Beijing time); some are idle (1–3 % CPU) or barely used (5–10 %), the hosts the monthly
  usage evaluation (C-10) looks for; a few run at 80–95 %, over KPI 5's limit; a few fail
  often. Memory sits at a level of the profile; disks fill slowly.
- **Down is down, not running is no data.** During an outage (a few minutes to a few hours,
  some across hour boundaries) or approved maintenance a host answers ``up`` 0 and gives no
  CPU, memory or disk samples, as node_exporter gives none; before a host starts, while it
  is stopped and after it is decommissioned it gives no samples at all.

The samples go through the rollups every other source uses (govcloud.telemetry.rollup,
columns path) and are written in bulk (govcloud.telemetry.bulk).
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from govcloud.inventory.choices import HostStatus
from govcloud.inventory.models import CloudHost, HostStatusChange
from govcloud.telemetry import bulk
from govcloud.telemetry.choices import SourceKind
from govcloud.telemetry.maintenance import excluded_intervals
from govcloud.telemetry.models import (
    HostDaily,
    HostHourly,
    ProbeDaily,
    ProbeHourly,
    ServiceEndpoint,
    TelemetrySource,
)
from govcloud.telemetry.rollup import DAY, HOUR, day_columns, hour_columns
from govcloud.telemetry.store import roll_up_day, utc_offset_seconds

MINUTE = 60
#: The simulated users work Beijing hours unless told otherwise.
BEIJING_OFFSET = 8 * HOUR
#: Shares of the host profiles, in the order a host's hash picks them.
PROFILE_SHARES = (("normal", 0.75), ("low", 0.10), ("idle", 0.07), ("overloaded", 0.04),
                  ("flaky", 0.04))
#: Outages a year per profile, and how long one lasts (minutes, log-uniform between).
OUTAGES_PER_YEAR = {"normal": 3.0, "low": 2.0, "idle": 2.0, "overloaded": 8.0, "flaky": 30.0}
OUTAGE_MINUTES = (3.0, 240.0)
#: Failed probes of a service endpoint: a year's count and their length in minutes.
PROBE_FAILURES_PER_YEAR = 12.0
PROBE_FAILURE_MINUTES = (1.0, 20.0)
#: Hosts and endpoints simulated before their rollups are written (bounds memory).
WRITE_EVERY = 40

_MASK = (1 << 64) - 1
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
#: Independent streams of one host's hash.
_CPU, _MEMORY, _DISK, _DAY_LOAD, _OUTAGE, _OUTAGE_AT, _OUTAGE_LENGTH = range(1, 8)


def _key(seed: str, name: str) -> int:
    """Return a 64-bit key from text: hashlib, because Python's hash() changes per run."""
    return int.from_bytes(hashlib.sha256(f"{seed}\0{name}".encode()).digest()[:8], "little")


def _uniform(key: int, counter: np.ndarray, stream: int) -> np.ndarray:
    """Return values in [0, 1) that depend only on the key, the counter and the stream.

    splitmix64's finalizer on numpy's wrapping uint64 arithmetic: about as fast as drawing
    from a generator, and the value of a minute never depends on the window asked for.
    """
    offset = np.uint64((key + stream * 0xD1B54A32D192ED03) & _MASK)
    mixed = np.asarray(counter).astype(np.uint64) * _GOLDEN + offset
    mixed ^= mixed >> np.uint64(30)
    mixed *= _MIX1
    mixed ^= mixed >> np.uint64(27)
    mixed *= _MIX2
    mixed ^= mixed >> np.uint64(31)
    return (mixed >> np.uint64(11)).astype(np.float64) * 2.0**-53


@dataclass(frozen=True)
class HostProfile:
    """How one simulated host behaves: its load, memory, disk and how often it fails."""

    key: int
    kind: str
    cpu_base: float
    cpu_swing: float
    cpu_noise: float
    memory_level: float
    memory_swing: float
    disk_bytes: float
    disk_fill: float
    disk_growth: float
    outages_per_year: float


def host_profile(name: str, seed: str, disk_gb: float = 100.0) -> HostProfile:
    """Return the profile of the host called ``name`` under ``seed`` (same name, same host)."""
    key = _key(seed, name)
    pick = float(_uniform(key, np.zeros(1), 0)[0])
    kind = PROFILE_SHARES[-1][0]
    for candidate, share in PROFILE_SHARES:
        if pick < share:
            kind = candidate
            break
        pick -= share
    draw = np.random.default_rng(key).random(8)
    base, swing, noise, memory, memory_swing = {
        "idle": (0.010 + 0.012 * draw[0], 0.004, 0.004, 0.12 + 0.15 * draw[3], 0.01),
        "low": (0.050 + 0.020 * draw[0], 0.015, 0.008, 0.25 + 0.20 * draw[3], 0.03),
        "overloaded": (0.82 + 0.05 * draw[0], 0.05, 0.02, 0.75 + 0.15 * draw[3], 0.03),
    }.get(kind, (0.04 + 0.10 * draw[0], 0.20 + 0.35 * draw[1], 0.03, 0.40 + 0.30 * draw[3],
                 0.10))
    return HostProfile(
        key=key, kind=kind, cpu_base=base, cpu_swing=swing, cpu_noise=noise,
        memory_level=memory, memory_swing=memory_swing,
        disk_bytes=max(disk_gb, 10.0) * 2**30, disk_fill=0.20 + 0.40 * draw[4],
        disk_growth=(0.02 + 0.10 * draw[5]) / 365, outages_per_year=OUTAGES_PER_YEAR[kind],
    )


def _merged(spans) -> tuple[np.ndarray, np.ndarray]:
    """Return the starts and ends of the union of ``[start, end)`` spans, sorted."""
    ordered = sorted((float(start), float(end)) for start, end in spans if end > start)
    starts, ends = [], []
    for start, end in ordered:
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return np.array(starts), np.array(ends)


def inside(timestamps: np.ndarray, spans) -> np.ndarray:
    """Return which timestamps fall in one of the ``[start, end)`` spans (any number)."""
    starts, ends = _merged(spans)
    if not starts.size:
        return np.zeros(timestamps.size, dtype=bool)
    index = np.searchsorted(starts, timestamps, side="right") - 1
    return (index >= 0) & (timestamps < ends[np.maximum(index, 0)])


def minute_grid(start: float, end: float, running) -> np.ndarray:
    """Return the whole minutes in ``[start, end)`` at which the target runs."""
    parts = []
    for run_start, run_end in zip(*_merged(running), strict=True):
        first = math.ceil(max(run_start, start) / MINUTE) * MINUTE
        stop = min(run_end, end)
        if stop > first:
            parts.append(np.arange(first, stop, MINUTE, dtype=np.float64))
    return np.concatenate(parts) if parts else np.zeros(0)


def failures(key: int, start: float, end: float, per_year: float,
             minutes: tuple[float, float]) -> list[tuple[float, float]]:
    """Return the ``[start, end)`` spans of the failures overlapping ``[start, end)``.

    Each day has its own chance of one failure, at a second and of a length drawn from
    the key and the day alone: a failure begun the day before still shows.
    """
    days = np.arange(math.floor(start / DAY) - 1, math.ceil(end / DAY) + 1)
    hit = days[_uniform(key, days, _OUTAGE) < per_year / 365]
    begins = hit * DAY + np.floor(_uniform(key, hit, _OUTAGE_AT) * DAY)
    shortest, longest = math.log(minutes[0]), math.log(minutes[1])
    lengths = np.exp(shortest + _uniform(key, hit, _OUTAGE_LENGTH) * (longest - shortest))
    spans = zip(begins.tolist(), (begins + np.round(lengths * MINUTE)).tolist(), strict=True)
    return [(begin, until) for begin, until in spans if until > start and begin < end]


def outages(profile: HostProfile, start: float, end: float) -> list[tuple[float, float]]:
    """Return the host's outages overlapping ``[start, end)``."""
    return failures(profile.key, start, end, profile.outages_per_year, OUTAGE_MINUTES)


def _office_hours() -> np.ndarray:
    """Return the load of each minute of a working day, 0–1: office hours 08:30–18:00 with
    a dip at lunch."""
    hour = np.arange(DAY // MINUTE) / 60.0
    bump = np.sin(np.pi * np.clip(hour - 8.5, 0.0, 9.5) / 9.5)
    return np.where((hour >= 12.0) & (hour < 13.5), 0.7 * bump, bump)


_OFFICE_HOURS = _office_hours()


def _office_load(minutes: np.ndarray, key: int, utc_offset: int) -> np.ndarray:
    """Return 0–1.15 at each epoch minute: the share of the day's peak load (local time).

    A sixth of a working day's at weekends; some days busier than others.
    """
    if not minutes.size:
        return np.zeros(0)
    local = minutes + utc_offset // MINUTE
    day = local // (DAY // MINUTE)
    days = np.arange(day[0], day[-1] + 1)
    weekday = (days + 3) % 7
    per_day = np.where(weekday < 5, 1.0, 0.15) * (0.85 + 0.30 * _uniform(key, days, _DAY_LOAD))
    return _OFFICE_HOURS[local - day * (DAY // MINUTE)] * per_day[day - days[0]]


def usage(profile: HostProfile, timestamps: np.ndarray, since: float,
          utc_offset: int = BEIJING_OFFSET) -> dict[str, np.ndarray]:
    """Return CPU and memory (fractions, to 0.01 %) and disk bytes used at ``timestamps``.

    The disk fills from ``disk_fill`` at ``since`` (the host's start) by ``disk_growth`` a
    day.
    """
    minutes = np.floor(timestamps).astype(np.int64) // MINUTE
    load = _office_load(minutes, profile.key, utc_offset)
    noise = 2.0 * _uniform(profile.key, minutes, _CPU) - 1.0
    cpu = profile.cpu_base + profile.cpu_swing * load + profile.cpu_noise * noise
    noise = 2.0 * _uniform(profile.key, minutes, _MEMORY) - 1.0
    memory = profile.memory_level + profile.memory_swing * load + 0.01 * noise
    days = (timestamps - since) / DAY
    fill = profile.disk_fill + profile.disk_growth * days
    fill = fill + 0.001 * _uniform(profile.key, minutes, _DISK)
    return {
        "cpu": np.clip(np.round(cpu, 4), 0.0, 0.99),
        "memory": np.clip(np.round(memory, 4), 0.0, 0.99),
        "disk_used": np.floor(profile.disk_bytes * np.clip(fill, 0.0, 0.95)),
    }


def host_series(profile: HostProfile, start: float, end: float, running,
                down=(), utc_offset: int = BEIJING_OFFSET,
                ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Return the host's one-minute samples in ``[start, end)`` (metric -> (timestamps,
    values)), only while it runs; ``down`` adds spans it is down in (maintenance)."""
    timestamps = minute_grid(start, end, running)
    if not timestamps.size:
        return {}
    is_down = inside(timestamps, [*outages(profile, start, end), *down])
    live = timestamps[~is_down]
    since = float(_merged(running)[0][0])
    figures = usage(profile, live, since, utc_offset)
    series = {"up": (timestamps, (~is_down).astype(np.float64))}
    series.update({metric: (live, values) for metric, values in figures.items()})
    return series


def probe_series(name: str, seed: str, start: float, end: float, running, down=(),
                 ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Return a service endpoint's one-minute probe results in ``[start, end)``: success
    but for rare failures and the spans in ``down``."""
    key = _key(seed, f"endpoint:{name}")
    timestamps = minute_grid(start, end, running)
    if not timestamps.size:
        return {}
    failed = failures(key, start, end, PROBE_FAILURES_PER_YEAR, PROBE_FAILURE_MINUTES)
    return {"up": (timestamps, (~inside(timestamps, [*failed, *down])).astype(np.float64))}


def rolled_up(series: dict, maintenance, utc_offset: int, *, target: int,
              with_usage: bool = True) -> tuple[dict, dict]:
    """Return one target's hourly and daily columns, each with a ``target`` column."""
    hours = hour_columns(series, float(MINUTE), maintenance, with_usage=with_usage)
    hours["target"] = np.full(hours["hour"].size, target, dtype=np.int64)
    return hours, day_columns(hours, utc_offset)


# --- a contract -------------------------------------------------------------------------


@dataclass
class SimulationSummary:
    """What simulate_contract wrote, for the demo's and the bench's output."""

    hosts: int = 0
    endpoints: int = 0
    #: Minutes simulated (``up`` samples); a host up also gives CPU, memory and disk.
    samples: int = 0
    hourly_rows: int = 0
    daily_rows: int = 0
    probe_hourly_rows: int = 0
    probe_daily_rows: int = 0
    profiles: Counter = field(default_factory=Counter)
    seconds: float = 0.0


def running_intervals(hosts) -> dict[int, list[tuple[float, float]]]:
    """Return host id -> the ``[start, end)`` epoch seconds it ran, from its status history.

    A host runs from a change to running until its next change to anything else.
    """
    spans: dict[int, list[tuple[float, float]]] = defaultdict(list)
    since: dict[int, float] = {}
    changes = (HostStatusChange.objects.filter(host__in=hosts)
               .order_by("changed_at", "pk").values_list("host_id", "status", "changed_at"))
    for host_id, status, changed_at in changes:
        moment = changed_at.timestamp()
        if status == HostStatus.RUNNING:
            since.setdefault(host_id, moment)
        elif host_id in since:
            spans[host_id].append((since.pop(host_id), moment))
    for host_id, moment in since.items():
        spans[host_id].append((moment, math.inf))
    return spans


def _whole_hours(start: datetime, end: datetime) -> tuple[float, float]:
    return (math.ceil(start.timestamp() / HOUR) * HOUR,
            math.floor(end.timestamp() / HOUR) * HOUR)


def _local_date(local_day: int) -> date:
    return date(1970, 1, 1) + timedelta(days=local_day)


@dataclass(frozen=True)
class _Kind:
    """Hosts or service endpoints: their rollup tables and how one of them is simulated."""

    hourly: type
    daily: type
    field: str
    simulate: Callable


def _write(kind: _Kind, hours: list[dict], days: list[dict], first_day: int,
           last_day: int) -> tuple[int, int]:
    """Write targets' hours and their whole days; partial days are rolled up afterwards."""
    hourly = {name: np.concatenate([part[name] for part in hours]) for name in hours[0]}
    daily = {name: np.concatenate([part[name] for part in days]) for name in days[0]}
    whole = (daily["day"] >= first_day) & (daily["day"] <= last_day)
    return (bulk.write_rows(kind.hourly, hourly),
            bulk.write_rows(kind.daily, {name: column[whole] for name, column in daily.items()}))


def _simulate(kind: _Kind, targets: list, bounds: tuple[float, float], offset: int,
              ) -> tuple[int, int, int]:
    """Replace the targets' rows of the window with simulated ones; return the samples,
    hourly and daily rows. Targets go in batches so that a large fleet fits in memory."""
    start, end = bounds
    first_day = math.ceil((start + offset) / DAY)
    last_day = math.floor((end + offset) / DAY) - 1
    ids = [target.pk for target in targets]
    bulk.delete_rows(kind.hourly, ids, datetime.fromtimestamp(start, UTC),
                     datetime.fromtimestamp(end, UTC))
    bulk.delete_rows(kind.daily, ids, _local_date(first_day), _local_date(last_day + 1))
    samples = hourly = daily = 0
    hours, days = [], []
    for index, target in enumerate(targets):
        series, maintenance = kind.simulate(target)
        if series:
            samples += series["up"][0].size
            rolled = rolled_up(series, maintenance, offset, target=target.pk,
                               with_usage=kind.hourly is HostHourly)
            hours.append(rolled[0])
            days.append(rolled[1])
        if hours and (len(hours) >= WRITE_EVERY or index == len(targets) - 1):
            written = _write(kind, hours, days, first_day, last_day)
            hourly, daily = hourly + written[0], daily + written[1]
            hours, days = [], []
    partial = {day for day in (math.floor((start + offset) / DAY),
                               math.floor((end + offset) / DAY))
               if not first_day <= day <= last_day and day * DAY - offset < end}
    for target in targets:
        for day in sorted(partial):
            roll_up_day(target, _local_date(day), kind.hourly, kind.daily,
                        {kind.field: target})
    return samples, hourly, daily


def simulate_contract(contract, start: datetime, end: datetime, seed: str | None = None,
                      maintenance: bool = True) -> SimulationSummary:
    """Simulate every host and service endpoint of the contract over ``[start, end)`` and
    store their hourly and daily rollups, replacing those of the window.

    Each host is simulated while its status history says it runs, an endpoint while a host
    of its system runs. With ``maintenance``, the hosts and endpoints of a system are down
    during its approved maintenance windows (C-16), which the rollups leave out; without,
    windows are not consulted. The window is taken in whole hours (start rounded up, end
    down), so no hour is half-simulated; a day the window covers in part is rolled up again
    from all its hours.
    """
    began = time.perf_counter()
    seed = contract.code if seed is None else seed
    bounds = _whole_hours(start, end)
    summary = SimulationSummary()
    if bounds[1] <= bounds[0]:
        return summary
    offset = utc_offset_seconds(timezone.localtime(start).date())
    hosts = list(CloudHost.objects.filter(system__contract=contract).select_related("system")
                 .order_by("system__contract_row", "system__label", "name"))
    endpoints = list(ServiceEndpoint.objects.filter(system__contract=contract, enabled=True)
                     .select_related("system").order_by("system__label", "name"))
    running = running_intervals(hosts)
    system_runs = defaultdict(list)
    for host in hosts:
        system_runs[host.system_id].extend(running.get(host.pk, []))
    windows = {}
    if maintenance:
        for system in {target.system for target in [*hosts, *endpoints]}:
            windows[system.pk] = excluded_intervals(system)

    def simulate_host(host):
        profile = host_profile(f"{host.system.label}/{host.name}", seed,
                               host.standard_storage_gb + host.performance_storage_gb)
        summary.profiles[profile.kind] += 1
        down = windows.get(host.system_id, [])
        return host_series(profile, *bounds, running.get(host.pk, []), down, offset), down

    def simulate_endpoint(endpoint):
        down = windows.get(endpoint.system_id, [])
        return probe_series(f"{endpoint.system.label}/{endpoint.name}", seed, *bounds,
                            system_runs.get(endpoint.system_id, []), down), down

    with transaction.atomic():
        summary.samples, summary.hourly_rows, summary.daily_rows = _simulate(
            _Kind(HostHourly, HostDaily, "host", simulate_host), hosts, bounds, offset)
        samples, summary.probe_hourly_rows, summary.probe_daily_rows = _simulate(
            _Kind(ProbeHourly, ProbeDaily, "endpoint", simulate_endpoint), endpoints, bounds,
            offset)
        _stamp_simulator_sources(contract, datetime.fromtimestamp(bounds[1], UTC))
    summary.samples += samples
    summary.hosts, summary.endpoints = len(hosts), len(endpoints)
    summary.seconds = time.perf_counter() - began
    return summary


def _stamp_simulator_sources(contract, filled_up_to: datetime) -> None:
    """The contract's simulator sources were last "collected" up to the end of the window,
    as the collector stamps a real source; an earlier window does not move the stamp back."""
    TelemetrySource.objects.filter(contract=contract, kind=SourceKind.SIMULATOR).filter(
        Q(last_collected_at__isnull=True) | Q(last_collected_at__lt=filled_up_to),
    ).update(last_collected_at=filled_up_to)


# --- a large synthetic fleet (bench) ----------------------------------------------------


def synthetic_days(targets: np.ndarray, first_day: int, days: int, seed: str,
                   disk_bytes: float = 100 * 2**30) -> dict[str, np.ndarray]:
    """Return daily rows (columns, HostDaily's fields) for ``targets`` over ``days`` local
    days from ``first_day``, drawn directly, without minutes: a fleet of 20,000 hosts for
    a year in seconds, for the bench's KPIs at scale.

    Each host gets a profile as host_profile draws them (mean load, a few outages a year);
    the figures are consistent with each other (up ≤ observed, p95 ≤ max, sums = mean ×
    samples).
    """
    targets = np.asarray(targets, dtype=np.int64)
    key = _key(seed, "synthetic-fleet")
    host_pick = _uniform(key, targets, 0)
    edges = np.cumsum([share for _kind, share in PROFILE_SHARES])
    kind = np.minimum(np.searchsorted(edges, host_pick, side="right"), len(edges) - 1)
    levels = np.array([0.25, 0.065, 0.02, 0.86, 0.25])[kind]
    rates = np.array([OUTAGES_PER_YEAR[name] for name, _share in PROFILE_SHARES])[kind]
    cells = targets.size * days
    host = np.repeat(np.arange(targets.size), days)
    day = np.tile(np.arange(first_day, first_day + days), targets.size)
    counter = host.astype(np.int64) * 100_000 + (day - first_day)
    weekday = (day + 3) % 7
    load = levels[host] * np.where(weekday < 5, 1.0, 0.6) * (
        0.85 + 0.3 * _uniform(key, counter, _DAY_LOAD))
    hit = _uniform(key, counter, _OUTAGE) < rates[host] / 365
    down = np.where(hit, np.ceil(np.exp(math.log(OUTAGE_MINUTES[0]) + _uniform(
        key, counter, _OUTAGE_LENGTH) * math.log(OUTAGE_MINUTES[1] / OUTAGE_MINUTES[0]))), 0)
    samples = np.full(cells, DAY // MINUTE, dtype=np.int64)
    samples_up = samples - down.astype(np.int64)
    mean_cpu = np.clip(load, 0.0, 0.99)
    mean_memory = np.clip(0.3 + 0.6 * levels[host], 0.0, 0.99)
    spread = 0.1 * _uniform(key, counter, _CPU)
    return {
        "target": targets[host], "day": day, "samples": samples, "samples_up": samples_up,
        "seconds_observed": samples * float(MINUTE), "seconds_up": samples_up * float(MINUTE),
        "seconds_maintenance": np.zeros(cells),
        "cpu_samples": samples_up, "cpu_sum": mean_cpu * samples_up,
        "cpu_max": np.minimum(mean_cpu + 2 * spread + 0.05, 1.0),
        "cpu_p95": np.minimum(mean_cpu + spread + 0.03, 1.0),
        "memory_samples": samples_up, "memory_sum": mean_memory * samples_up,
        "memory_max": np.minimum(mean_memory + 0.05, 1.0),
        "memory_p95": np.minimum(mean_memory + 0.03, 1.0),
        "disk_used_bytes": np.floor(disk_bytes * (0.3 + 0.0003 * (day - first_day))),
    }
