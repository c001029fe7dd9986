"""The monthly usage evaluation (月报月评, C-10): idle, low-utilization and overloaded hosts,
with a rightsizing recommendation and what it would free against the contract.

The rules are settings (GOVCLOUD_USAGE_RULES, defaults in DEFAULT_RULES). They follow
public rules of the large clouds, adapted to the hourly and daily rollups govcloud keeps
(docs/kpi.md cites them):

- idle: low CPU, memory and network together — the busiest hour's mean CPU under 5 % and
  its mean memory under 20 %, and network traffic under 5 MB a day (AWS Compute
  Optimizer's idle rule: peak CPU under 5 % and network I/O under 5 MB a day; memory
  added because a database keeps its memory busy while its CPU rests). govcloud collects
  no network traffic yet, so no host is idle: one quiet on CPU and memory is reported as
  low utilization and resized, never reclaimed on CPU alone;
- low utilization: the daily mean CPU is at most 10 % on at least 10 days of every 14 —
  AWS Trusted Advisor's "low utilization" check (10 %, there 4 days of 14), scaled to the
  period; 10 days, not 4, because office systems rest on weekends and holidays, and 4 of 14
  days would flag every one of them;
- overloaded: the 95th percentile of the hourly mean CPU or memory exceeds the KPI 5 limit.

A recommendation sizes vCPU and memory so that the 95th-percentile load would run at the
target utilization, rounded up to the next common size, never below one vCPU / 1 GB.

Sizes and statuses are those of the period (telemetry.host_history), so a past month's
evaluation never changes when a host is resized or decommissioned later.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from govcloud.inventory.choices import HostStatus
from govcloud.inventory.ledger import contract_allocation
from govcloud.inventory.models import CloudHost
from govcloud.kpi import periods
from govcloud.kpi.engine import utilization_limit
from govcloud.kpi.periods import Period
from govcloud.telemetry import figures
from govcloud.telemetry.host_history import with_status_at
from govcloud.telemetry.usage_profiles import UsageProfile, usage_profiles

DEFAULT_RULES = {
    "idle_peak_cpu_percent": 5.0,
    "idle_peak_memory_percent": 20.0,
    "idle_network_mb_per_day": 5.0,
    "low_daily_cpu_percent": 10.0,
    "low_days_per_14": 10,
    "target_cpu_percent": 60.0,
    "target_memory_percent": 70.0,
    "min_days_observed": 7,
}
VCPU_SIZES = (1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128)
MEMORY_SIZES = (1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512)


class Finding:
    IDLE = "idle"
    LOW = "low"
    OVERLOADED = "overloaded"


def rules() -> dict:
    return {**DEFAULT_RULES, **getattr(settings, "GOVCLOUD_USAGE_RULES", {})}


def rules_key() -> str:
    """A short digest of the rules in force, for keys of what was evaluated with them."""
    return hashlib.sha256(json.dumps(rules(), sort_keys=True).encode()).hexdigest()[:16]


def usage_opening(contract, systems=None) -> Period:
    """Where the evaluation opens: the latest month with data, or the month before while
    the latest has fewer days than a host needs to be evaluated."""
    return periods.latest_month_with_data(contract, systems,
                                          min_days=rules()["min_days_observed"])


@dataclass
class HostEvaluation:
    """One flagged host; ``vcpu`` and ``memory_gb`` are its size at the period's end."""

    host: CloudHost
    vcpu: int
    memory_gb: int
    finding: str
    reason: str
    cpu_mean: float | None
    cpu_p95: float | None
    cpu_peak: float | None
    memory_mean: float | None
    memory_p95: float | None
    days_observed: int
    low_days: int
    suggested_vcpu: int
    suggested_memory_gb: int

    @property
    def freed_vcpu(self) -> int:
        return self.vcpu - self.suggested_vcpu

    @property
    def freed_memory_gb(self) -> int:
        return self.memory_gb - self.suggested_memory_gb


@dataclass
class UsageEvaluation:
    period: Period
    rules: dict
    hosts_evaluated: int
    findings: list[HostEvaluation] = field(default_factory=list)
    #: meter -> (freed if every recommendation is followed, contracted quantity)
    freed: dict[str, tuple[int, int]] = field(default_factory=dict)

    def of(self, finding: str) -> list[HostEvaluation]:
        return [item for item in self.findings if item.finding == finding]


def _size_for(current: int, load: float | None, target: float, sizes) -> int:
    if load is None:
        return current
    needed = max(1, math.ceil(current * load / target))
    return next((size for size in sizes if size >= needed), max(needed, current))


def evaluate_usage(contract, period: Period, systems=None,
                   now: datetime | None = None) -> UsageEvaluation:
    """Evaluate every host with telemetry in the period against the rules."""
    chosen = rules()
    limit = utilization_limit(contract) / 100
    fleet = figures.host_figures(contract, period.first, period.last, systems, now)
    profiles = usage_profiles(contract, period.first, period.last,
                              chosen["low_daily_cpu_percent"], systems, now)
    retired = set(with_status_at(figures.hosts_of(contract, systems),
                                 period.closing_moment(now))
                  .filter(status_then=HostStatus.DECOMMISSIONED).values_list("pk", flat=True))
    result = UsageEvaluation(period, chosen, 0)
    flagged = []
    for host_id, profile in profiles.items():
        if host_id in retired or profile.days_observed < chosen["min_days_observed"]:
            continue
        result.hosts_evaluated += 1
        found = _evaluate(chosen, limit, fleet.hosts[host_id], profile)
        if found is not None:
            flagged.append((host_id, found))
    hosts = CloudHost.objects.select_related("system").in_bulk([pk for pk, _ in flagged])
    result.findings = [HostEvaluation(hosts[host_id], *found) for host_id, found in flagged]
    contracted = {item.meter: item.contracted for item in contract_allocation(contract)}
    for meter, attribute in (("vcpu", "freed_vcpu"), ("memory_gb", "freed_memory_gb")):
        freed = sum(getattr(item, attribute) for item in result.findings)
        result.freed[meter] = (freed, contracted.get(meter, 0))
    order = {Finding.OVERLOADED: 0, Finding.IDLE: 1, Finding.LOW: 2}
    result.findings.sort(key=lambda item: (order[item.finding], item.host.system.label,
                                           item.host.name))
    return result


def _evaluate(chosen: dict, limit: float, host: figures.HostFigures, profile: UsageProfile,
              ) -> tuple | None:
    """A host's finding and what follows from it (HostEvaluation's fields after the host),
    or None when the rules flag nothing."""
    peaks = Peaks(profile.cpu_peak, profile.memory_peak,
                  network_mb_per_day=None)  # no network series collected yet
    finding, reason = _classify(chosen, limit, profile.cpu_p95, profile.memory_p95, peaks,
                                profile.low_days, profile.days_observed)
    if finding is None:
        return None
    if finding == Finding.IDLE:
        vcpu, memory = 0, 0
    else:
        vcpu = _size_for(host.vcpu, profile.cpu_p95, chosen["target_cpu_percent"] / 100,
                         VCPU_SIZES)
        memory = _size_for(host.memory_gb, profile.memory_p95,
                           chosen["target_memory_percent"] / 100, MEMORY_SIZES)
    return (host.vcpu, host.memory_gb, finding, reason, host.cpu_mean, profile.cpu_p95,
            peaks.cpu, host.memory_mean, profile.memory_p95, profile.days_observed,
            profile.low_days, vcpu, memory)


@dataclass(frozen=True)
class Peaks:
    """A host's busiest hour of CPU and of memory (fractions) and its network traffic
    (None: not measured)."""

    cpu: float | None
    memory: float | None
    network_mb_per_day: float | None


def _quiet(chosen: dict, peaks: Peaks) -> tuple[bool, bool]:
    """Whether CPU and memory were quiet all period, and whether the network was too."""
    cpu_memory = (peaks.cpu is not None and peaks.memory is not None
                  and peaks.cpu * 100 < chosen["idle_peak_cpu_percent"]
                  and peaks.memory * 100 < chosen["idle_peak_memory_percent"])
    network = (peaks.network_mb_per_day is not None
               and peaks.network_mb_per_day < chosen["idle_network_mb_per_day"])
    return cpu_memory, network


def _classify(chosen: dict, limit: float, cpu_p95, memory_p95, peaks: Peaks, low_days: int,
              days: int) -> tuple[str | None, str]:
    cpu_over, memory_over = (cpu_p95 or 0) > limit, (memory_p95 or 0) > limit
    if cpu_over or memory_over:
        values = {"cpu": (cpu_p95 or 0) * 100, "memory": (memory_p95 or 0) * 100,
                  "limit": limit * 100}
        if cpu_over and memory_over:
            return Finding.OVERLOADED, _(
                "The 95th percentile of hourly CPU (%(cpu).1f %%) and of memory "
                "(%(memory).1f %%) are above %(limit).0f %%.") % values
        if cpu_over:
            return Finding.OVERLOADED, _(
                "The 95th percentile of hourly CPU is %(cpu).1f %%, above %(limit).0f %% "
                "(memory %(memory).1f %%).") % values
        return Finding.OVERLOADED, _(
            "The 95th percentile of hourly memory is %(memory).1f %%, above %(limit).0f %% "
            "(CPU %(cpu).1f %%).") % values
    quiet, network_quiet = _quiet(chosen, peaks)
    figures_text = {"cpu": (peaks.cpu or 0) * 100, "memory": (peaks.memory or 0) * 100}
    if quiet and network_quiet:
        return Finding.IDLE, _(
            "The busiest hour's CPU was %(cpu).1f %% and memory %(memory).1f %%, and the "
            "network carried under %(network)s MB a day.") % {
            **figures_text, "network": f"{chosen['idle_network_mb_per_day']:g}"}
    needed = math.ceil(chosen["low_days_per_14"] * days / 14)
    if low_days >= needed or quiet:
        reason = _(
            "Daily CPU at most %(rule).0f %% on %(low)s of %(days)s days; the rule flags "
            "%(needed)s or more.") % {"rule": chosen["low_daily_cpu_percent"], "low": low_days,
                                      "days": days, "needed": needed}
        if quiet:
            reason += " " + _(
                "The busiest hour's CPU was %(cpu).1f %% and memory %(memory).1f %%; network "
                "traffic is not measured, so the host is resized, not called idle.") \
                % figures_text
        return Finding.LOW, reason
    return None, ""
