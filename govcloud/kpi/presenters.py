"""What the KPI pages and API share: who sees which contract and systems, the period a
request names, and the engine's figures put in the shape of tables and charts.

Nothing here computes a KPI or a figure: the engine (engine.py), the usage evaluation
(usage.py) and the telemetry figures (telemetry/figures.py) do; this module only picks,
orders, rounds and labels what they return.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govcloud.contract.models import Contract
from govcloud.inventory.models import ApplicationSystem, CloudHost
from govcloud.kpi import periods
from govcloud.kpi.periods import Period, parse_period
from govcloud.lib.roles import CONTRACT_WIDE_ROLES, SYSTEM_SCOPED_ROLES
from govcloud.lib.scoping import systems_in_scope
from govcloud.telemetry import figures, settled
from govcloud.telemetry.figures import Figures, GroupFigures, Outage, SeriesPoint
from govcloud.telemetry.models import MaintenanceWindow, ServiceEndpoint

#: The people of a contract read its KPIs; the platform administrators do not.
KPI_ROLES = CONTRACT_WIDE_ROLES | SYSTEM_SCOPED_ROLES
#: A host page's chart shows hourly points up to this many days, daily points beyond.
HOURLY_UP_TO_DAYS = 31
#: The host page shows this many days up to today when no period is named.
DEFAULT_HOST_DAYS = 7
#: How many hosts of lowest availability the dashboard names.
LOWEST_HOSTS = 10
#: The fields of a series point that are fractions, shown in percent.
SERIES_PERCENTS = ("availability", "cpu_mean", "cpu_p95", "cpu_max", "memory_mean",
                   "memory_p95", "memory_max")

EVIDENCE_LABELS = {
    "hosts_measured": gettext_lazy("hosts measured"),
    "endpoints_measured": gettext_lazy("service endpoints measured"),
    "downtime_minutes": gettext_lazy("downtime (minutes)"),
    "maintenance_minutes": gettext_lazy("approved maintenance left out (minutes)"),
    "observed_hours": gettext_lazy("hours observed"),
    "allowed_downtime_minutes": gettext_lazy("downtime the target allows (minutes)"),
    "fleet_cpu_percent": gettext_lazy("the value: mean CPU of the fleet, weighted by vCPU (%)"),
    "memory_mean_percent": gettext_lazy("mean memory used (%)"),
    "year_to_date": gettext_lazy("year to date"),
    "counted_at": gettext_lazy("counted at"),
    "hosts_below_target": gettext_lazy("hosts below the target"),
    "hosts_over_limit": gettext_lazy("hosts whose mean CPU or memory is over the limit"),
}


def kpi_contracts(user):
    """The contracts whose KPIs ``user`` may read (none for the platform administrators,
    who see contracts only to scope accounts)."""
    if not user.is_authenticated or user.role not in KPI_ROLES:
        return Contract.objects.none()
    return Contract.objects.restrict(user).for_display().order_by("pk")


@dataclass
class KpiScope:
    """What a KPI page or API request reads: the user's contracts, the one chosen, the
    systems in scope (None: the whole contract) and the period, or why it cannot be read."""

    contracts: object
    contract: Contract | None
    systems: object = None
    period: Period | None = None
    period_errors: list[str] = field(default_factory=list)


def choose_contract(contracts, value) -> Contract | None:
    """The contract ``value`` names among ``contracts`` (the first when none is named);
    anything else is a 404, as another tenant's contract."""
    if value in (None, ""):
        return contracts.first()
    if not str(value).isdigit():
        raise Http404("not an id")
    return get_object_or_404(contracts, pk=value)


def read_scope(user, params, opening: Callable[..., Period]) -> KpiScope:
    """The contract and period a KPI request names, shared by the pages and the API;
    ``opening(contract, systems)`` gives the period when none is named."""
    contracts = kpi_contracts(user)
    contract = choose_contract(contracts, params.get("contract"))
    scope = KpiScope(contracts, contract)
    if contract is None:
        return scope
    scope.systems = systems_in_scope(user, contract)
    try:
        scope.period = read_period(params, contract, lambda: opening(contract, scope.systems))
    except ValidationError as error:
        scope.period_errors = error.messages
    return scope


#: How long a settled period's rendered figures are kept (settled_figures_key): what they
#: show never changes; only a renamed host or system shows under its old name until then.
SETTLED_PAGE_SECONDS = 3600


def settled_figures_key(contract, period: Period, systems, *extra: object) -> str | None:
    """What a page's figures of a settled period depend on, as a cache key: the contract
    version (its targets), the period, the systems in view and ``extra`` (what else the
    page varies on); None while the period has not settled (they are computed anew)."""
    if not settled.is_settled(period.last):
        return None
    version = contract.current_version
    scope = "all" if systems is None else ",".join(
        str(pk) for pk in sorted(figures.system_ids(systems)))
    return ":".join(str(part) for part in (contract.pk, version.pk if version else 0,
                                            period.first, period.last, scope, *extra))


def read_period(params, contract, default: Callable[[], Period]) -> Period:
    """The period a request names: ``period`` as parse_period reads it, or a custom range
    ``from``–``to``; ``default()`` when none is named. Raises ValidationError."""
    start, end = (params.get("from") or "").strip(), (params.get("to") or "").strip()
    if start or end:
        if not (start and end):
            raise ValidationError(_("A custom range needs both its first and its last day."))
        return parse_period(f"{start}..{end}", contract)
    text = (params.get("period") or "").strip()
    return parse_period(text, contract) if text else default()


def period_choices(contract, now: datetime | None = None) -> list[tuple[str, str]]:
    """Quick choices for the period chooser: this and last month, quarter, year, term."""
    choices = [
        (periods.this_month(now).label, _("This month")),
        (periods.last_month(now).label, _("Last month")),
        (periods.this_quarter(now).label, _("This quarter")),
        (periods.this_year(now).label, _("This year")),
    ]
    if contract is not None:
        choices.append(("term", _("Contract term")))
    return choices


def percent(fraction: float | None, digits: int = 2) -> float | None:
    return None if fraction is None else round(fraction * 100, digits)


def evidence_items(evidence: dict) -> list[tuple[str, object]]:
    """The scalar evidence of a scorecard row, labelled; lists are counted; a figure that
    could not be computed reads "—", never None."""
    items = []
    for key, value in evidence.items():
        if isinstance(value, dict):
            continue  # per-system figures: shown by the charts
        if value is None:
            value = "—"
        elif isinstance(value, list):
            value = len(value)
        elif isinstance(value, str):
            value = _local_text(value)
        items.append((str(EVIDENCE_LABELS.get(key, key.replace("_", " "))), value))
    return items


def _local_minute(moment: datetime) -> str:
    """A moment in Beijing time to the minute, written out once here: a list of outages
    is hundreds of dates, and the template filter costs more than the rest of a row."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _local_text(text: str) -> str:
    """An ISO moment of the evidence in Beijing time, to the minute; other text as it is."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if timezone.is_naive(moment):
        return text
    return _local_minute(moment)


def figures_row(figs: Figures) -> dict:
    """Availability and utilization of one host, system or the fleet, in percent."""
    cpu = getattr(figs, "cpu_weighted", None)
    return {
        "availability": percent(figs.availability, 3),
        "cpu": percent(cpu if cpu is not None else figs.cpu_mean),
        "memory": percent(figs.memory_mean),
        "cpu_p95": percent(figs.cpu_p95),
        "memory_p95": percent(figs.memory_p95),
        "observed_hours": round(figs.seconds_observed / 3600, 1),
        "downtime_minutes": round(figs.downtime_seconds / 60, 1),
        "maintenance_minutes": round(figs.seconds_maintenance / 60, 1),
    }


def system_rows(fleet, contract, systems) -> list[dict]:
    """Every system in scope with its figures (None where nothing was observed)."""
    scope = ApplicationSystem.objects.filter(contract=contract).order_by("contract_row", "pk")
    if systems is not None:
        scope = scope.filter(pk__in=systems.values("pk"))
    rows = []
    for system in scope:
        group = fleet.systems.get(system.pk) or GroupFigures()
        rows.append({"id": system.pk, "name": system.label, "hosts": group.members,
                     **figures_row(group)})
    return rows


def host_rows(fleet, host_ids) -> list[dict]:
    """The hosts ``host_ids`` names, in that order, with their figures."""
    hosts = CloudHost.objects.select_related("system").in_bulk(list(host_ids))
    rows = []
    for host_id in host_ids:
        if host_id in hosts and host_id in fleet.hosts:
            figs = fleet.hosts[host_id]
            rows.append({"id": host_id, "name": hosts[host_id].name, "host": hosts[host_id],
                         "system": hosts[host_id].system, "vcpu": figs.vcpu,
                         "memory_gb": figs.memory_gb, **figures_row(figs)})
    return rows


def lowest_availability(fleet, count: int = LOWEST_HOSTS) -> list[int]:
    measured = [host for host in fleet.hosts.values() if host.availability is not None]
    measured.sort(key=lambda host: (host.availability, host.host_id))
    return [host.host_id for host in measured[:count]]


def outage_rows(found: list[Outage]) -> list[dict]:
    """Outages with the name of the host or service endpoint that was down."""
    host_ids = [outage.target_id for outage in found if outage.kind == "host"]
    endpoint_ids = [outage.target_id for outage in found if outage.kind == "endpoint"]
    hosts = CloudHost.objects.select_related("system").in_bulk(host_ids)
    endpoints = ServiceEndpoint.objects.select_related("system").in_bulk(endpoint_ids)
    rows = []
    for outage in found:
        target = (hosts if outage.kind == "host" else endpoints).get(outage.target_id)
        rows.append({"outage": outage, "kind": outage.kind, "target": target,
                     "system": getattr(target, "system", None),
                     "started": _local_minute(outage.started_at),
                     "ended": _local_minute(outage.ended_at),
                     "minutes": round(outage.minutes, 1)})
    return rows


def windows_of_period(user, contract, period: Period):
    """The maintenance windows the user sees that overlap the period."""
    return (MaintenanceWindow.objects.restrict(user)
            .filter(contract=contract, starts_at__lt=period.end, ends_at__gt=period.start)
            .select_related("system").order_by("starts_at"))


def series_chart(points: list[SeriesPoint], hourly: bool) -> dict:
    """The host page's chart data: times as local text, fractions as percent."""
    pattern = "%m-%d %H:%M" if hourly else "%Y-%m-%d"

    def column(name: str) -> list:
        return [percent(getattr(point, name)) for point in points]

    return {
        "times": [timezone.localtime(point.at).strftime(pattern) for point in points],
        "availability": column("availability"),
        "cpu_mean": column("cpu_mean"), "cpu_p95": column("cpu_p95"),
        "cpu_max": column("cpu_max"),
        "memory_mean": column("memory_mean"), "memory_p95": column("memory_p95"),
        "memory_max": column("memory_max"),
        "disk_used_gb": [None if point.disk_used_bytes is None
                         else round(point.disk_used_bytes / 1024 ** 3, 2) for point in points],
        "labels": {"mean": _("mean"), "p95": _("95th percentile"), "max": _("maximum"),
                   "availability": _("availability"), "disk": _("disk used")},
    }


def evaluation_row(item) -> dict:
    """One flagged host of the usage evaluation, figures in percent."""
    host = item.host
    return {
        "host": host.pk, "host_name": host.name, "system": host.system_id,
        "system_name": host.system.label, "finding": item.finding, "reason": item.reason,
        "cpu_mean": percent(item.cpu_mean), "cpu_p95": percent(item.cpu_p95),
        "cpu_peak": percent(item.cpu_peak), "memory_mean": percent(item.memory_mean),
        "memory_p95": percent(item.memory_p95), "days_observed": item.days_observed,
        "low_days": item.low_days, "vcpu": item.vcpu, "memory_gb": item.memory_gb,
        "suggested_vcpu": item.suggested_vcpu,
        "suggested_memory_gb": item.suggested_memory_gb,
        "freed_vcpu": item.freed_vcpu, "freed_memory_gb": item.freed_memory_gb,
    }


def freed_rows(evaluation) -> list[dict]:
    return [{"meter": meter, "freed": freed, "contracted": contracted}
            for meter, (freed, contracted) in evaluation.freed.items()]


def object_figures(target, params) -> dict:
    """A system's or host's availability and utilization over the period ``params`` names
    (the latest month with its data by default), for the panel of its page."""
    is_host = isinstance(target, CloudHost)
    system = target.system if is_host else target
    contract = system.contract
    context = {"chooser": {"choices": period_choices(None), "period": params.get("period", ""),
                           "from": params.get("from", ""), "to": params.get("to", "")},
               "is_host": is_host}
    try:
        period = read_period(params, contract, lambda: periods.latest_month_with_data(
            contract, [system], hosts=[target] if is_host else None))
    except ValidationError as error:
        return {**context, "period_errors": error.messages}
    fleet = figures.host_figures(contract, period.first, period.last, systems=[system])
    group = (fleet.hosts.get(target.pk) if is_host else fleet.systems.get(system.pk))
    return {**context, "period": period, "row": figures_row(group) if group else None,
            "hosts_measured": 1 if is_host and group else (group.members if group else 0)}


def period_json(period: Period) -> dict:
    return {"label": period.label, "first": period.first, "last": period.last}


def host_usage(host, period: Period, now: datetime | None = None) -> dict:
    """One host's points (hourly up to HOURLY_UP_TO_DAYS days, daily beyond) and outages."""
    hourly = period.days <= HOURLY_UP_TO_DAYS
    end = period.observed_until(now)
    points = figures.host_series(host, period.start, end, hourly) if end > period.start else []
    found = [outage for outage in figures.outages(host.system.contract, period.start, end,
                                                  systems=[host.system])
             if outage.kind == "host" and outage.target_id == host.pk]
    return {"hourly": hourly, "points": points, "outages": outage_rows(found)}


def host_period_choices(now: datetime | None = None) -> list[tuple[str, str]]:
    return [
        (periods.last_days(DEFAULT_HOST_DAYS).label, _("Last 7 days")),
        (periods.last_days(HOURLY_UP_TO_DAYS).label, _("Last 31 days")),
        (periods.this_month(now).label, _("This month")),
        (periods.last_month(now).label, _("Last month")),
        (periods.this_year(now).label, _("This year")),
    ]


def dashboard_chart(system_rows: list[dict], rows_by_measure: dict, limit: float) -> dict:
    """The dashboard's bar charts: systems with observations, their availability and
    utilization, the availability target and the utilization limit."""
    measured = [row for row in system_rows if row["observed_hours"] or row["cpu"] is not None]
    availability = rows_by_measure.get("host_availability")
    target = availability.target if availability is not None else None
    return {
        "names": [row["name"] for row in measured],
        "availability": [row["availability"] for row in measured],
        "cpu": [row["cpu"] for row in measured],
        "memory": [row["memory"] for row in measured],
        "availability_target": target if isinstance(target, int | float) else None,
        "utilization_limit": limit,
        "labels": {"availability": _("Host availability"), "cpu": _("CPU (weighted by vCPU)"),
                   "memory": _("Memory"), "target": _("Target"), "limit": _("Limit"),
                   "no_data": _("no data")},
    }


def figure_text(value, digits: int = 2) -> str:
    """A number with at most ``digits`` decimals and no trailing zeros; None as ''."""
    if value is None or value == "":
        return ""
    text = f"{float(value):.{int(digits)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def series_table(points: list[SeriesPoint], hourly: bool) -> list[dict]:
    """The host chart's points as table rows (the chart's fallback without JavaScript),
    written out here: a month of hours is thousands of cells, too many for filters."""
    pattern = "%Y-%m-%d %H:%M" if hourly else "%Y-%m-%d"
    digits = {name: 3 if name == "availability" else 1 for name in SERIES_PERCENTS}

    def cell(value, places: int) -> str:
        return "—" if value is None else figure_text(value, places)

    return [{"at": timezone.localtime(point.at).strftime(pattern),
             **{name: cell(percent(getattr(point, name)), digits[name])
                for name in SERIES_PERCENTS},
             "disk_used_gb": cell(None if point.disk_used_bytes is None
                                  else round(point.disk_used_bytes / 1024 ** 3, 2), 2)}
            for point in points]


def evaluation_sections(rows: list[dict], rules: dict, limit: float) -> list[dict]:
    """The flagged hosts by finding, each with the rule that flags them."""
    titles = {
        "overloaded": (_("Overloaded hosts"), _(
            "The 95th percentile of the hourly mean CPU or memory is above %(limit)s %% "
            "(the KPI 5 limit).") % {"limit": f"{limit:g}"}),
        "idle": (_("Idle hosts"), _(
            "Low CPU, memory and network together: the busiest hour's mean CPU under "
            "%(cpu)s %% and memory under %(memory)s %%, and under %(network)s MB of network "
            "traffic a day. govcloud does not measure network traffic yet, so no host is "
            "called idle on CPU alone.")
            % {"cpu": f"{rules['idle_peak_cpu_percent']:g}",
               "memory": f"{rules['idle_peak_memory_percent']:g}",
               "network": f"{rules['idle_network_mb_per_day']:g}"}),
        "low": (_("Low-utilization hosts"), _(
            "The daily mean CPU is at most %(low)s %% on at least %(days)s days of every 14.")
            % {"low": f"{rules['low_daily_cpu_percent']:g}", "days": rules["low_days_per_14"]}),
    }
    return [{"finding": finding, "title": title, "rule": rule,
             "rows": [row for row in rows if row["finding"] == finding]}
            for finding, (title, rule) in titles.items()]


def freed_table(evaluation, contract) -> list[dict]:
    """What following every recommendation would free, per catalog item, against the
    contracted quantity."""
    items = {item.meter: item for item in contract.current_version.catalogitems.all()}
    table = []
    for meter, (freed, contracted) in evaluation.freed.items():
        item = items.get(meter)
        table.append({"meter": meter, "item": item, "freed": freed, "contracted": contracted,
                      "percent": round(freed * 100 / contracted, 1) if contracted else None})
    return table
