"""Reading a long table in bounded memory, on every database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Model, QuerySet

BATCH_ROWS = 2000


def each_in_order(rows: QuerySet[Any, Any], field: str,
                  batch: int = BATCH_ROWS) -> Iterator[Model]:
    """Yield the rows ordered by ``field``, whose values are unique, ``batch`` at a time.

    Each batch is a query of its own starting after the last value read (a keyset page),
    so memory stays bounded without a server-side cursor, which the PostgreSQL settings
    leave off (settings.py).
    """
    last = None
    while True:
        page = rows.order_by(field)
        if last is not None:
            page = page.filter(**{f"{field}__gt": last})
        read = list(page[:batch])
        yield from read
        if len(read) < batch:
            return
        last = getattr(read[-1], field)
