"""The allocation ledger (C-7, C-9): what each system is allocated of each catalog item.

Every change is an AllocationEntry; the allocation at any moment is the sum of the
entries up to it. Nothing beyond the contracted quantity is allocated, unless the contract
is amended (the current version's quantities apply).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum, Window
from django.db.models.functions import FirstValue, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from govcloud.contract.models import CatalogItem, Contract
from govcloud.inventory.choices import HostStatus
from govcloud.inventory.models import (
    AllocationEntry,
    ApplicationSystem,
    ChangeRequest,
    CloudHost,
    HostStatusChange,
)
from govcloud.lib.roles import Actor, Person
from govcloud.lib.scoping import systems_in_scope

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

#: Meters a cloud host carries by its size (catalog items 1–4).
HOST_SIZE_METERS = {
    "vcpu": "vcpu",
    "memory_gb": "memory_gb",
    "standard_storage_gb": "standard_storage_gb",
    "performance_storage_gb": "performance_storage_gb",
}
#: Meters of the per-host services (catalog items 9–12): one unit per host that takes them.
HOST_SERVICE_METERS = frozenset(
    {"host_monitoring", "host_antivirus", "host_protection", "host_vulnerability_scan"}
)


@dataclass(frozen=True)
class ItemAllocation:
    """A catalog item with its contracted quantity and what is allocated of it."""

    number: int
    name: str
    unit: str
    meter: str
    contracted: int
    allocated: int

    @property
    def headroom(self) -> int:
        return self.contracted - self.allocated


def allocated_by_meter(contract: Contract, at: datetime | None = None,
                       system: ApplicationSystem | None = None) -> dict[str, int]:
    """Return meter -> allocated quantity at ``at`` (now by default), for one system or all."""
    entries = AllocationEntry.objects.filter(contract=contract)
    if at is not None:
        entries = entries.filter(recorded_at__lte=at)
    if system is not None:
        entries = entries.filter(system=system)
    totals = entries.values("meter").annotate(total=Sum("delta"))
    return {row["meter"]: row["total"] for row in totals}


def contract_allocation(contract: Contract, at: datetime | None = None) -> list[ItemAllocation]:
    """Return every catalog item of the current version with its allocation at ``at``."""
    allocated = allocated_by_meter(contract, at)
    version = contract.current_version
    if version is None:  # a stored contract always has one (contract.services)
        return []
    return [
        ItemAllocation(item.number, item.display_name, item.display_unit, item.meter,
                       item.quantity, allocated.get(item.meter, 0))
        for item in version.catalogitems.all()
    ]


def allocation_seen_by(user: Person | AnonymousUser, contract: Contract,
                       at: datetime | None = None) -> tuple[list[ItemAllocation], bool]:
    """Return (items, whole_contract): the allocation ``user`` may see at ``at``.

    Contract-wide roles see the contract's whole allocation; people scoped to systems see
    the sum over their systems only (``whole_contract`` is then False), against the same
    contracted quantities. The caller has checked that ``user`` sees the contract.
    """
    items = contract_allocation(contract, at)
    visible = systems_in_scope(user, contract)
    if visible is None:
        return items, True
    entries = AllocationEntry.objects.filter(contract=contract, system__in=visible)
    if at is not None:
        entries = entries.filter(recorded_at__lte=at)
    totals = {row["meter"]: row["total"]
              for row in entries.values("meter").annotate(total=Sum("delta"))}
    return [replace(item, allocated=totals.get(item.meter, 0)) for item in items], False


def running_hosts(contract: Contract, at: datetime | None = None,
                  systems: QuerySet[ApplicationSystem] | Iterable[ApplicationSystem] | None = None
                  ) -> int:
    """Count the contract's hosts (of ``systems`` only, if given) whose last status change
    up to ``at`` is running: one query and one pass over the changes (each change ranked
    within its host), not a lookup a host, whatever the fleet's size."""
    moment = at or timezone.now()
    changes = HostStatusChange.objects.filter(host__system__contract=contract,
                                              changed_at__lte=moment)
    if systems is not None:
        changes = changes.filter(host__system__in=systems)
    host, latest_first = [F("host_id")], [F("changed_at").desc(), F("pk").desc()]
    # Both conditions name window expressions, so both apply after the ranking (a plain
    # status condition would apply before it and rank the running changes only).
    running: int = changes.annotate(
        recency=Window(RowNumber(), partition_by=host, order_by=latest_first),
        status_then=Window(FirstValue("status"), partition_by=host, order_by=latest_first),
    ).filter(recency=1, status_then=HostStatus.RUNNING).count()
    return running


def allocation_problems(contract: Contract, changes: dict[str, int]) -> list[str]:
    """Return why ``changes`` of the contract's allocation cannot be recorded now, if at all.

    Each problem names the catalog item, the quantity asked and the headroom left.
    """
    catalog = {item.meter: item for item in CatalogItem.objects.filter(
        version__contract=contract, version__is_current=True)}
    current = allocated_by_meter(contract)
    problems = []
    for meter, delta in changes.items():
        item = catalog.get(meter)
        if item is None:
            problems.append(_("The contract has no catalog item for %(meter)s.")
                            % {"meter": meter})
            continue
        headroom = item.quantity - current.get(meter, 0)
        if delta > headroom:
            problems.append(
                _("Catalog item %(number)s (%(name)s): %(asked)s %(unit)s asked, only "
                  "%(headroom)s %(unit)s of the contracted %(quantity)s left.")
                % {"number": item.number, "name": item.display_name, "asked": delta,
                   "unit": item.display_unit, "headroom": headroom, "quantity": item.quantity}
            )
        elif current.get(meter, 0) + delta < 0:
            problems.append(
                _("Catalog item %(number)s (%(name)s): cannot release %(released)s, only "
                  "%(allocated)s allocated.")
                % {"number": item.number, "name": item.display_name, "released": -delta,
                   "allocated": current.get(meter, 0)}
            )
    return problems


@transaction.atomic
def record_allocation(contract: Contract, system: ApplicationSystem, changes: dict[str, int], *,
                      reason: str, actor: Actor = None, host: CloudHost | None = None,
                      change_request: ChangeRequest | None = None,
                      at: datetime | None = None) -> list[AllocationEntry]:
    """Record changes of a system's allocation, refusing any that would pass the contract.

    The contract row is locked first, so two changes at once cannot both take the last
    headroom. Every meter must be one of the contract's catalog items.
    """
    Contract.objects.select_for_update().get(pk=contract.pk)
    if system.contract_id != contract.pk:
        raise ValidationError(_("The system %(system)s does not belong to %(contract)s.")
                              % {"system": system, "contract": contract.code})
    problems = allocation_problems(contract, changes)
    if problems:
        raise ValidationError(problems)
    moment = at or timezone.now()
    username = getattr(actor, "username", "")
    return AllocationEntry.objects.bulk_create([
        AllocationEntry(contract=contract, system=system, host=host, meter=meter, delta=delta,
                        recorded_at=moment, reason=reason, actor_username=username,
                        change_request=change_request)
        for meter, delta in changes.items() if delta
    ])


def host_meters(host: CloudHost) -> dict[str, int]:
    """Return what a host takes of each meter: its size and one of each service it has."""
    taken = {meter: getattr(host, field) for field, meter in HOST_SIZE_METERS.items()}
    taken.update({meter: 1 for meter in host.services})
    return {meter: amount for meter, amount in taken.items() if amount}


@transaction.atomic
def register_host(system: ApplicationSystem, *, name: str, vcpu: int, memory_gb: int,
                  reason: str, standard_storage_gb: int = 0, performance_storage_gb: int = 0,
                  services: Iterable[str] = (), operating_system: str = "",
                  ip_addresses: Iterable[str] = (), data_center: str = "",
                  status: str = HostStatus.RUNNING, actor: Actor = None,
                  change_request: ChangeRequest | None = None,
                  at: datetime | None = None) -> CloudHost:
    """Add a cloud host to a system and allocate what it takes, or refuse and add nothing."""
    unknown = set(services) - HOST_SERVICE_METERS
    if unknown:
        raise ValidationError({"services": _("Unknown per-host services: %(services)s.")
                               % {"services": ", ".join(sorted(unknown))}})
    if system.hosts.filter(name=name).exists():
        raise ValidationError({"name": _("%(system)s has a host named %(name)s already.")
                               % {"system": system, "name": name}})
    host = CloudHost(
        system=system, name=name, vcpu=vcpu, memory_gb=memory_gb,
        standard_storage_gb=standard_storage_gb, performance_storage_gb=performance_storage_gb,
        services=sorted(services), operating_system=operating_system,
        ip_addresses=list(ip_addresses), data_center=data_center, status=status,
    )
    host.full_clean(exclude=["system"])
    host.save()
    moment = at or timezone.now()
    record_allocation(system.contract, system, host_meters(host), reason=reason, actor=actor,
                      host=host, change_request=change_request, at=moment)
    HostStatusChange.objects.create(host=host, status=status, changed_at=moment)
    return host
