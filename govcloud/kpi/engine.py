"""The KPI engine (C-8, C-20): every KPI of the contract for any period, with evidence.

Each KPI of the contract file names a ``measure``; MEASURES maps a measure to the function
that computes it from what govcloud stores. A measure whose data source does not exist yet
(the tickets of KPIs 9–10, the security records of KPIs 3, 4, 13, …) is "no data yet",
never a placeholder figure. The status compares the value with the KPI's rule and target:

- met / not met, once the period has ended;
- at risk while the period runs: the value misses the target so far, or an availability
  has spent more than RISK_BUDGET_SHARE of the downtime its target allows for the period;
- no data yet: no data source, or nothing observed in the period.

A KPI whose target is a promise over a year (``per: year``) is judged on a year or the
term; a shorter period shows it year to date and judges it as the year stands at the
period's end (at risk or met so far), never as the yearly verdict.

Definitions (written out in docs/kpi.md): availability is up time over observed time,
approved maintenance left out, time without data neither up nor down; utilization is
busy vCPU over rented vCPU (each host's mean CPU weighted by its vCPU of the time).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govcloud.contract.choices import KpiRule
from govcloud.inventory.ledger import running_hosts
from govcloud.kpi import periods
from govcloud.kpi.periods import Period
from govcloud.telemetry import figures

#: Share of the allowed downtime above which an availability is at risk.
RISK_BUDGET_SHARE = 0.8
#: A host is overloaded above this mean utilization (KPI 5's bound in the bundled contract;
#: the contract's own KPI 5 target is used when it has one).
DEFAULT_UTILIZATION_LIMIT = 80.0


class Status(models.TextChoices):
    MET = "met", gettext_lazy("met")
    NOT_MET = "not_met", gettext_lazy("not met")
    AT_RISK = "at_risk", gettext_lazy("at risk")
    NO_DATA = "no_data", gettext_lazy("no data yet")


@dataclass
class Measurement:
    """A measured value (in the KPI's unit) and the evidence behind it."""

    value: float | None
    evidence: dict = field(default_factory=dict)
    note: str = ""
    #: For availabilities: observed and down seconds, to judge the downtime budget.
    observed_seconds: float | None = None
    downtime_seconds: float | None = None


@dataclass
class ScorecardRow:
    number: str
    name: str
    measure: str
    rule: str
    value: float | None
    unit: str
    target: float | str | None
    status: str
    note: str = ""
    evidence: dict = field(default_factory=dict)

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    def as_json(self) -> dict:
        return {
            "number": int(self.number) if self.number.isdigit() else self.number,
            "name": self.name, "measure": self.measure, "rule": self.rule,
            "value": self.value, "unit": self.unit, "target": self.target,
            "status": self.status, "note": self.note,
        }


@dataclass
class Scorecard:
    contract: object
    period: Period
    computed_at: datetime
    rows: list[ScorecardRow]
    context: MeasureContext

    def as_json(self) -> list[dict]:
        return [row.as_json() for row in self.rows]


class MeasureContext:
    """What the measures of one scorecard share: figures are read once."""

    def __init__(self, contract, period: Period, now: datetime, systems=None,
                 derived: bool = False):
        self.contract = contract
        self.period = period
        self.now = now
        self.systems = systems
        #: A context of another period than the scorecard's (a year to date): only what
        #: its measures need is read.
        self.derived = derived

    @property
    def started(self) -> bool:
        return self.now >= self.period.start

    @cached_property
    def hosts(self) -> figures.FleetFigures:
        return figures.host_figures(self.contract, self.period.first, self.period.last,
                                    self.systems, self.now)

    @cached_property
    def probes(self):
        return figures.probe_figures(self.contract, self.period.first, self.period.last,
                                     self.systems, self.now)

    @cached_property
    def availability_totals(self) -> figures.Figures:
        """Hosts and service endpoints together; summed from the per-host figures when
        the scorecard reads them anyway, else in the database."""
        if self.derived:
            return figures.availability_totals(self.contract, self.period.first,
                                               self.period.last, self.systems, self.now)
        combined = figures.Figures()
        combined.add(self.hosts.fleet)
        combined.add(self.probes[1])
        return combined

    def over(self, period: Period) -> MeasureContext:
        """The same measures over another period (a yearly promise's year to date)."""
        if period == self.period:
            return self
        return MeasureContext(self.contract, period, self.now, self.systems, derived=True)


def _percent(fraction: float | None, digits: int = 4) -> float | None:
    return None if fraction is None else round(fraction * 100, digits)


def _availability(figs: figures.Figures, evidence: dict) -> Measurement:
    return Measurement(
        _percent(figs.availability), evidence,
        observed_seconds=figs.seconds_observed, downtime_seconds=figs.downtime_seconds,
    )


def _minutes(seconds: float) -> float:
    return round(seconds / 60, 1)


def measure_host_availability(context: MeasureContext, kpi) -> Measurement:
    hosts = context.hosts
    target = float(kpi.effective_target) if kpi.effective_target is not None else None
    below = sorted(
        (host for host in hosts.hosts.values() if host.availability is not None
         and target is not None and host.availability * 100 < target),
        key=lambda host: host.availability)
    return _availability(hosts.fleet, {
        "hosts_measured": len(hosts.hosts),
        "downtime_minutes": _minutes(hosts.fleet.downtime_seconds),
        "maintenance_minutes": _minutes(hosts.fleet.seconds_maintenance),
        "observed_hours": round(hosts.fleet.seconds_observed / 3600, 1),
        "hosts_below_target": [host.host_id for host in below],
        "systems": {system_id: _percent(group.availability)
                    for system_id, group in hosts.systems.items()},
    })


def measure_network_availability(context: MeasureContext, kpi) -> Measurement:
    per_endpoint, total = context.probes
    return _availability(total, {
        "endpoints_measured": len(per_endpoint),
        "downtime_minutes": _minutes(total.downtime_seconds),
        "maintenance_minutes": _minutes(total.seconds_maintenance),
    })


def measure_service_availability(context: MeasureContext, kpi) -> Measurement:
    """Hosts and service endpoints together: every monitored minute of the cloud service."""
    combined = context.availability_totals
    return _availability(combined, {
        "downtime_minutes": _minutes(combined.downtime_seconds),
        "maintenance_minutes": _minutes(combined.seconds_maintenance),
        "allowed_downtime_minutes": _allowed_downtime_minutes(kpi, combined),
    })


def _allowed_downtime_minutes(kpi, figs: figures.Figures) -> float | None:
    if kpi.effective_target is None or not figs.seconds_observed:
        return None
    return _minutes(figs.seconds_observed * (1 - float(kpi.effective_target) / 100))


def utilization_limit(contract) -> float:
    """The utilization above which a host counts as overloaded: the KPI's target."""
    for kpi in contract.current_version.kpis.all():
        if kpi.measure == "host_utilization" and kpi.effective_target is not None:
            return float(kpi.effective_target)
    return DEFAULT_UTILIZATION_LIMIT


def measure_host_utilization(context: MeasureContext, kpi) -> Measurement:
    hosts = context.hosts
    limit = (float(kpi.effective_target) if kpi.effective_target is not None
             else DEFAULT_UTILIZATION_LIMIT)
    over = sorted(
        (host for host in hosts.hosts.values()
         if (host.cpu_mean or 0) * 100 > limit or (host.memory_mean or 0) * 100 > limit),
        key=lambda host: -(max(host.cpu_mean or 0, host.memory_mean or 0)))
    return Measurement(_percent(hosts.fleet.cpu_weighted, 2), {
        "hosts_measured": sum(1 for host in hosts.hosts.values() if host.cpu_samples),
        "fleet_cpu_percent": _percent(hosts.fleet.cpu_weighted, 2),
        "memory_mean_percent": _percent(hosts.fleet.memory_mean, 2),
        "hosts_over_limit": [host.host_id for host in over],
        "systems": {system_id: _percent(group.cpu_weighted, 2)
                    for system_id, group in hosts.systems.items()},
    })


def measure_hosts_in_service(context: MeasureContext, kpi) -> Measurement:
    """The whole contract's count, also in a view scoped to some systems: the target is
    the contract's, and a share of the fleet judged against it would mislead. Counted at
    the period's last instant (now while it runs), never after its end."""
    at = context.period.closing_moment(context.now)
    count = running_hosts(context.contract, at)
    return Measurement(count, {"counted_at": at.isoformat()})


#: measure -> function(context, kpi) -> Measurement. Measures not listed have no data
#: source in govcloud yet and show "no data yet".
MEASURES = {
    "hosts_in_service": measure_hosts_in_service,
    "host_utilization": measure_host_utilization,
    "host_availability": measure_host_availability,
    "network_availability": measure_network_availability,
    "service_availability": measure_service_availability,
}
#: Measures computed from telemetry: without observations in the period, no data yet.
TELEMETRY_MEASURES = frozenset({"host_utilization", "host_availability",
                                "network_availability", "service_availability"})


def _meets(rule: str, value: float, target: float) -> bool:
    return value >= target if rule == KpiRule.AT_LEAST else value <= target


def judge(kpi, measurement: Measurement, period: Period, now: datetime) -> str:
    """The status of a measured KPI (see the module's docstring)."""
    target = kpi.effective_target
    if measurement.value is None:
        return Status.NO_DATA
    if kpi.rule not in (KpiRule.AT_LEAST, KpiRule.AT_MOST) or target is None:
        return Status.NO_DATA
    meets = _meets(kpi.rule, measurement.value, float(target))
    if not period.is_open(now):
        return Status.MET if meets else Status.NOT_MET
    if not meets:
        return Status.AT_RISK
    if measurement.observed_seconds and measurement.downtime_seconds is not None:
        allowed = _projected_observed(measurement, period, now) * (1 - float(target) / 100)
        if allowed <= 0 or measurement.downtime_seconds > RISK_BUDGET_SHARE * allowed:
            return Status.AT_RISK
    return Status.MET


def _projected_observed(measurement: Measurement, period: Period, now: datetime) -> float:
    """The observed time the whole period will have at the pace observed so far."""
    elapsed = (period.observed_until(now) - period.start).total_seconds()
    whole = (period.end - period.start).total_seconds()
    return measurement.observed_seconds * whole / elapsed if elapsed > 0 else 0.0


def _target_of(kpi) -> float | str | None:
    if kpi.target_date is not None:
        return kpi.target_date.isoformat()
    target = kpi.effective_target
    if isinstance(target, Decimal):
        return float(target)
    return target


def scorecard(contract, period: Period, *, now: datetime | None = None,
              systems=None) -> Scorecard:
    """Every KPI of the contract's current version over ``period``.

    A view scoped to some systems (the purchaser's staff, the vendors) does not see
    targets derived from the contract's amount: the amount is not theirs to see
    (docs/access.md)."""
    now = now or timezone.now()
    context = MeasureContext(contract, period, now, systems)
    rows = []
    for kpi in contract.current_version.kpis.all():
        rows.append(_row(kpi, context))
    return Scorecard(contract, period, now, rows, context)


def target_withheld(kpi, systems) -> bool:
    """Whether a scoped view must not see this KPI's target (it is the contract amount)."""
    return systems is not None and kpi.target_ref == "contract_total"


def judged_period(kpi, period: Period, contract) -> Period:
    """The period a KPI is judged on: a yearly promise over a shorter period is judged on
    its year to date."""
    if kpi.per == "year" and not period.is_whole_year:
        try:
            return periods.year_to_date(period, contract)
        except ValidationError:
            return period  # no day of its year to date lies inside the service: no data
    return period


def _row(kpi, context: MeasureContext) -> ScorecardRow:
    compute = MEASURES.get(kpi.measure)
    withheld = target_withheld(kpi, context.systems)
    common = {"number": kpi.number, "name": kpi.display_name, "measure": kpi.measure,
              "rule": kpi.rule, "unit": kpi.display_unit,
              "target": None if withheld else _target_of(kpi)}
    if withheld:
        return ScorecardRow(**common, value=None, status=Status.NO_DATA, note=_(
            "The target is the contract amount, which only the contract's whole-contract "
            "roles see."))
    if compute is None:
        return ScorecardRow(**common, value=None, status=Status.NO_DATA,
                            note=_("govcloud has no data source for this KPI yet."))
    if not context.started:
        return ScorecardRow(**common, value=None, status=Status.NO_DATA,
                            note=_("The period has not started."))
    judged = judged_period(kpi, context.period, context.contract)
    measurement = compute(context.over(judged), kpi)
    if measurement.value is None:
        note = (_("Nothing was observed in this period.") if kpi.measure in TELEMETRY_MEASURES
                else measurement.note)
        return ScorecardRow(**common, value=None, status=Status.NO_DATA, note=note,
                            evidence=measurement.evidence)
    if judged != context.period:
        return _year_to_date_row(kpi, common, measurement, judged, context.contract,
                                 context.now)
    return ScorecardRow(**common, value=measurement.value,
                        status=judge(kpi, measurement, context.period, context.now),
                        note=measurement.note, evidence=measurement.evidence)


def _year_to_date_row(kpi, common: dict, measurement: Measurement, judged: Period,
                      contract, now: datetime) -> ScorecardRow:
    """A yearly promise shown over a shorter period: its value year to date, judged as the
    year stood at the period's end, so a month is never the yearly verdict."""
    year = periods.parse_period(str(judged.last.year), contract)
    status = judge(kpi, measurement, year, min(now, judged.end))
    until = min(judged.last, timezone.localdate(now))
    evidence = {"year_to_date": f"{judged.first.isoformat()} – {until.isoformat()}",
                **measurement.evidence}
    return ScorecardRow(**common, value=measurement.value, status=status, note=_(
        "A promise over the year: the value is the year to date; the year is judged on the "
        "year or the term."), evidence=evidence)
