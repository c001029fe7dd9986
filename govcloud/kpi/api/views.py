"""REST endpoints of the KPIs: the scorecard, availability by system or host, one host's
usage series and the monthly usage evaluation. Thin: they read the query, pick what the
requester sees, call the engine and serialize.

Another tenant's contract or host is a 404, as one that does not exist; the purchaser's
staff and the app vendors get the figures of their own systems only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from govcloud.inventory.models import CloudHost
from govcloud.kpi import periods, presenters
from govcloud.kpi.api import serializers as kpi_serializers
from govcloud.kpi.engine import scorecard
from govcloud.kpi.periods import Period
from govcloud.kpi.usage import evaluate_usage, usage_opening
from govcloud.telemetry import figures

NOT_FOUND = OpenApiResponse(description="No such contract, or not yours to see.")
HOST_NOT_FOUND = OpenApiResponse(description="No such host, or not yours to see.")


def _period(text: str, contract, default) -> Period:
    """Read ``period``; a bad one is a 400 naming the problem."""
    try:
        return presenters.read_period({"period": text}, contract, default)
    except DjangoValidationError as error:
        raise serializers.ValidationError({"period": error.messages}) from None


class KpiView(APIView):
    """A KPI endpoint: only the people of a contract may read it."""

    query_serializer = kpi_serializers.KpiQuerySerializer
    #: The period when none is named: the latest month with data.
    opening = staticmethod(periods.latest_month_with_data)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.user.role not in presenters.KPI_ROLES:
            raise PermissionDenied("the KPIs are for the people of a contract")

    def read_query(self, request) -> tuple[object, Period, object, dict]:
        """Return the contract, the period, the systems in scope and the other parameters."""
        query = self.query_serializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        scope = presenters.read_scope(request.user, {
            "contract": data.get("contract"), "period": data.get("period", "")},
            self.opening)
        if scope.contract is None:
            raise Http404("you work on no contract")
        if scope.period_errors:
            raise serializers.ValidationError({"period": scope.period_errors})
        return scope.contract, scope.period, scope.systems, data


class ScorecardView(KpiView):
    @extend_schema(parameters=[kpi_serializers.KpiQuerySerializer], responses={
        200: kpi_serializers.ScorecardSerializer, 404: NOT_FOUND})
    def get(self, request):
        """Every KPI of the contract over the period: value, target and status, "no data
        yet" where govcloud has no data for it (rows as `govcloud kpi scorecard --json`)."""
        contract, period, systems, _data = self.read_query(request)
        card = scorecard(contract, period, systems=systems)
        return Response(kpi_serializers.ScorecardSerializer({
            "contract": contract.pk, "period": presenters.period_json(period),
            "whole_contract": systems is None, "computed_at": card.computed_at,
            "rows": card.as_json(),
        }).data)


class AvailabilityView(KpiView):
    query_serializer = kpi_serializers.AvailabilityQuerySerializer

    @extend_schema(parameters=[kpi_serializers.AvailabilityQuerySerializer], responses={
        200: kpi_serializers.AvailabilitySerializer, 404: NOT_FOUND})
    def get(self, request):
        """Availability (approved maintenance left out) and utilization over the period,
        per application system or per host, and for all of them together."""
        contract, period, systems, data = self.read_query(request)
        fleet = figures.host_figures(contract, period.first, period.last, systems)
        if data["by"] == "host":
            rows = presenters.host_rows(fleet, sorted(fleet.hosts))
            rows = [{**row, "system": row["system"].pk} for row in rows]
        else:
            rows = presenters.system_rows(fleet, contract, systems)
        return Response(kpi_serializers.AvailabilitySerializer({
            "contract": contract.pk, "period": presenters.period_json(period),
            "by": data["by"], "whole_contract": systems is None,
            "fleet": presenters.figures_row(fleet.fleet), "rows": rows,
        }).data)


class UsageEvaluationView(KpiView):
    opening = staticmethod(usage_opening)

    @extend_schema(parameters=[kpi_serializers.KpiQuerySerializer], responses={
        200: kpi_serializers.UsageEvaluationSerializer, 404: NOT_FOUND})
    def get(self, request):
        """The monthly usage evaluation (月报月评): idle, low and overloaded hosts, the rule
        that flagged each, the suggested size and what it would free against the contract."""
        contract, period, systems, _data = self.read_query(request)
        evaluation = evaluate_usage(contract, period, systems=systems)
        return Response(kpi_serializers.UsageEvaluationSerializer({
            "contract": contract.pk, "period": presenters.period_json(period),
            "whole_contract": systems is None, "rules": evaluation.rules,
            "hosts_evaluated": evaluation.hosts_evaluated,
            "findings": [presenters.evaluation_row(item) for item in evaluation.findings],
            "freed": presenters.freed_rows(evaluation),
        }).data)


class HostUsageView(APIView):
    """One host's usage series over a period; a host one may not see is a 404."""

    model = CloudHost

    def get_object(self) -> CloudHost:
        return get_object_or_404(CloudHost.objects.restrict(self.request.user)
                                 .select_related("system__contract"), pk=self.kwargs["pk"])

    def http_method_not_allowed(self, request, *args, **kwargs):
        self.get_object()  # another tenant's host is a 404 whatever the method
        return super().http_method_not_allowed(request, *args, **kwargs)

    @extend_schema(parameters=[kpi_serializers.HostUsageQuerySerializer], responses={
        200: kpi_serializers.HostUsageSerializer, 404: HOST_NOT_FOUND})
    def get(self, request, pk):
        """Availability, CPU and memory (mean, p95, max) and disk used per hour, or per day
        for periods over 31 days, and the host's outages."""
        host = self.get_object()
        query = kpi_serializers.HostUsageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        period = _period(query.validated_data.get("period", ""), host.system.contract,
                         lambda: periods.latest_days_with_data(
                             presenters.DEFAULT_HOST_DAYS, host))
        usage = presenters.host_usage(host, period)
        points = [{**vars(point), **{name: presenters.percent(getattr(point, name))
                                     for name in presenters.SERIES_PERCENTS}}
                  for point in usage["points"]]
        return Response(kpi_serializers.HostUsageSerializer({
            "host": host.pk, "period": presenters.period_json(period),
            "resolution": "hour" if usage["hourly"] else "day", "points": points,
            "outages": [{"started_at": row["outage"].started_at,
                         "ended_at": row["outage"].ended_at, "minutes": row["minutes"]}
                        for row in usage["outages"]],
        }).data)
