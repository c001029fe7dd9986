"""What was true of each host at a past moment: its size from the allocation ledger and its
status from its status history, so that a figure of a past period is computed from the
fleet of that period and never changes afterwards (a report handed over can be reproduced
byte for byte).

A host's size at a moment is the sum of its ledger entries of the meters ``vcpu`` and
``memory_gb`` recorded before it. A host without any ledger entry (rows written outside
govcloud's services) is taken at its current size.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import OuterRef, Subquery

from govcloud.inventory.models import AllocationEntry, HostStatusChange


@dataclass
class SizeHistory:
    """One host's sizes: ``moments[i]`` is when ``sizes[i]`` (vCPU, memory GB) began."""

    current: tuple[int, int]
    moments: list[datetime] = field(default_factory=list)
    sizes: list[tuple[int, int]] = field(default_factory=list)

    def before(self, moment: datetime) -> tuple[int, int]:
        """The size recorded before ``moment`` (the first known size if none was yet)."""
        if not self.moments:
            return self.current
        index = bisect_left(self.moments, moment)
        return self.sizes[max(index - 1, 0)]

    def changes_within(self, start: datetime, end: datetime) -> bool:
        """Whether the size changed strictly between ``start`` and ``end``."""
        return any(start < moment < end for moment in self.moments[1:])


def size_histories(hosts, current: dict[int, tuple[int, int]]) -> dict[int, SizeHistory]:
    """The size history of every host of the queryset ``hosts``, whose current sizes
    are ``current`` (host id -> vCPU, memory GB): one query."""
    histories = {pk: SizeHistory(size) for pk, size in current.items()}
    entries = (AllocationEntry.objects
               .filter(host__in=hosts.values("pk"), meter__in=("vcpu", "memory_gb"))
               .order_by("host_id", "recorded_at", "pk")
               .values_list("host_id", "meter", "delta", "recorded_at"))
    totals: dict[int, list[int]] = {}
    for host_id, meter, delta, recorded_at in entries:
        history = histories[host_id]
        total = totals.setdefault(host_id, [0, 0])
        total[0 if meter == "vcpu" else 1] += delta
        if history.moments and history.moments[-1] == recorded_at:
            history.sizes[-1] = (total[0], total[1])
        else:
            history.moments.append(recorded_at)
            history.sizes.append((total[0], total[1]))
    return histories


def with_status_at(hosts, moment: datetime):
    """The queryset ``hosts`` annotated with ``status_then``: each host's status at
    ``moment`` from its status history (None before its first)."""
    latest = (HostStatusChange.objects.filter(host=OuterRef("pk"), changed_at__lte=moment)
              .order_by("-changed_at", "-pk").values("status")[:1])
    return hosts.annotate(status_then=Subquery(latest))
