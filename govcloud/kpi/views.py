"""KPI pages: the dashboard (scorecard, availability and utilization by system, the hosts
to watch, outages and maintenance), one host's usage over a period, and the monthly usage
evaluation (月报月评, C-10). Thin: they read the request, call the engine (engine.py,
usage.py, telemetry/figures.py) and render; presenters.py shapes the results.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import SimpleLazyObject
from django.views.generic import TemplateView

from govcloud.inventory.choices import REQUESTER_ROLES
from govcloud.inventory.models import ApplicationSystem, CloudHost
from govcloud.kpi import periods, presenters
from govcloud.kpi.advice import change_link, host_advice
from govcloud.kpi.engine import scorecard, utilization_limit
from govcloud.kpi.periods import Period
from govcloud.kpi.usage import Finding, evaluate_usage, rules_key, usage_opening
from govcloud.lib.views import RestrictedDetailView
from govcloud.telemetry import figures

#: How many outages the dashboard lists; the API and the host pages give the rest.
OUTAGES_SHOWN = 100
#: How many hosts over the utilization limit the dashboard lists (the worst first); a
#: large fleet has thousands, and the API and the usage evaluation give them all.
HOSTS_OVER_SHOWN = 100


class KpiPageView(LoginRequiredMixin, TemplateView):
    """A page of one contract's KPIs over a period the user chooses.

    ``?contract=`` picks one of the user's contracts (another tenant's is a 404);
    ``?period=`` or ``?from=&to=`` the period. A period that cannot be read is shown on
    the page with what is wrong (400), and nothing is computed.
    """

    #: The period shown when none is named: the latest month with data.
    opening = staticmethod(periods.latest_month_with_data)

    def get(self, request, *args, **kwargs):
        user = request.user
        if user.role not in presenters.KPI_ROLES:
            raise PermissionDenied("the KPIs are for the people of a contract")
        scope = presenters.read_scope(user, request.GET, self.opening)
        contract = scope.contract
        context = self.get_context_data(contract=contract, contracts=scope.contracts,
                                        chooser=self.chooser(contract))
        if contract is None:
            return self.render_to_response(context)
        if scope.period_errors:
            context["period_errors"] = scope.period_errors
            return self.render_to_response(context, status=400)
        period, systems = scope.period, scope.systems
        context.update(
            period=period, whole_contract=systems is None,
            # Computed only when the page renders them: a settled period's rendered
            # figures are kept (the templates' cache tag, keyed on figures_key).
            figures=SimpleLazyObject(lambda: self.figures(contract, period, systems)),
            figures_key=presenters.settled_figures_key(contract, period, systems,
                                                       *self.varies_on()),
            figures_seconds=presenters.SETTLED_PAGE_SECONDS,
            **self.live_figures(contract, period))
        return self.render_to_response(context)

    def varies_on(self) -> tuple:
        """What else than the contract, period and systems the figures shown depend on."""
        return ()

    def live_figures(self, contract, period: Period) -> dict:
        """What the page shows that is read at every request, never kept."""
        return {}

    def chooser(self, contract) -> dict:
        params = self.request.GET
        return {"choices": presenters.period_choices(contract),
                "period": params.get("period", ""), "from": params.get("from", ""),
                "to": params.get("to", "")}

    def figures(self, contract, period: Period, systems) -> dict:
        raise NotImplementedError


class DashboardView(KpiPageView):
    template_name = "kpi/dashboard.html"

    def figures(self, contract, period, systems) -> dict:
        card = scorecard(contract, period, systems=systems)
        fleet = card.context.hosts
        rows = {row.measure: row for row in card.rows}
        over = rows["host_utilization"].evidence.get("hosts_over_limit", []) \
            if "host_utilization" in rows else []
        found = figures.outages(contract, period.start, period.observed_until(), systems)
        system_rows = presenters.system_rows(fleet, contract, systems)
        limit = utilization_limit(contract)
        return {
            "card": card,
            "system_rows": system_rows,
            "fleet_row": presenters.figures_row(fleet.fleet),
            "chart": presenters.dashboard_chart(system_rows, rows, limit),
            "lowest_hosts": presenters.host_rows(fleet, presenters.lowest_availability(fleet)),
            "hosts_over": presenters.host_rows(fleet, over[:HOSTS_OVER_SHOWN]),
            "hosts_over_count": len(over),
            "utilization_limit": limit,
            "outages": presenters.outage_rows(found[:OUTAGES_SHOWN]),
            "outage_count": len(found),
        }

    def live_figures(self, contract, period: Period) -> dict:
        """The maintenance windows: what each person sees of them is their own."""
        return {"windows": presenters.windows_of_period(self.request.user, contract, period)}


class UsageEvaluationView(KpiPageView):
    """The monthly usage evaluation; the latest month with enough days of data to evaluate
    a host when no period is named."""

    template_name = "kpi/usage_evaluation.html"
    opening = staticmethod(usage_opening)

    def varies_on(self) -> tuple:
        """The rules in force, and whether the reader may ask for the changes advised."""
        return (rules_key(), self.request.user.role in REQUESTER_ROLES)

    def figures(self, contract, period, systems) -> dict:
        evaluation = evaluate_usage(contract, period, systems=systems)
        rows = [presenters.evaluation_row(item) for item in evaluation.findings]
        if self.request.user.role in REQUESTER_ROLES:  # they ask for changes (C-9)
            for row in rows:
                row["change_link"] = change_link(row, period.label)
        return {
            "evaluation": evaluation,
            "sections": presenters.evaluation_sections(rows, evaluation.rules,
                                                       utilization_limit(contract)),
            "freed": presenters.freed_table(evaluation, contract),
            "flagged": {finding: sum(1 for row in rows if row["finding"] == finding)
                        for finding in (Finding.IDLE, Finding.LOW, Finding.OVERLOADED)},
        }


class ScorecardCardView(KpiPageView):
    """The scorecard as a card of the contract overview (loaded by htmx): the same rows
    and the same period the dashboard opens on."""

    template_name = "kpi/_partials/scorecard_card.html"

    def figures(self, contract, period, systems) -> dict:
        return {"card": scorecard(contract, period, systems=systems)}


class ObjectFiguresView(RestrictedDetailView):
    """Availability and utilization of one system or host over a chosen period: the panel
    of the system and host pages (loaded by htmx). The latest month with data by default;
    one may not see the object, it is a 404."""

    template_name = "kpi/_partials/object_figures.html"

    def get(self, request, *args, **kwargs):
        if request.user.role not in presenters.KPI_ROLES:
            raise PermissionDenied("the KPIs are for the people of a contract")
        self.object = target = self.get_object()
        context = self.get_context_data(object=target, **presenters.object_figures(
            target, request.GET))
        status = 400 if context.get("period_errors") else 200
        return self.render_to_response(context, status=status)


class SystemFiguresView(ObjectFiguresView):
    model = ApplicationSystem
    queryset = ApplicationSystem.objects.select_related("contract")


class HostFiguresView(ObjectFiguresView):
    model = CloudHost
    queryset = CloudHost.objects.select_related("system__contract")


class HostUsageView(RestrictedDetailView):
    """One host's availability and usage over a period; a host one may not see is a 404."""

    model = CloudHost
    queryset = CloudHost.objects.select_related("system__contract")
    template_name = "kpi/host_usage.html"

    def get(self, request, *args, **kwargs):
        self.object = host = self.get_object()
        contract = host.system.contract
        context = self.get_context_data(object=host, chooser={
            "choices": presenters.host_period_choices(),
            "period": request.GET.get("period", ""), "from": request.GET.get("from", ""),
            "to": request.GET.get("to", "")})
        try:
            period = presenters.read_period(
                request.GET, contract,
                lambda: periods.latest_days_with_data(presenters.DEFAULT_HOST_DAYS, host))
        except ValidationError as error:
            context["period_errors"] = error.messages
            return self.render_to_response(context, status=400)
        context.update(
            period=period,
            figures=SimpleLazyObject(lambda: self.figures(host, period)),
            figures_key=presenters.settled_figures_key(contract, period, [host.system],
                                                       "host", host.pk),
            figures_seconds=presenters.SETTLED_PAGE_SECONDS)
        return self.render_to_response(context)

    @staticmethod
    def figures(host, period) -> dict:
        usage = presenters.host_usage(host, period)
        return {"usage": usage,
                "chart": presenters.series_chart(usage["points"], usage["hourly"]),
                "table": presenters.series_table(usage["points"], usage["hourly"])}


class HostAdviceView(RestrictedDetailView):
    """A host's usage over its latest 30 days with data and the usage evaluation's finding:
    the panel of a change request's page (loaded by htmx) where its resize is decided."""

    model = CloudHost
    queryset = CloudHost.objects.select_related("system__contract")
    template_name = "kpi/_partials/host_advice.html"

    def get(self, request, *args, **kwargs):
        if request.user.role not in presenters.KPI_ROLES:
            raise PermissionDenied("the KPIs are for the people of a contract")
        self.object = host = self.get_object()
        return self.render_to_response(self.get_context_data(object=host,
                                                             **host_advice(host)))
