"""Storing samples: checked as a whole, merged into hour buckets, rolled up again.

``ingest`` is the one way samples enter the database (collector, Prometheus pull, push
API). A batch is checked before anything is written and then stored in one transaction: a
refused batch leaves nothing behind. A sample with a timestamp already stored replaces the
stored one, so a batch sent twice counts once; every hour it touches is rolled up again from
its buckets, and every day from its hours, so late data corrects what was computed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govcloud.inventory.models import CloudHost
from govcloud.telemetry.choices import FRACTION_METRICS, PROBE_METRICS, Metric
from govcloud.telemetry.maintenance import excluded_intervals
from govcloud.telemetry.models import (
    HostDaily,
    HostHourly,
    ProbeDaily,
    ProbeHourly,
    SampleBucket,
    ServiceEndpoint,
)
from govcloud.telemetry.rollup import DAY, HOUR, days_from_hours, host_hours

#: How far ahead of the server's clock a sample may be (clock skew of the sender).
FUTURE_TOLERANCE = timedelta(minutes=5)


@dataclass
class SeriesSamples:
    """Samples of one metric of one host or service endpoint."""

    target: CloudHost | ServiceEndpoint
    metric: str
    timestamps: np.ndarray
    values: np.ndarray
    interval_seconds: float


@dataclass(frozen=True)
class IngestResult:
    received: int
    stored: int
    hours: int


def raw_retention() -> timedelta:
    return timedelta(days=settings.GOVCLOUD_TELEMETRY_RAW_DAYS)


def utc_offset_seconds(day: date | None = None) -> int:
    """The platform time zone's offset from UTC on ``day`` (today by default)."""
    moment = datetime.combine(day or timezone.localdate(), datetime.min.time())
    offset = timezone.get_current_timezone().utcoffset(moment)
    return int(offset.total_seconds())


def check_series(series: SeriesSamples, now: datetime, label: str = "") -> None:
    """Raise ValidationError naming what is wrong with one series."""
    where = label or str(series.target)
    is_host = isinstance(series.target, CloudHost)
    allowed = {m.value for m in Metric} if is_host else set(PROBE_METRICS)
    if series.metric not in allowed:
        raise ValidationError(_("%(where)s: metric %(metric)s cannot be stored for it.")
                              % {"where": where, "metric": series.metric})
    if not (isinstance(series.interval_seconds, int | float)
            and 0 < series.interval_seconds <= HOUR):
        raise ValidationError(_("%(where)s: the interval must be between 1 and 3600 seconds.")
                              % {"where": where})
    timestamps, values = series.timestamps, series.values
    if timestamps.shape != values.shape or timestamps.ndim != 1:
        raise ValidationError(_("%(where)s: timestamps and values differ in number.")
                              % {"where": where})
    if not np.all(np.isfinite(timestamps)) or not np.all(np.isfinite(values)):
        raise ValidationError(_("%(where)s: timestamps and values must be finite numbers "
                                "(no NaN or infinity).") % {"where": where})
    if values.size and values.min() < 0:
        raise ValidationError(_("%(where)s: %(metric)s cannot be negative.")
                              % {"where": where, "metric": series.metric})
    if series.metric in FRACTION_METRICS and values.size and values.max() > 1:
        raise ValidationError(_("%(where)s: %(metric)s is a fraction and cannot exceed 1.")
                              % {"where": where, "metric": series.metric})
    if timestamps.size:
        latest = now + FUTURE_TOLERANCE
        if timestamps.max() > latest.timestamp():
            raise ValidationError(_("%(where)s: a timestamp lies in the future (after %(t)s).")
                                  % {"where": where, "t": latest.isoformat()})
        oldest = now - raw_retention()
        if timestamps.min() < oldest.timestamp():
            raise ValidationError(
                _("%(where)s: a timestamp is older than the %(days)s days for which raw "
                  "samples are kept.") % {"where": where, "days": raw_retention().days})


def _target_fields(target) -> dict:
    if isinstance(target, CloudHost):
        return {"host": target}
    return {"endpoint": target}


def _merge(bucket: SampleBucket | None, timestamps_ms: np.ndarray, values: np.ndarray,
           ) -> tuple[np.ndarray, np.ndarray, int]:
    """Merge new samples into a bucket's; a repeated timestamp keeps the newest value."""
    if bucket is None:
        old_ts = np.zeros(0, dtype=np.int64)
        old_values = np.zeros(0)
    else:
        old_ts = np.frombuffer(bytes(bucket.timestamps), dtype=np.int64)
        old_values = np.frombuffer(bytes(bucket.values), dtype=np.float64)
    all_ts = np.concatenate((old_ts, timestamps_ms))
    all_values = np.concatenate((old_values, values))
    reversed_ts = all_ts[::-1]
    unique_ts, last_index = np.unique(reversed_ts, return_index=True)
    merged_values = all_values[::-1][last_index]
    return unique_ts, merged_values, unique_ts.size - old_ts.size


def ingest(batch: list[SeriesSamples], now: datetime | None = None) -> IngestResult:
    """Check and store a batch of series; roll up every hour and day they touch."""
    now = now or timezone.now()
    for series in batch:
        series.timestamps = np.asarray(series.timestamps, dtype=np.float64)
        series.values = np.asarray(series.values, dtype=np.float64)
        check_series(series, now)
    received = stored = 0
    touched: dict[tuple[str, int], set[int]] = defaultdict(set)
    targets: dict[tuple[str, int], object] = {}
    with transaction.atomic():
        for series in batch:
            order = np.argsort(series.timestamps, kind="stable")
            timestamps_ms = np.round(series.timestamps[order] * 1000).astype(np.int64)
            values = series.values[order]
            hours = timestamps_ms // (HOUR * 1000) * HOUR
            key = ("host" if isinstance(series.target, CloudHost) else "endpoint",
                   series.target.pk)
            targets[key] = series.target
            received += timestamps_ms.size
            for hour in np.unique(hours).tolist():
                chosen = hours == hour
                stored += _store_bucket(series, hour, timestamps_ms[chosen], values[chosen])
                touched[key].add(hour)
        for key, hours in touched.items():
            roll_up(targets[key], sorted(hours))
    return IngestResult(received, stored, sum(len(hours) for hours in touched.values()))


def _store_bucket(series: SeriesSamples, hour: int, timestamps_ms: np.ndarray,
                  values: np.ndarray) -> int:
    fields = _target_fields(series.target)
    hour_at = datetime.fromtimestamp(hour, UTC)
    bucket = (SampleBucket.objects.select_for_update()
              .filter(metric=series.metric, hour=hour_at, **fields).first())
    merged_ts, merged_values, added = _merge(bucket, timestamps_ms, values)
    if bucket is None:
        bucket = SampleBucket(metric=series.metric, hour=hour_at, **fields)
    bucket.interval_seconds = float(series.interval_seconds)
    bucket.timestamps = merged_ts.tobytes()
    bucket.values = merged_values.tobytes()
    bucket.save()
    return added


def _series_of(buckets) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], float]:
    parts: dict[str, list] = defaultdict(list)
    interval = 60.0
    for bucket in sorted(buckets, key=lambda b: b.hour):
        parts[bucket.metric].append((np.frombuffer(bytes(bucket.timestamps), dtype=np.int64),
                                     np.frombuffer(bytes(bucket.values), dtype=np.float64)))
        if bucket.metric == Metric.UP:
            interval = bucket.interval_seconds
    series = {
        metric: (np.concatenate([ts for ts, _ in chunks]) / 1000.0,
                 np.concatenate([v for _, v in chunks]))
        for metric, chunks in parts.items()
    }
    return series, interval


def _at(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


def roll_up(target, hours: list[int]) -> None:
    """Roll the given hours of one target up again from its buckets, then their days."""
    is_host = isinstance(target, CloudHost)
    fields = _target_fields(target)
    hourly_model, daily_model = (HostHourly, HostDaily) if is_host else (ProbeHourly,
                                                                         ProbeDaily)
    maintenance = excluded_intervals(target.system)
    days = set()
    for hour in hours:
        hour_at = datetime.fromtimestamp(hour, UTC)
        buckets = SampleBucket.objects.filter(hour=hour_at, **fields)
        series, interval = _series_of(buckets)
        rows = host_hours(series, interval, maintenance, with_usage=is_host)
        row = rows.get(hour)
        if row is None:
            hourly_model.objects.filter(hour=hour_at, **fields).delete()
        else:
            row["first_down_at"] = _at(row["first_down_at"])
            row["down_until"] = _at(row["down_until"])
            hourly_model.objects.update_or_create(hour=hour_at, defaults=row, **fields)
        days.add(timezone.localtime(hour_at).date())
    for day in sorted(days):
        roll_up_day(target, day, hourly_model, daily_model, fields)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants at which a local day starts and ends."""
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1),
                                                       datetime.min.time()))


def roll_up_day(target, day: date, hourly_model, daily_model, fields: dict) -> None:
    start, end = day_bounds(day)
    excluded = {"id", "host_id", "endpoint_id", "hour", "first_down_at", "down_until"}
    hours = {}
    for row in hourly_model.objects.filter(hour__gte=start, hour__lt=end, **fields).values():
        hours[int(row["hour"].timestamp())] = {key: value for key, value in row.items()
                                               if key not in excluded}
    days = days_from_hours(hours, utc_offset_seconds(day))
    figures = days.get((int(start.timestamp()) + utc_offset_seconds(day)) // DAY)
    if figures is None:
        daily_model.objects.filter(day=day, **fields).delete()
    else:
        daily_model.objects.update_or_create(day=day, defaults=figures, **fields)


def prune_raw(now: datetime | None = None) -> int:
    """Drop raw buckets older than the retention; rollups stay. Returns rows dropped."""
    cutoff = (now or timezone.now()) - raw_retention() - timedelta(hours=1)
    deleted, _ = SampleBucket.objects.filter(hour__lt=cutoff).delete()
    return deleted
