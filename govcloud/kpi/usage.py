"""The monthly usage evaluation (月报月评, C-10): idle, low-utilization and overloaded hosts,
with a rightsizing recommendation and what it would free against the contract.

The rules are settings (GOVCLOUD_USAGE_RULES, defaults in DEFAULT_RULES). They follow
public rules of the large clouds, adapted to the hourly and daily rollups govcloud keeps
(docs/kpi.md cites them):

- idle: the busiest hour's mean CPU stays under 5 % — AWS Compute Optimizer's idle rule
  (peak CPU under 5 % over the look-back period);
- low utilization: the daily mean CPU is at most 10 % on at least 10 days of every 14 —
  AWS Trusted Advisor's "low utilization" check (10 %, there 4 days of 14), scaled to the
  period; 10 days, not 4, because office systems rest on weekends and holidays, and 4 of 14
  days would flag every one of them;
- overloaded: the 95th percentile of the hourly mean CPU or memory exceeds the KPI 5 limit.

A recommendation sizes vCPU and memory so that the 95th-percentile load would run at the
target utilization, rounded up to the next common size, never below one vCPU / 1 GB.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _

from govcloud.inventory.choices import HostStatus
from govcloud.inventory.ledger import contract_allocation
from govcloud.inventory.models import CloudHost
from govcloud.kpi.engine import utilization_limit
from govcloud.kpi.periods import Period
from govcloud.telemetry import figures

DEFAULT_RULES = {
    "idle_peak_cpu_percent": 5.0,
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


@dataclass
class HostEvaluation:
    host: CloudHost
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
        return self.host.vcpu - self.suggested_vcpu

    @property
    def freed_memory_gb(self) -> int:
        return self.host.memory_gb - self.suggested_memory_gb


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


def _percentile(values: list[float], q: float = 95) -> float | None:
    return float(np.percentile(values, q)) if values else None


def evaluate_usage(contract, period: Period, systems=None) -> UsageEvaluation:
    """Evaluate every host with telemetry in the period against the rules."""
    chosen = rules()
    limit = utilization_limit(contract) / 100
    fleet = figures.host_figures(contract, period.first, period.last, systems)
    hourly = figures.hourly_means(contract, period.start, period.end, systems)
    daily = figures.daily_cpu_means(contract, period.first, period.last, systems)
    hosts = CloudHost.objects.filter(pk__in=fleet.hosts).exclude(
        status=HostStatus.DECOMMISSIONED).select_related("system")
    result = UsageEvaluation(period, chosen, 0)
    for host in hosts:
        host_figures = fleet.hosts[host.pk]
        days = daily.get(host.pk, [])
        if len(days) < chosen["min_days_observed"]:
            continue
        result.hosts_evaluated += 1
        means = hourly.get(host.pk, {"cpu": [], "memory": []})
        cpu_p95 = _percentile(means["cpu"])
        memory_p95 = _percentile(means["memory"])
        cpu_peak = max(means["cpu"]) if means["cpu"] else None
        low_days = sum(1 for mean in days if mean * 100 <= chosen["low_daily_cpu_percent"])
        finding, reason = _classify(chosen, limit, cpu_p95, memory_p95, cpu_peak, low_days,
                                    len(days))
        if finding is None:
            continue
        if finding == Finding.IDLE:
            vcpu, memory = 0, 0
        else:
            vcpu = _size_for(host.vcpu, cpu_p95, chosen["target_cpu_percent"] / 100,
                             VCPU_SIZES)
            memory = _size_for(host.memory_gb, memory_p95,
                               chosen["target_memory_percent"] / 100, MEMORY_SIZES)
        result.findings.append(HostEvaluation(
            host, finding, reason, host_figures.cpu_mean, cpu_p95, cpu_peak,
            host_figures.memory_mean, memory_p95, len(days), low_days, vcpu, memory))
    contracted = {item.meter: item.contracted for item in contract_allocation(contract)}
    for meter, attribute in (("vcpu", "freed_vcpu"), ("memory_gb", "freed_memory_gb")):
        freed = sum(getattr(item, attribute) for item in result.findings)
        result.freed[meter] = (freed, contracted.get(meter, 0))
    order = {Finding.OVERLOADED: 0, Finding.IDLE: 1, Finding.LOW: 2}
    result.findings.sort(key=lambda item: (order[item.finding], item.host.system.label,
                                           item.host.name))
    return result


def _classify(chosen: dict, limit: float, cpu_p95, memory_p95, cpu_peak, low_days: int,
              days: int) -> tuple[str | None, str]:
    if (cpu_p95 or 0) > limit or (memory_p95 or 0) > limit:
        return Finding.OVERLOADED, _(
            "95th percentile of hourly CPU %(cpu).1f %%, memory %(memory).1f %%: above "
            "%(limit).0f %%.") % {"cpu": (cpu_p95 or 0) * 100,
                                  "memory": (memory_p95 or 0) * 100, "limit": limit * 100}
    if cpu_peak is not None and cpu_peak * 100 < chosen["idle_peak_cpu_percent"]:
        return Finding.IDLE, _("The busiest hour's CPU was %(peak).1f %%, under %(rule).0f %%.")\
            % {"peak": cpu_peak * 100, "rule": chosen["idle_peak_cpu_percent"]}
    needed = math.ceil(chosen["low_days_per_14"] * days / 14)
    if low_days >= needed:
        return Finding.LOW, _(
            "Daily CPU at most %(rule).0f %% on %(low)s of %(days)s days (the rule: "
            "%(needed)s).") % {"rule": chosen["low_daily_cpu_percent"], "low": low_days,
                               "days": days, "needed": needed}
    return None, ""
