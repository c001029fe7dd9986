"""Writing many rollup rows at once, for the simulator (the demo's months of telemetry) and
the bench; the collector and the push API go through govcloud.telemetry.store instead.

Rows come as numpy columns, as govcloud.telemetry.rollup.hour_columns and day_columns give
them: ``target`` (the host or endpoint id), ``hour`` (epoch seconds) or ``day`` (local
days since the epoch), and one array per figure, NaN for an empty one. Creating a model
instance per row would cost more than computing the row, so:

- SQLite: ``executemany`` of plain tuples, a chunk at a time, datetimes written as Django
  writes them (naive UTC text), so that the ORM's lookups compare them correctly;
- PostgreSQL: ``COPY … (FORMAT BINARY)`` with the rows laid out by numpy (big-endian
  fields, timestamps in microseconds since 2000), a few hundred thousand rows per write.

Floats go in as the same doubles on both, so a stored figure equals the computed one to
the bit. A re-run replaces: delete_rows removes the targets' rows of the range first; the
caller holds the transaction. Rows written or deleted here may lie in a settled period:
its stored figures are forgotten (settled.forget), to be computed again from the rows.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from govcloud.telemetry import settled

#: Rows converted at a time: about 60 MB of hourly rows laid out for COPY, a few hundred MB
#: of Python tuples for executemany.
CHUNK = 250_000
#: SQLite's page cache while writing (negative: KiB): a transaction of a million rows and
#: their three indexes spills the default 2 MB cache at every insert.
SQLITE_CACHE_KIB = -262_144
#: Target ids per DELETE, below SQLite's limit of bound parameters.
DELETE_CHUNK = 5_000
_EPOCH_2000_SECONDS = 946_684_800
_EPOCH_2000_DAYS = 10_957
_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8
_COPY_TRAILER = b"\xff\xff"


@dataclass(frozen=True)
class Column:
    """One column of a rollup table: where its values come from and what type it is."""

    name: str
    key: str
    kind: str
    db_type: str


def columns_of(model) -> list[Column]:
    """Return the rollup model's columns but its id: the target, the hour or day, figures."""
    laid_out = []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        key = "target" if field.is_relation else field.name
        laid_out.append(Column(field.column, key, field.get_internal_type(),
                               field.db_type(connection)))
    return laid_out


def column_keys(model) -> list[str]:
    """Return the keys write_rows needs in its columns for ``model``."""
    return [column.key for column in columns_of(model)]


def _target_column(model) -> str:
    return next(field.column for field in model._meta.concrete_fields if field.is_relation)


def _moment_field(model) -> str:
    names = {field.name for field in model._meta.concrete_fields}
    return "hour" if "hour" in names else "day"


def _check(model, columns: dict[str, np.ndarray]) -> int:
    needed = {column.key for column in columns_of(model)}
    missing = needed - set(columns)
    if missing:
        raise ValueError(f"{model.__name__}: no column for {', '.join(sorted(missing))}")
    sizes = {np.asarray(columns[key]).size for key in needed}
    if len(sizes) > 1:
        raise ValueError(f"{model.__name__}: columns differ in length ({sorted(sizes)})")
    return sizes.pop() if sizes else 0


def write_rows(model, columns: dict[str, np.ndarray]) -> int:
    """Insert the rows given as columns into a rollup table; return how many."""
    count = _check(model, columns)
    if not count:
        return 0
    columns = _in_time_order(model, columns)
    moments = np.asarray(columns[_moment_field(model)])
    with transaction.atomic():
        settled.forget(*_local_days(model, moments.min(), moments.max()))
        if connection.vendor == "postgresql":
            _copy(model, columns, count)
        else:
            _executemany(model, columns, count)
    return count


def _in_time_order(model, columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Return the columns sorted by hour (or day), then target.

    The (target, hour), target and hour indexes then each grow at one place per target
    instead of all over: a third faster on SQLite and PostgreSQL for a fleet-year of hours.
    """
    keys = column_keys(model)
    order = np.lexsort((np.asarray(columns["target"]), np.asarray(columns[_moment_field(model)])))
    return {key: np.asarray(columns[key])[order] for key in keys}


def delete_rows(model, targets, since: datetime | date, until: datetime | date) -> int:
    """Delete the targets' rows whose hour (or day) is in ``[since, until)``; return how
    many."""
    table = connection.ops.quote_name(model._meta.db_table)
    target = connection.ops.quote_name(_target_column(model))
    moment_field = model._meta.get_field(_moment_field(model))
    moment = connection.ops.quote_name(moment_field.column)
    bounds = [moment_field.get_db_prep_value(value, connection) for value in (since, until)]
    targets = list(targets)
    deleted = 0
    with transaction.atomic(), connection.cursor() as cursor, _large_cache(cursor):
        settled.forget(_as_day(since), _as_day(until))
        for first in range(0, len(targets), DELETE_CHUNK):
            chunk = targets[first:first + DELETE_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE {target} IN ({marks}) "
                           f"AND {moment} >= %s AND {moment} < %s", [*chunk, *bounds])
            deleted += cursor.rowcount
    return deleted


def _local_days(model, first, last) -> tuple[date, date]:
    """The local days of the first and last moment of columns (epoch seconds of an hour,
    or local days since the epoch)."""
    if _moment_field(model) == "day":
        epoch = date(1970, 1, 1)
        return epoch + timedelta(days=int(first)), epoch + timedelta(days=int(last))
    return (_as_day(datetime.fromtimestamp(float(first), UTC)),
            _as_day(datetime.fromtimestamp(float(last), UTC)))


def _as_day(moment: datetime | date) -> date:
    """The local day of a moment (a day is itself)."""
    if isinstance(moment, datetime):
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment


def replace_rows(model, columns: dict[str, np.ndarray], targets, since, until,
                 ) -> tuple[int, int]:
    """Delete the targets' rows of ``[since, until)`` and write the given ones in their
    place, in one transaction; return (deleted, written)."""
    with transaction.atomic():
        deleted = delete_rows(model, targets, since, until)
        return deleted, write_rows(model, columns)


# --- SQLite -----------------------------------------------------------------------------


@contextmanager
def _large_cache(cursor):
    """Give SQLite a large page cache for one bulk statement, then the one it had."""
    if connection.vendor != "sqlite":
        yield
        return
    cursor.execute("PRAGMA cache_size")
    (cache_size,) = cursor.fetchone()
    cursor.execute(f"PRAGMA cache_size = {SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")


def _datetime_texts(epochs: np.ndarray) -> list[str | None]:
    """Return naive UTC datetimes as Django's SQLite backend writes them ("2025-10-01
    08:00:00", with ".ffffff" only when there are microseconds); None for NaN."""
    epochs = np.asarray(epochs, dtype=np.float64)
    empty = np.isnan(epochs)
    if empty.all():
        return [None] * epochs.size
    micros = np.round(np.where(empty, 0, epochs) * 1e6).astype(np.int64)
    whole = micros % 1_000_000 == 0
    texts = np.empty(epochs.size, dtype=object)
    for chosen, unit in ((whole, "s"), (~whole, "us")):
        if not chosen.any():
            continue
        strings = np.datetime_as_string(micros[chosen].astype("datetime64[us]"), unit=unit)
        strings.view(np.uint32).reshape(strings.size, -1)[:, 10] = ord(" ")  # "T" -> " "
        if chosen.all() and not empty.any():
            return strings.tolist()
        texts[chosen] = strings.tolist()
    texts[empty] = None
    return texts.tolist()


def _day_texts(days: np.ndarray) -> list[str]:
    return np.datetime_as_string(np.asarray(days, dtype=np.int64).astype("datetime64[D]"),
                                 unit="D").tolist()


def _values(column: Column, values: np.ndarray) -> list:
    if column.kind == "DateTimeField":
        return _datetime_texts(values)
    if column.kind == "DateField":
        return _day_texts(values)
    values = np.asarray(values)
    if values.dtype.kind == "f" and np.isnan(values).any():
        listed = np.array(values.tolist(), dtype=object)
        listed[np.isnan(values)] = None
        return listed.tolist()
    if column.kind == "FloatField":
        return values.astype(np.float64).tolist()
    return values.astype(np.int64).tolist()


def _executemany(model, columns: dict[str, np.ndarray], count: int) -> None:
    """Insert in chunks: a Python tuple per row costs far more memory than the arrays."""
    laid_out = columns_of(model)
    names = ", ".join(connection.ops.quote_name(column.name) for column in laid_out)
    marks = ", ".join(["%s"] * len(laid_out))
    sql = (f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({names}) "
           f"VALUES ({marks})")
    with connection.cursor() as cursor, _large_cache(cursor):
        for first in range(0, count, CHUNK):
            chunk = slice(first, first + CHUNK)
            values = [_values(column, np.asarray(columns[column.key])[chunk])
                      for column in laid_out]
            cursor.executemany(sql, list(zip(*values, strict=True)))


# --- PostgreSQL -------------------------------------------------------------------------

_BINARY = {"bigint": ">i8", "integer": ">i4", "double precision": ">f8",
           "timestamp with time zone": ">i8", "date": ">i4"}


def _binary_values(column: Column, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the values as PostgreSQL's binary format stores them, and which are NULL."""
    values = np.asarray(values)
    empty = np.isnan(values) if values.dtype.kind == "f" else np.zeros(values.size, bool)
    if column.db_type == "timestamp with time zone":
        seconds = np.where(empty, 0, values).astype(np.float64) - _EPOCH_2000_SECONDS
        return np.round(seconds * 1e6).astype(np.int64), empty
    if column.db_type == "date":
        return values.astype(np.int64) - _EPOCH_2000_DAYS, empty
    if column.db_type not in _BINARY:
        raise ValueError(f"{column.name}: cannot COPY a {column.db_type} column")
    return np.where(empty, 0, values), empty


def _copy_rows(laid_out: list[Column], values: list[np.ndarray], empty: list[np.ndarray],
               ) -> bytes:
    """Return rows in COPY's binary layout; rows with the same NULLs share one layout."""
    pattern = np.zeros(values[0].size, dtype=np.int64)
    for bit, is_empty in enumerate(empty):
        pattern |= is_empty.astype(np.int64) << bit
    parts = []
    for code in np.unique(pattern).tolist():
        chosen = pattern == code
        layout = [("fields", ">i2")]
        for index, column in enumerate(laid_out):
            layout.append((f"size{index}", ">i4"))
            if not code >> index & 1:
                layout.append((f"value{index}", _BINARY[column.db_type]))
        rows = np.empty(int(chosen.sum()), dtype=np.dtype(layout))
        rows["fields"] = len(laid_out)
        for index, column in enumerate(laid_out):
            if code >> index & 1:
                rows[f"size{index}"] = -1
            else:
                rows[f"size{index}"] = np.dtype(_BINARY[column.db_type]).itemsize
                rows[f"value{index}"] = values[index][chosen]
        parts.append(rows.tobytes())
    return b"".join(parts)


def _copy(model, columns: dict[str, np.ndarray], count: int) -> None:
    laid_out = columns_of(model)
    names = ", ".join(connection.ops.quote_name(column.name) for column in laid_out)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.copy(
            f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(_COPY_SIGNATURE)
        for first in range(0, count, CHUNK):
            chunk = slice(first, first + CHUNK)
            converted = [_binary_values(column, np.asarray(columns[column.key])[chunk])
                         for column in laid_out]
            copy.write(_copy_rows(laid_out, [value for value, _ in converted],
                                  [empty for _, empty in converted]))
        copy.write(_COPY_TRAILER)

