"""REST endpoints of the inventory: thin, every write through the app's services."""

from __future__ import annotations

from dataclasses import asdict

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from govcloud.contract.models import Contract
from govcloud.inventory import changes
from govcloud.inventory.api import serializers
from govcloud.inventory.choices import REQUESTER_ROLES, SYSTEM_EDITOR_ROLES
from govcloud.inventory.filtersets import (
    AllocationEntryFilterSet,
    ApplicationSystemFilterSet,
    ChangeRequestFilterSet,
    CloudHostFilterSet,
)
from govcloud.inventory.ledger import allocation_seen_by, running_hosts
from govcloud.inventory.models import (
    AllocationEntry,
    ChangeRequest,
    CloudHost,
    systems_with_host_count,
)
from govcloud.inventory.services import update_system_details
from govcloud.lib.api import (
    LookupBeforeMethodCheckMixin,
    RestrictedReadOnlyViewSet,
    WorkflowViewSet,
    call_service,
)
from govcloud.lib.scoping import systems_in_scope


class ApplicationSystemViewSet(LookupBeforeMethodCheckMixin, mixins.ListModelMixin,
                               mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                               viewsets.GenericViewSet):
    """Systems; PATCH changes their details (the purchaser admin, or staff of the system)."""

    queryset = systems_with_host_count().select_related("vendor")
    serializer_class = serializers.ApplicationSystemSerializer
    filterset_class = ApplicationSystemFilterSet
    write_roles = SYSTEM_EDITOR_ROLES
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user)

    def perform_update(self, serializer):
        call_service(update_system_details, serializer.instance, actor=self.request.user,
                     values=serializer.validated_data, request=self.request)


class CloudHostViewSet(RestrictedReadOnlyViewSet):
    queryset = CloudHost.objects.select_related("system")
    serializer_class = serializers.CloudHostSerializer
    filterset_class = CloudHostFilterSet


class ChangeRequestViewSet(mixins.UpdateModelMixin, WorkflowViewSet):
    """Change requests (C-9): create a draft, PATCH it while it is one (its values and
    texts; the system, kind and host stay), then move it with the actions below. Who may
    post which action is read from the table, changes.WORKFLOW."""

    queryset = ChangeRequest.objects.select_related("contract", "system", "host")
    serializer_class = serializers.ChangeRequestSerializer
    filterset_class = ChangeRequestFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    workflow = changes.WORKFLOW
    create_roles = REQUESTER_ROLES
    update_step = "edit"

    def perform_update(self, serializer):
        change, data = serializer.instance, serializer.validated_data
        serializer.instance = call_service(
            changes.update_draft, change, actor=self.request.user,
            requested=data.get("requested", change.requested),
            reason=data.get("reason", change.reason),
            risk_assessment=data.get("risk_assessment", change.risk_assessment),
            fallback_plan=data.get("fallback_plan", change.fallback_plan),
            request=self.request)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = call_service(
            changes.create_change, actor=self.request.user, system=data["system"],
            kind=data["kind"], host=data.get("host"), requested=data.get("requested", {}),
            reason=data["reason"], risk_assessment=data["risk_assessment"],
            fallback_plan=data["fallback_plan"], request=self.request,
        )

    @extend_schema(request=serializers.SubmitSerializer,
                   responses=serializers.ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send a draft for approval; restart, stop and start need ``second_factor``."""
        return self.take_step(changes.submit_change, serializers.SubmitSerializer)

    @extend_schema(request=None, responses=serializers.ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Take back a request nobody has started (its requester)."""
        return self.take_step(changes.withdraw_change)

    @extend_schema(request=serializers.ChangeDecisionSerializer,
                   responses=serializers.ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Approve or reject a submitted request (the purchaser admin)."""
        return self.take_step(changes.decide_change, serializers.ChangeDecisionSerializer)

    @extend_schema(request=None, responses=serializers.ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """Begin carrying out an approved request (a provider operator)."""
        return self.take_step(changes.start_change)

    @extend_schema(request=serializers.FinishSerializer,
                   responses=serializers.ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        """Record a request in progress as done (applied to the ledger) or failed."""
        return self.take_step(changes.finish_change, serializers.FinishSerializer)

    @extend_schema(request=serializers.NoteSerializer,
                   responses=serializers.ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """Confirm, as the requester, that the change done is what was asked for."""
        return self.take_step(changes.verify_change, serializers.NoteSerializer)


class AllocationEntryViewSet(RestrictedReadOnlyViewSet):
    """The allocation ledger: every change of an allocation, never changed afterwards."""

    queryset = AllocationEntry.objects.all()
    serializer_class = serializers.AllocationEntrySerializer
    filterset_class = AllocationEntryFilterSet


class AllocationView(APIView):
    """The allocation of each contract's catalog items against the contracted quantities.

    One entry per contract the user sees (``contract`` picks one). Contract-wide roles get
    the whole contract; people scoped to systems the sum over their own systems
    (``whole_contract`` false). ``at`` gives a past moment.
    """

    @extend_schema(parameters=[serializers.AllocationQuerySerializer], responses={
        200: serializers.AllocationSerializer(many=True),
        404: OpenApiResponse(description="No such contract, or not yours to see."),
    })
    def get(self, request):
        query = serializers.AllocationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        contracts = Contract.objects.restrict(request.user).order_by("pk")
        if "contract" in query.validated_data:
            contracts = [get_object_or_404(contracts, pk=query.validated_data["contract"])]
        moment = query.validated_data.get("at")
        body = [self.allocation(contract, moment) for contract in contracts]
        return Response(serializers.AllocationSerializer(body, many=True).data)

    def allocation(self, contract, moment) -> dict:
        items, whole = allocation_seen_by(self.request.user, contract, moment)
        systems = systems_in_scope(self.request.user, contract)
        return {"contract": contract.pk, "at": moment or timezone.now(),
                "whole_contract": whole,
                "running_hosts": running_hosts(contract, moment, systems=systems),
                "items": [asdict(item) | {"headroom": item.headroom} for item in items]}
