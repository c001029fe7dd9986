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

import math
from dataclasses import dataclass
from functools import reduce

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
    starts = _group_starts(keys)
    return _stats(np.asarray(values, dtype=np.float64), starts, keys[starts], q)


def hour_bounds(timestamps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return where each hour's samples start in sorted ``timestamps``, and the hours.

    The same groups as hour_keys gives, found by a binary search per hour instead of a
    key per sample: a year of minutes has 8,760 hours and 525,600 samples.
    """
    timestamps = np.asarray(timestamps)
    if not timestamps.size:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    first = math.floor(timestamps[0]) // HOUR * HOUR
    last = math.floor(timestamps[-1]) // HOUR * HOUR
    edges = np.arange(first, last + HOUR, HOUR, dtype=np.int64)
    bounds = np.searchsorted(timestamps, edges)
    present = np.diff(np.append(bounds, timestamps.size)) > 0
    return bounds[present], edges[present]


def hour_stats(timestamps: np.ndarray, values: np.ndarray, q: float = QUANTILE) -> GroupStats:
    """Return group_stats(hour_keys(timestamps), values), the same numbers, faster
    (``timestamps`` sorted)."""
    starts, hours = hour_bounds(timestamps)
    return _stats(np.asarray(values, dtype=np.float64), starts, hours, q)


def _stats(values: np.ndarray, starts: np.ndarray, keys: np.ndarray, q: float) -> GroupStats:
    groups = starts.size
    counts = np.diff(np.append(starts, values.size))
    maximum = np.empty(groups)
    p95 = np.empty(groups)
    total = np.add.reduceat(values, starts) if groups else np.zeros(0)
    for size in np.unique(counts):
        size = int(size)
        chosen = np.flatnonzero(counts == size)
        if chosen.size == groups:
            matrix = values.reshape(groups, size).copy()
        else:  # whole rows of a window view: a copy without an index per sample
            matrix = np.lib.stride_tricks.sliding_window_view(values, size)[starts[chosen]]
        rank = q * (size - 1)
        lower = int(np.floor(rank))
        weight = rank - lower
        matrix.partition(lower, axis=1)
        # Column by column: a reduction along rows of a few elements costs six times more.
        above = [matrix[:, column] for column in range(lower, size)]
        low = above[0]
        high = reduce(np.minimum, above[1:]) if len(above) > 1 else low
        maximum[chosen] = reduce(np.maximum, above)
        p95[chosen] = low * (1 - weight) + high * weight
    return GroupStats(keys, counts, total, maximum, p95)


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


# --- the same rollups as columns --------------------------------------------------------
#
# host_hours and days_from_hours build a dict per hour, which is right for the few hours an
# ingest touches and too slow for months of a fleet (the simulator, the bench). The
# functions below give the same rows as numpy columns: the same kernels on the same
# samples and the same order of additions, so every figure is equal to the bit; an empty
# figure (None in a row) is NaN in a column.

#: Figures counted in whole samples (int64 columns).
COUNT_FIELDS = ("samples", "samples_up", "cpu_samples", "memory_samples")
#: Figures a day takes as the largest of its hours'.
PEAK_FIELDS = ("cpu_max", "cpu_p95", "memory_max", "memory_p95", "disk_used_bytes")
#: Figures with no value when the hour has no sample of their metric.
NULLABLE_FIELDS = (*PEAK_FIELDS, *DOWN_FIELDS)


def hour_fields(with_usage: bool, with_down: bool = True) -> tuple[str, ...]:
    """Return the figures of an hourly (``with_down``) or daily row, in model order."""
    fields = AVAILABILITY_FIELDS + (USAGE_FIELDS if with_usage else ())
    return fields + (DOWN_FIELDS if with_down else ())


def _empty_columns(size: int, fields: tuple[str, ...]) -> dict[str, np.ndarray]:
    return {field: (np.zeros(size, dtype=np.int64) if field in COUNT_FIELDS
                    else np.full(size, np.nan) if field in NULLABLE_FIELDS
                    else np.zeros(size)) for field in fields}


def _availability_columns(columns: dict, hours: np.ndarray, timestamps: np.ndarray,
                          up: np.ndarray, interval: float, maintenance) -> None:
    """Fill the availability figures of ``hours`` as availability_by_hour computes them."""
    starts, own_hours = hour_bounds(timestamps)
    at = np.searchsorted(hours, own_hours)
    paused = in_intervals(timestamps, list(maintenance))
    counted = ~paused
    is_up = (up > 0.5) & counted
    down = (up <= 0.5) & counted
    samples = np.add.reduceat(counted.astype(np.int64), starts)
    samples_up = np.add.reduceat(is_up.astype(np.int64), starts)
    in_maintenance = np.add.reduceat(paused.astype(np.int64), starts)
    if down.any():
        first_down = np.minimum.reduceat(np.where(down, timestamps, np.inf), starts)
        last_down = np.maximum.reduceat(np.where(down, timestamps, -np.inf), starts)
    else:
        first_down, last_down = np.full(starts.size, np.inf), np.full(starts.size, -np.inf)
    claimed = (samples + in_maintenance) * interval
    scale = np.ones(claimed.size)
    claimed_some = claimed != 0
    scale[claimed_some] = np.minimum(1.0, HOUR / claimed[claimed_some])
    has_down = np.isfinite(first_down)
    ends = (own_hours + HOUR).astype(np.float64)
    columns["samples"][at] = samples
    columns["samples_up"][at] = samples_up
    columns["seconds_observed"][at] = samples * interval * scale
    columns["seconds_up"][at] = samples_up * interval * scale
    columns["seconds_maintenance"][at] = in_maintenance * interval * scale
    columns["first_down_at"][at] = np.where(has_down, first_down, np.nan)
    columns["down_until"][at] = np.where(has_down, np.minimum(last_down + interval, ends),
                                         np.nan)


def hour_columns(series: dict[str, tuple[np.ndarray, np.ndarray]], interval: float,
                 maintenance: list[tuple[float, float]] = (), with_usage: bool = True,
                 ) -> dict[str, np.ndarray]:
    """Return host_hours' rows as columns: ``hour`` (epoch seconds, sorted) and each figure.

    An hour has a row when any of the series has a sample in it, as in host_hours. Each
    series' timestamps are sorted, as host_hours needs them too.
    """
    metrics = ("up", "cpu", "memory", "disk_used") if with_usage else ("up",)
    present = {metric: series[metric] for metric in metrics
               if metric in series and np.asarray(series[metric][0]).size}
    bounds = {metric: hour_bounds(timestamps) for metric, (timestamps, _values)
              in present.items()}
    group_keys = [metric_hours for _starts, metric_hours in bounds.values()]
    hours = np.unique(np.concatenate(group_keys)) if group_keys else np.zeros(0, np.int64)
    columns = {"hour": hours, **_empty_columns(hours.size, hour_fields(with_usage))}
    if "up" in present:
        timestamps, up = present["up"]
        _availability_columns(columns, hours, np.asarray(timestamps, dtype=np.float64),
                              np.asarray(up), interval, maintenance)
    for prefix in ("cpu", "memory"):
        if prefix in present:
            starts, metric_hours = bounds[prefix]
            stats = _stats(np.asarray(present[prefix][1], dtype=np.float64), starts,
                           metric_hours, QUANTILE)
            at = np.searchsorted(hours, stats.keys)
            columns[f"{prefix}_samples"][at] = stats.count
            columns[f"{prefix}_sum"][at] = stats.total
            columns[f"{prefix}_max"][at] = stats.maximum
            columns[f"{prefix}_p95"][at] = stats.p95
    if "disk_used" in present:
        starts, disk_hours = bounds["disk_used"]
        values = np.asarray(present["disk_used"][1], dtype=np.float64)
        columns["disk_used_bytes"][np.searchsorted(hours, disk_hours)] = (
            np.maximum.reduceat(values, starts))
    return columns


def _sums_in_order(values: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Add each group's values up one after the other, as ``+=`` in a Python loop does.

    np.add.reduceat adds in pairs for longer groups, whose last bit may differ.
    """
    totals = np.zeros(starts.size)
    for rank in range(int(counts.max()) if counts.size else 0):
        reaching = counts > rank
        totals[reaching] += values[starts[reaching] + rank]
    return totals


def day_columns(hours: dict[str, np.ndarray], utc_offset_seconds: int) -> dict[str, np.ndarray]:
    """Return days_from_hours' rows as columns: ``day`` (local days since the epoch) and
    each daily figure, from hour_columns' columns (or several targets' one after another,
    with ``target`` telling them apart)."""
    day = (hours["hour"] + utc_offset_seconds) // DAY
    split = day if "target" not in hours else day + hours["target"].astype(np.int64) * 10**7
    starts = _group_starts(split)
    counts = np.diff(np.append(starts, day.size))
    columns = {"day": day[starts]}
    if "target" in hours:
        columns["target"] = hours["target"][starts]
    for field in hour_fields("cpu_sum" in hours, with_down=False):
        values = hours[field]
        if field in COUNT_FIELDS:
            columns[field] = np.add.reduceat(values, starts) if starts.size else values[:0]
        elif field in PEAK_FIELDS:
            columns[field] = np.fmax.reduceat(values, starts) if starts.size else values[:0]
        else:
            columns[field] = _sums_in_order(values, starts, counts)
    return columns


def rows_from_columns(columns: dict[str, np.ndarray], key: str) -> dict[int, dict]:
    """Return ``key`` (``hour`` or ``day``) -> row, as host_hours and days_from_hours give."""
    fields = [field for field in columns if field not in (key, "target")]
    values = {field: columns[field].tolist() for field in fields}
    rows = {}
    for index, at in enumerate(columns[key].tolist()):
        row = {}
        for field in fields:
            value = values[field][index]
            row[field] = None if field in NULLABLE_FIELDS and value != value else value
        rows[int(at)] = row
    return rows
