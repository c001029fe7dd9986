"""Figures over a period, read from the stored rollups: availability and utilization per
host, system and fleet, series for charts, outages as evidence, hourly means for the usage
evaluation. Hosts in service are the inventory's (ledger.running_hosts).

Sizes are those of the period, never today's (host_history): each host's vCPU and memory
are the ledger's at the end of the period, and a host resized inside the period has each
day's CPU weighted by its vCPU at that day's end. A past period's figures therefore never
change when the fleet changes later.

Every KPI and page asks here; none recomputes from samples. Periods are whole local days,
so whole-period figures come from the daily rows alone (one grouped query); charts and
outages read the hourly rows. A settled period's figures are computed once for the whole
contract and read back from then on (settled.py); a view of some systems takes its part.
Sums run in a fixed order (hosts by id, then systems by id), so that the part of the
stored whole and a scoped computation agree to the last bit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Max, Sum
from django.utils import timezone

from govcloud.inventory.models import CloudHost
from govcloud.telemetry import settled
from govcloud.telemetry.host_history import SizeHistory, size_histories
from govcloud.telemetry.models import (
    HostDaily,
    HostHourly,
    ProbeDaily,
    ProbeHourly,
    ServiceEndpoint,
)
from govcloud.telemetry.settled import day_end

_AVAILABILITY_SUMS = ("samples", "seconds_observed", "seconds_up", "seconds_maintenance")
_USAGE_SUMS = ("cpu_samples", "cpu_sum", "memory_samples", "memory_sum")
_USAGE_MAXIMA = ("cpu_max", "cpu_p95", "memory_max", "memory_p95", "disk_used_bytes")
_FIGURES = (*_AVAILABILITY_SUMS, *_USAGE_SUMS, *_USAGE_MAXIMA)


@dataclass
class Figures:
    """Sums over a period for one host, endpoint, system or the fleet."""

    samples: int = 0
    seconds_observed: float = 0.0
    seconds_up: float = 0.0
    seconds_maintenance: float = 0.0
    cpu_samples: int = 0
    cpu_sum: float = 0.0
    memory_samples: int = 0
    memory_sum: float = 0.0
    cpu_max: float | None = None
    cpu_p95: float | None = None
    memory_max: float | None = None
    memory_p95: float | None = None
    disk_used_bytes: float | None = None

    @property
    def availability(self) -> float | None:
        """Up time over observed time, 0–1; None without observations (never "up")."""
        return self.seconds_up / self.seconds_observed if self.seconds_observed else None

    @property
    def downtime_seconds(self) -> float:
        return self.seconds_observed - self.seconds_up

    @property
    def cpu_mean(self) -> float | None:
        return self.cpu_sum / self.cpu_samples if self.cpu_samples else None

    @property
    def memory_mean(self) -> float | None:
        return self.memory_sum / self.memory_samples if self.memory_samples else None

    def add(self, other: Figures) -> None:
        for name in (*_AVAILABILITY_SUMS, *_USAGE_SUMS):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in _USAGE_MAXIMA:
            mine, theirs = getattr(self, name), getattr(other, name)
            if theirs is not None and (mine is None or theirs > mine):
                setattr(self, name, theirs)


@dataclass
class HostFigures(Figures):
    """A host's sums over a period; ``vcpu`` and ``memory_gb`` as at the period's end."""

    host_id: int = 0
    system_id: int = 0
    vcpu: int = 0
    memory_gb: int = 0
    #: (busy vCPU, measured vCPU) when the host was resized inside the period: each day's
    #: CPU weighted by that day's vCPU, shares of the period's CPU samples.
    resized_load: tuple[float, float] | None = None

    def vcpu_load(self) -> tuple[float, float]:
        """Busy and measured vCPU over the period (CPU weighted by the vCPU of the time)."""
        if self.resized_load is not None:
            return self.resized_load
        return (self.cpu_mean or 0.0) * self.vcpu, float(self.vcpu)


@dataclass
class GroupFigures(Figures):
    """A system's or the fleet's figures; CPU weighted by vCPU (busy vCPU over rented)."""

    members: int = 0
    vcpu_busy: float = 0.0
    vcpu_measured: float = 0.0

    @property
    def cpu_weighted(self) -> float | None:
        return self.vcpu_busy / self.vcpu_measured if self.vcpu_measured else None

    def add_host(self, host: HostFigures) -> None:
        self.add(host)
        self.members += 1
        if host.cpu_mean is not None:
            busy, measured = host.vcpu_load()
            self.vcpu_busy += busy
            self.vcpu_measured += measured

    def add_group(self, group: GroupFigures) -> None:
        self.add(group)
        self.members += group.members
        self.vcpu_busy += group.vcpu_busy
        self.vcpu_measured += group.vcpu_measured


@dataclass
class FleetFigures:
    """A period's figures: per host, per system and for the whole fleet."""

    hosts: dict[int, HostFigures] = field(default_factory=dict)
    systems: dict[int, GroupFigures] = field(default_factory=dict)
    fleet: GroupFigures = field(default_factory=GroupFigures)

    def part(self, system_ids: set[int]) -> FleetFigures:
        """The figures of the systems ``system_ids`` only, their fleet summed again."""
        systems = {pk: group for pk, group in self.systems.items() if pk in system_ids}
        return FleetFigures(
            hosts={pk: host for pk, host in self.hosts.items() if host.system_id in system_ids},
            systems=systems, fleet=_total(systems.values()))


def hosts_of(contract, systems=None):
    hosts = CloudHost.objects.filter(system__contract=contract)
    if systems is not None:
        hosts = hosts.filter(system__in=systems)
    return hosts


def system_ids(systems) -> set[int]:
    """The ids of ``systems``: a queryset or a list of systems."""
    if hasattr(systems, "values_list"):
        return set(systems.values_list("pk", flat=True))
    return {system.pk for system in systems}



def host_figures(contract, first: date, last: date, systems=None,
                 now: datetime | None = None) -> FleetFigures:
    """Per-host, per-system and fleet figures over the local days ``first``–``last``,
    with each host's size of that time."""
    if not settled.is_settled(last, now):
        return _host_figures(contract, first, last, systems)
    whole = settled.recall(contract, "hosts", first, last,
                           lambda: _host_figures(contract, first, last),
                           _encode_fleet, _decode_fleet)
    return whole if systems is None else whole.part(system_ids(systems))


def _host_figures(contract, first: date, last: date, systems=None) -> FleetFigures:
    hosts = hosts_of(contract, systems)
    rows = (
        HostDaily.objects.filter(day__gte=first, day__lte=last, host__in=hosts)
        .values("host_id")
        .annotate(**{name: Sum(name) for name in (*_AVAILABILITY_SUMS, *_USAGE_SUMS)},
                  **{name: Max(name) for name in _USAGE_MAXIMA})
        .order_by("host_id")
    )
    owners, current = {}, {}
    for pk, system_id, vcpu, memory in hosts.values_list("pk", "system_id", "vcpu",
                                                         "memory_gb").order_by():
        owners[pk], current[pk] = system_id, (vcpu, memory)
    histories = size_histories(hosts, current)
    start, end = day_end(first - timedelta(days=1)), day_end(last)
    resized = {host_id for host_id, history in histories.items()
               if history.changes_within(start, end)}
    loads = _resized_loads(resized, first, last, histories) if resized else {}
    result = FleetFigures()
    for row in rows:
        vcpu, memory = histories[row["host_id"]].before(end)
        host = HostFigures(**row, system_id=owners[row["host_id"]], vcpu=vcpu,
                           memory_gb=memory, resized_load=loads.get(row["host_id"]))
        result.hosts[host.host_id] = host
        result.systems.setdefault(host.system_id, GroupFigures()).add_host(host)
    result.systems = dict(sorted(result.systems.items()))
    result.fleet = _total(result.systems.values())
    return result


def _total(groups) -> GroupFigures:
    """The groups together (in the order given)."""
    total = GroupFigures()
    for group in groups:
        total.add_group(group)
    return total


def _encode_fleet(fleet: FleetFigures) -> dict:
    return {
        "hosts": [[host.host_id, host.system_id, host.vcpu, host.memory_gb,
                   host.resized_load, *(getattr(host, name) for name in _FIGURES)]
                  for host in fleet.hosts.values()],
        "systems": [[system_id, group.members, group.vcpu_busy, group.vcpu_measured,
                     *(getattr(group, name) for name in _FIGURES)]
                    for system_id, group in fleet.systems.items()],
    }


def _decode_fleet(payload: dict) -> FleetFigures:
    result = FleetFigures()
    for host_id, system_id, vcpu, memory_gb, resized_load, *values in payload["hosts"]:
        result.hosts[host_id] = HostFigures(
            **dict(zip(_FIGURES, values, strict=True)), host_id=host_id, system_id=system_id,
            vcpu=vcpu, memory_gb=memory_gb,
            resized_load=tuple(resized_load) if resized_load is not None else None)
    for system_id, members, busy, measured, *values in payload["systems"]:
        result.systems[system_id] = GroupFigures(
            **dict(zip(_FIGURES, values, strict=True)), members=members, vcpu_busy=busy,
            vcpu_measured=measured)
    result.fleet = _total(result.systems.values())
    return result


def _resized_loads(host_ids: set[int], first: date, last: date,
                   histories: dict[int, SizeHistory]) -> dict[int, tuple[float, float]]:
    """Busy and measured vCPU of hosts resized inside the period, day by day (one query)."""
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    rows = (HostDaily.objects.filter(day__gte=first, day__lte=last, host__in=host_ids,
                                     cpu_samples__gt=0)
            .values_list("host_id", "day", "cpu_sum", "cpu_samples").order_by())
    for host_id, day, cpu_sum, cpu_samples in rows:
        vcpu = histories[host_id].before(day_end(day))[0]
        total = sums[host_id]
        total[0] += cpu_sum * vcpu
        total[1] += cpu_samples * vcpu
        total[2] += cpu_samples
    return {host_id: (busy / samples, measured / samples)
            for host_id, (busy, measured, samples) in sums.items()}


@dataclass
class EndpointFigures(Figures):
    endpoint_id: int = 0
    system_id: int = 0


def last_day_with_data(contract, systems=None, hosts=None, until: date | None = None,
                       ) -> date | None:
    """The latest local day (up to ``until``) with a daily rollup of the contract's hosts,
    of ``systems`` or ``hosts`` only if given."""
    scope = hosts_of(contract, systems)
    if hosts is not None:
        scope = scope.filter(pk__in=[host.pk for host in hosts])
    rows = HostDaily.objects.filter(host__in=scope, samples__gt=0)
    if until is not None:
        rows = rows.filter(day__lte=until)
    # Newest first along the day index: stops at the first matching row on any fleet size.
    return rows.order_by("-day").values_list("day", flat=True).first()


def availability_totals(contract, first: date, last: date, systems=None,
                        now: datetime | None = None) -> Figures:
    """Hosts and service endpoints together over the local days ``first``–``last``: a
    yearly promise's year to date. Summed in the database (two queries), or from the
    stored figures of a settled period."""
    if settled.is_settled(last, now):
        hosts = host_figures(contract, first, last, systems, now).fleet
        probes = probe_figures(contract, first, last, systems, now)[1]
        return Figures(**{name: getattr(hosts, name) + getattr(probes, name)
                          for name in _AVAILABILITY_SUMS})
    sums = {name: Sum(name) for name in _AVAILABILITY_SUMS}
    total = Figures()
    for rows in (HostDaily.objects.filter(host__in=hosts_of(contract, systems)),
                 ProbeDaily.objects.filter(endpoint__in=_endpoints_of(contract, systems))):
        found = rows.filter(day__gte=first, day__lte=last).aggregate(**sums)
        total.add(Figures(**{name: value or 0 for name, value in found.items()}))
    return total


def _endpoints_of(contract, systems=None):
    endpoints = ServiceEndpoint.objects.filter(system__contract=contract)
    if systems is not None:
        endpoints = endpoints.filter(system__in=systems)
    return endpoints


def probe_figures(contract, first: date, last: date, systems=None,
                  now: datetime | None = None) -> tuple[dict[int, EndpointFigures], Figures]:
    """Per-endpoint figures and their total over the local days ``first``–``last``."""
    if not settled.is_settled(last, now):
        return _probe_figures(contract, first, last, systems)
    whole = settled.recall(contract, "probes", first, last,
                           lambda: _probe_figures(contract, first, last)[0],
                           _encode_endpoints, _decode_endpoints)
    if systems is not None:
        in_scope = system_ids(systems)
        whole = {pk: figs for pk, figs in whole.items() if figs.system_id in in_scope}
    return whole, _endpoint_total(whole)


def _probe_figures(contract, first: date, last: date, systems=None,
                   ) -> tuple[dict[int, EndpointFigures], Figures]:
    endpoints = _endpoints_of(contract, systems)
    owners = dict(endpoints.values_list("pk", "system_id"))
    rows = (ProbeDaily.objects.filter(day__gte=first, day__lte=last, endpoint__in=endpoints)
            .values("endpoint_id")
            .annotate(**{name: Sum(name) for name in _AVAILABILITY_SUMS})
            .order_by("endpoint_id"))
    per_endpoint = {row["endpoint_id"]: EndpointFigures(**row,
                                                        system_id=owners[row["endpoint_id"]])
                    for row in rows}
    return per_endpoint, _endpoint_total(per_endpoint)


def _endpoint_total(per_endpoint: dict[int, EndpointFigures]) -> Figures:
    total = Figures()
    for endpoint in per_endpoint.values():
        total.add(endpoint)
    return total


def _encode_endpoints(per_endpoint: dict[int, EndpointFigures]) -> list:
    return [[figs.endpoint_id, figs.system_id,
             *(getattr(figs, name) for name in _AVAILABILITY_SUMS)]
            for figs in per_endpoint.values()]


def _decode_endpoints(payload: list) -> dict[int, EndpointFigures]:
    return {endpoint_id: EndpointFigures(**dict(zip(_AVAILABILITY_SUMS, values, strict=True)),
                                         endpoint_id=endpoint_id, system_id=system_id)
            for endpoint_id, system_id, *values in payload}


@dataclass(frozen=True)
class Outage:
    """Downtime of one host or endpoint: consecutive down hours joined into one."""

    kind: str
    target_id: int
    started_at: datetime
    ended_at: datetime
    downtime_seconds: float

    @property
    def minutes(self) -> float:
        return self.downtime_seconds / 60


#: An outage goes on into the next hour if that hour's downtime starts this close to its
#: start (a sample interval; five minutes is Prometheus' staleness bound).
CONTINUATION = timedelta(minutes=5)


def _join_outages(kind: str, rows) -> list[Outage]:
    outages: list[Outage] = []
    current: dict | None = None

    def close() -> None:
        outages.append(Outage(kind, current["target"], current["start"], current["until"],
                              current["downtime"]))

    for target_id, hour, first_down, down_until, observed, up in rows:
        continues = (current is not None and current["target"] == target_id
                     and current["until"] >= hour and first_down <= hour + CONTINUATION)
        if continues:
            current["until"] = down_until
            current["downtime"] += observed - up
            continue
        if current is not None:
            close()
        current = {"target": target_id, "start": first_down, "until": down_until,
                   "downtime": observed - up}
    if current is not None:
        close()
    return outages


def outages(contract, start: datetime, end: datetime, systems=None,
            now: datetime | None = None) -> list[Outage]:
    """Every outage of hosts and endpoints between ``start`` and ``end``, oldest first.

    Maintenance is already left out of the hourly rows, so downtime inside an approved
    window never shows here.
    """
    days = _whole_days(start, end)
    if days is None or not settled.is_settled(days[1], now):
        return _outages(contract, start, end, systems)
    whole = settled.recall(contract, "outages", *days,
                           lambda: _outages(contract, start, end),
                           _encode_outages, _decode_outages)
    if systems is None:
        return whole
    in_scope = {"host": set(hosts_of(contract, systems).values_list("pk", flat=True)),
                "endpoint": set(_endpoints_of(contract, systems).values_list("pk", flat=True))}
    return [outage for outage in whole if outage.target_id in in_scope[outage.kind]]


def _whole_days(start: datetime, end: datetime) -> tuple[date, date] | None:
    """The first and last local day of ``[start, end)`` if both are local midnights."""
    first, until = timezone.localtime(start), timezone.localtime(end)
    if first.time() != datetime.min.time() or until.time() != datetime.min.time():
        return None
    return first.date(), until.date() - timedelta(days=1)


def _outages(contract, start: datetime, end: datetime, systems=None) -> list[Outage]:
    columns = ("first_down_at", "down_until", "seconds_observed", "seconds_up")
    host_rows = (HostHourly.objects
                 .filter(hour__gte=start - timedelta(hours=1), hour__lt=end,
                         first_down_at__isnull=False, host__in=hosts_of(contract, systems))
                 .order_by("host_id", "hour").values_list("host_id", "hour", *columns))
    probe_rows = (ProbeHourly.objects
                  .filter(hour__gte=start - timedelta(hours=1), hour__lt=end,
                          first_down_at__isnull=False,
                          endpoint__in=_endpoints_of(contract, systems))
                  .order_by("endpoint_id", "hour")
                  .values_list("endpoint_id", "hour", *columns))
    found = _join_outages("host", host_rows) + _join_outages("endpoint", probe_rows)
    found = [outage for outage in found if outage.ended_at > start and outage.started_at < end]
    return sorted(found, key=lambda outage: (outage.started_at, outage.kind, outage.target_id))


def _encode_outages(found: list[Outage]) -> list:
    return [[outage.kind, outage.target_id, outage.started_at.isoformat(),
             outage.ended_at.isoformat(), outage.downtime_seconds] for outage in found]


def _decode_outages(payload: list) -> list[Outage]:
    return [Outage(kind, target_id, datetime.fromisoformat(started),
                   datetime.fromisoformat(ended), downtime)
            for kind, target_id, started, ended, downtime in payload]


@dataclass(frozen=True)
class SeriesPoint:
    at: datetime
    availability: float | None
    cpu_mean: float | None
    cpu_p95: float | None
    cpu_max: float | None
    memory_mean: float | None
    memory_p95: float | None
    memory_max: float | None
    disk_used_bytes: float | None


def host_series(host: CloudHost, start: datetime, end: datetime, hourly: bool,
                ) -> list[SeriesPoint]:
    """Points of one host for a chart: hourly rows, or daily rows for long periods."""
    if hourly:
        rows = HostHourly.objects.filter(host=host, hour__gte=start, hour__lt=end)\
            .order_by("hour").values_list("hour", *_FIGURES)
    else:
        first = timezone.localtime(start).date()
        last = timezone.localtime(end - timedelta(seconds=1)).date()
        rows = HostDaily.objects.filter(host=host, day__gte=first, day__lte=last)\
            .order_by("day").values_list("day", *_FIGURES)
    points = []
    for moment, *values in rows:
        figures = Figures(*values)
        at = moment if hourly else timezone.make_aware(
            datetime.combine(moment, datetime.min.time()))
        points.append(SeriesPoint(at, figures.availability, figures.cpu_mean, figures.cpu_p95,
                                  figures.cpu_max, figures.memory_mean, figures.memory_p95,
                                  figures.memory_max, figures.disk_used_bytes))
    return points
