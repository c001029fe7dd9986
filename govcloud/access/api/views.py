"""REST endpoints of provider access (C-18): thin, every write through services.py."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from govcloud.access import services
from govcloud.access.api import serializers as access_serializers
from govcloud.access.choices import PROVIDER_ROLES, PURCHASER_ROLES
from govcloud.access.filtersets import AccessRequestFilterSet, SystemCredentialFilterSet
from govcloud.access.models import AccessRequest, SystemCredential
from govcloud.lib.api import RestrictedObjectViewSet, WorkflowViewSet, call_service


class AccessRequestViewSet(WorkflowViewSet):
    """Provider access requests (C-18): the provider requests; the steps' roles are read
    from the table, services.WORKFLOW."""

    queryset = AccessRequest.objects.select_related("contract").prefetch_related("systems")
    serializer_class = access_serializers.AccessRequestSerializer
    filterset_class = AccessRequestFilterSet
    workflow = services.WORKFLOW
    create_roles = PROVIDER_ROLES
    action_steps = {"uses": "use"}

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = call_service(
            services.request_access, data["contract"], actor=self.request.user,
            systems=data["systems"], purpose=data["purpose"], scope=data["scope"],
            window_start=data["window_start"], window_end=data["window_end"],
            request=self.request,
        )

    @extend_schema(request=access_serializers.DecisionSerializer,
                   responses=access_serializers.AccessRequestSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Approve or refuse a pending request (the purchaser admin of its contract)."""
        return self.take_step(services.decide_access, access_serializers.DecisionSerializer)

    @extend_schema(request=access_serializers.RevocationSerializer,
                   responses=access_serializers.AccessRequestSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Withdraw an approved access (the purchaser admin of its contract)."""
        return self.take_step(services.revoke_access, access_serializers.RevocationSerializer)

    @extend_schema(request=access_serializers.AccessUseSerializer,
                   responses=access_serializers.AccessUseSerializer(many=True))
    @action(detail=True, methods=["get", "post"], filterset_class=None,
            serializer_class=access_serializers.AccessUseSerializer)
    def uses(self, request, pk=None):
        """List the recorded uses; POST records one (the provider, inside an open grant)."""
        access_request = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(access_request.uses.order_by("-used_at", "-pk"))
            serialized = access_serializers.AccessUseSerializer(page, many=True)
            return self.get_paginated_response(serialized.data)
        use = access_serializers.AccessUseSerializer(data=request.data)
        use.is_valid(raise_exception=True)
        created = call_service(services.record_access_use, access_request, actor=request.user,
                        action=use.validated_data["action"], request=request)
        return Response(access_serializers.AccessUseSerializer(created).data,
                        status=status.HTTP_201_CREATED)


class SystemCredentialViewSet(RestrictedObjectViewSet):
    """Stored credentials, for the purchaser's roles only; the secret only via ``reveal``."""

    queryset = SystemCredential.objects.select_related("system")
    serializer_class = access_serializers.SystemCredentialSerializer
    write_roles = PURCHASER_ROLES
    filterset_class = SystemCredentialFilterSet

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = call_service(
            services.store_credential, data["system"], actor=self.request.user,
            label=data["label"], username=data.get("username", ""), secret=data["secret"],
            request=self.request,
        )

    @extend_schema(request=None, responses=access_serializers.RevealedSecretSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """Return the secret once; the reveal is recorded in the audit log."""
        credential = self.get_object()
        secret = services.reveal_credential(credential, actor=request.user, request=request)
        response = Response({"id": credential.pk, "label": credential.label,
                             "username": credential.username, "secret": secret})
        response["Cache-Control"] = "no-store"
        return response
