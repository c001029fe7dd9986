"""Rolling samples up into hours, and hours into days: numpy, no database.

Every path that stores telemetry (the collector, the push API, the simulator, the bench)
goes through these functions, so an hour means the same wherever its samples came from.

- An hour is ``[h, h + 1 h)`` in UTC; a day is a calendar day in the platform's time zone.
- The 95th percentile is Prometheus' ``quantile_over_time``: rank ``q·(n−1)``, linear
  between the two neighbouring samples.
- A sample stands for ``interval`` seconds; an hour never counts more than 3600 s (if
  samples come faster than announced, the seconds are scaled, the ratio kept).
- Samples inside approved maintenance count neither as observed nor as up: they are
  counted apart as ``seconds_maintenance``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HOUR = 3600
DAY = 86400
QUANTILE = 0.95

#: Fields of an hourly or daily row, beyond the target and the period key.
AVAILABILITY_FIELDS = ("samples", "samples_up", "seconds_observed", "seconds_up",
                       "seconds_maintenance")
USAGE_FIELDS = ("cpu_samples", "cpu_sum", "cpu_max", "cpu_p95", "memory_samples",
                "memory_sum", "memory_max", "memory_p95", "disk_used_bytes")
DOWN_FIELDS = ("first_down_at", "down_until")


@dataclass(frozen=True)
class GroupStats:
    """Count, sum, maximum and 95th percentile of the samples of each group (key)."""

    keys: np.ndarray
    count: np.ndarray
    total: np.ndarray
    maximum: np.ndarray
    p95: np.ndarray


def _group_starts(keys: np.ndarray) -> np.ndarray:
    if keys.size == 0:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate(([0], np.flatnonzero(keys[1:] != keys[:-1]) + 1))


def group_stats(keys: np.ndarray, values: np.ndarray, q: float = QUANTILE) -> GroupStats:
    """Return the statistics of ``values`` per run of equal ``keys`` (keys sorted).

    Groups of equal size are handled as one matrix, so a regular series (one sample a
    minute, sixty an hour) costs one ``np.partition`` for the whole series.
    """
    values = np.asarray(values, dtype=np.float64)
    starts = _group_starts(keys)
    groups = starts.size
    counts = np.diff(np.append(starts, values.size))
    maximum = np.empty(groups)
    p95 = np.empty(groups)
    total = np.add.reduceat(values, starts) if groups else np.zeros(0)
    for size in np.unique(counts):
        size = int(size)
        chosen = np.flatnonzero(counts == size)
        if chosen.size == groups:
            matrix = values.reshape(groups, size)
        else:
            matrix = values[starts[chosen][:, None] + np.arange(size)]
        rank = q * (size - 1)
        lower = int(np.floor(rank))
        weight = rank - lower
        parted = np.partition(matrix, lower, axis=1)
        low = parted[:, lower]
        high = parted[:, lower + 1:].min(axis=1) if lower + 1 < size else low
        maximum[chosen] = parted[:, lower:].max(axis=1)
        p95[chosen] = low * (1 - weight) + high * weight
    return GroupStats(keys[starts], counts, total, maximum, p95)


def in_intervals(timestamps: np.ndarray, intervals: list[tuple[float, float]]) -> np.ndarray:
    """Return which timestamps fall in one of the ``[start, end)`` intervals."""
    inside = np.zeros(timestamps.size, dtype=bool)
    for start, end in intervals:
        inside |= (timestamps >= start) & (timestamps < end)
    return inside


def hour_keys(timestamps: np.ndarray) -> np.ndarray:
    """Return the start (epoch seconds) of the UTC hour of each timestamp."""
    return (np.floor_divide(timestamps, HOUR) * HOUR).astype(np.int64)


def availability_by_hour(timestamps: np.ndarray, up: np.ndarray, interval: float,
                         maintenance: list[tuple[float, float]] = ()) -> dict[int, dict]:
    """Return hour start -> availability figures and the hour's down span.

    ``timestamps`` are epoch seconds, sorted, one per sample; ``up`` is 1 or 0.
    """
    if timestamps.size == 0:
        return {}
    keys = hour_keys(timestamps)
    starts = _group_starts(keys)
    paused = in_intervals(timestamps, list(maintenance))
    counted = ~paused
    is_up = (up > 0.5) & counted
    down = (up <= 0.5) & counted
    samples = np.add.reduceat(counted.astype(np.int64), starts)
    samples_up = np.add.reduceat(is_up.astype(np.int64), starts)
    in_maintenance = np.add.reduceat(paused.astype(np.int64), starts)
    first_down = np.minimum.reduceat(np.where(down, timestamps, np.inf), starts)
    last_down = np.maximum.reduceat(np.where(down, timestamps, -np.inf), starts)
    figures = {}
    for index, hour in enumerate(keys[starts].tolist()):
        claimed = (samples[index] + in_maintenance[index]) * interval
        scale = min(1.0, HOUR / claimed) if claimed else 1.0
        has_down = np.isfinite(first_down[index])
        figures[hour] = {
            "samples": int(samples[index]),
            "samples_up": int(samples_up[index]),
            "seconds_observed": float(samples[index] * interval * scale),
            "seconds_up": float(samples_up[index] * interval * scale),
            "seconds_maintenance": float(in_maintenance[index] * interval * scale),
            "first_down_at": float(first_down[index]) if has_down else None,
            "down_until": (min(float(last_down[index]) + interval, hour + HOUR)
                           if has_down else None),
        }
    return figures


def usage_by_hour(timestamps: np.ndarray, values: np.ndarray, prefix: str) -> dict[int, dict]:
    """Return hour start -> count, sum, maximum and p95 of a CPU or memory series."""
    if timestamps.size == 0:
        return {}
    stats = group_stats(hour_keys(timestamps), values)
    return {
        int(hour): {f"{prefix}_samples": int(count), f"{prefix}_sum": float(total),
                    f"{prefix}_max": float(peak), f"{prefix}_p95": float(p95)}
        for hour, count, total, peak, p95 in zip(
            stats.keys.tolist(), stats.count, stats.total, stats.maximum, stats.p95,
            strict=True)
    }


def disk_by_hour(timestamps: np.ndarray, values: np.ndarray) -> dict[int, dict]:
    """Return hour start -> the most disk used in the hour."""
    if timestamps.size == 0:
        return {}
    keys = hour_keys(timestamps)
    starts = _group_starts(keys)
    peaks = np.maximum.reduceat(values.astype(np.float64), starts)
    return {int(hour): {"disk_used_bytes": float(peak)}
            for hour, peak in zip(keys[starts].tolist(), peaks, strict=True)}


def empty_hour(with_usage: bool) -> dict:
    row = {field: 0 for field in AVAILABILITY_FIELDS}
    row.update(first_down_at=None, down_until=None)
    if with_usage:
        row.update(cpu_samples=0, cpu_sum=0.0, cpu_max=None, cpu_p95=None, memory_samples=0,
                   memory_sum=0.0, memory_max=None, memory_p95=None, disk_used_bytes=None)
    return row


def host_hours(series: dict[str, tuple[np.ndarray, np.ndarray]], interval: float,
               maintenance: list[tuple[float, float]] = (), with_usage: bool = True,
               ) -> dict[int, dict]:
    """Roll one target's series (metric -> (timestamps, values)) up into hourly rows."""
    parts = []
    if "up" in series:
        parts.append(availability_by_hour(*series["up"], interval, maintenance))
    if with_usage:
        for metric in ("cpu", "memory"):
            if metric in series:
                parts.append(usage_by_hour(*series[metric], metric))
        if "disk_used" in series:
            parts.append(disk_by_hour(*series["disk_used"]))
    rows: dict[int, dict] = {}
    for part in parts:
        for hour, figures in part.items():
            rows.setdefault(hour, empty_hour(with_usage)).update(figures)
    return rows


def days_from_hours(hours: dict[int, dict], utc_offset_seconds: int) -> dict[int, dict]:
    """Return local day (days since the epoch) -> daily row, over the hourly rows.

    Counts, sums and seconds add up; the maximum is the day's; the daily p95 is the
    highest hourly p95 (the busiest hour's), since percentiles do not add up.
    """
    days: dict[int, dict] = {}
    for hour, row in sorted(hours.items()):
        day = (hour + utc_offset_seconds) // DAY
        target = days.get(day)
        if target is None:
            target = days[day] = {key: value for key, value in row.items()
                                  if key not in DOWN_FIELDS}
            continue
        for key, value in row.items():
            if key in DOWN_FIELDS or value is None:
                continue
            if key.endswith(("_max", "_p95")) or key == "disk_used_bytes":
                current = target.get(key)
                target[key] = value if current is None else max(current, value)
            else:
                target[key] += value
    return days
