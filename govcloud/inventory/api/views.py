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
from govcloud.inventory.choices import (
    APPROVER_ROLES,
    EXECUTOR_ROLES,
    REQUESTER_ROLES,
    SYSTEM_EDITOR_ROLES,
)
from govcloud.inventory.filtersets import (
    AllocationEntryFilterSet,
    ApplicationSystemFilterSet,
    ChangeRequestFilterSet,
    CloudHostFilterSet,
)
from govcloud.inventory.ledger import allocation_seen_by, running_hosts
from govcloud.inventory.models import (
    AllocationEntry,
    ApplicationSystem,
    ChangeRequest,
    CloudHost,
    systems_with_host_count,
)
from govcloud.inventory.services import update_system_details
from govcloud.lib.api import (
    LookupBeforeMethodCheckMixin,
    RestrictedObjectViewSet,
    RestrictedReadOnlyViewSet,
    call_service,
)


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


class ChangeRequestViewSet(mixins.UpdateModelMixin, RestrictedObjectViewSet):
    """Change requests (C-9): create a draft, PATCH it while it is one (its values and
    texts; the system, kind and host stay), then move it with the actions below."""

    queryset = ChangeRequest.objects.select_related("contract", "system", "host")
    serializer_class = serializers.ChangeRequestSerializer
    filterset_class = ChangeRequestFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_update(self, serializer):
        change, data = serializer.instance, serializer.validated_data
        serializer.instance = call_service(
            changes.update_draft, change, actor=self.request.user,
            requested=data.get("requested", change.requested),
            reason=data.get("reason", change.reason),
            risk_assessment=data.get("risk_assessment", change.risk_assessment),
            fallback_plan=data.get("fallback_plan", change.fallback_plan),
            request=self.request)

    @property
    def write_roles(self) -> frozenset:
        """The requester drafts, submits, withdraws and verifies; the purchaser admin
        decides; the provider operator starts and finishes."""
        if self.action == "decide":
            return APPROVER_ROLES
        if self.action in ("start", "finish"):
            return EXECUTOR_ROLES
        return REQUESTER_ROLES

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = call_service(
            changes.create_change, actor=self.request.user, system=data["system"],
            kind=data["kind"], host=data.get("host"), requested=data.get("requested", {}),
            reason=data["reason"], risk_assessment=data["risk_assessment"],
            fallback_plan=data["fallback_plan"], request=self.request,
        )

    def _act(self, input_serializer, service, arguments):
        """Validate the body, call the step's service with ``arguments(body)``, answer."""
        given = input_serializer(data=self.request.data)
        given.is_valid(raise_exception=True)
        change = call_service(service, self.get_object(), actor=self.request.user,
                              request=self.request, **arguments(given.validated_data))
        return Response(self.get_serializer(change).data)

    @extend_schema(request=serializers.SubmitSerializer,
                   responses=serializers.ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send a draft for approval; restart, stop and start need ``second_factor``."""
        return self._act(serializers.SubmitSerializer, changes.submit_change,
                         lambda data: {"second_factor": data["second_factor"]})

    @extend_schema(request=serializers.NoteSerializer,
                   responses=serializers.ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Take back a request nobody has started (its requester)."""
        return self._act(serializers.NoteSerializer, changes.withdraw_change, lambda data: {})

    @extend_schema(request=serializers.ChangeDecisionSerializer,
                   responses=serializers.ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Approve or reject a submitted request (the purchaser admin)."""
        return self._act(serializers.ChangeDecisionSerializer, changes.decide_change,
                         lambda data: {"approve": data["approve"], "note": data["note"]})

    @extend_schema(request=None, responses=serializers.ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """Begin carrying out an approved request (a provider operator)."""
        change = call_service(changes.start_change, self.get_object(), actor=request.user,
                              request=request)
        return Response(self.get_serializer(change).data)

    @extend_schema(request=serializers.FinishSerializer,
                   responses=serializers.ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        """Record a request in progress as done (applied to the ledger) or failed."""
        return self._act(serializers.FinishSerializer, changes.finish_change,
                         lambda data: {"succeeded": data["succeeded"], "note": data["note"],
                                       "ip_addresses": data["ip_addresses"]})

    @extend_schema(request=serializers.NoteSerializer,
                   responses=serializers.ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """Confirm, as the requester, that the change done is what was asked for."""
        return self._act(serializers.NoteSerializer, changes.verify_change,
                         lambda data: {"note": data["note"]})


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
        systems = None if whole else ApplicationSystem.objects.restrict(self.request.user)
        return {"contract": contract.pk, "at": moment or timezone.now(),
                "whole_contract": whole,
                "running_hosts": running_hosts(contract, moment, systems=systems),
                "items": [asdict(item) | {"headroom": item.headroom} for item in items]}
