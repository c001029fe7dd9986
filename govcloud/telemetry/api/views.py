"""REST endpoints with which the provider's O&M team configures telemetry: sources, push
tokens and service endpoints. Thin: every write through configuration.py or tokens.py."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from govcloud.lib.api import RestrictedObjectViewSet, call_service
from govcloud.telemetry import configuration, tokens
from govcloud.telemetry.api import serializers
from govcloud.telemetry.api.filtersets import (
    PushTokenFilterSet,
    ServiceEndpointFilterSet,
    TelemetrySourceFilterSet,
)
from govcloud.telemetry.choices import SOURCE_EDITOR_ROLES
from govcloud.telemetry.models import PushToken, ServiceEndpoint, TelemetrySource

NOT_YOURS = OpenApiResponse(description="No such object, or not yours to see.")


class ConfigurationViewSet(mixins.UpdateModelMixin, mixins.DestroyModelMixin,
                           RestrictedObjectViewSet):
    """List, read, create, PATCH and delete; writes by the provider's O&M team."""

    write_roles = SOURCE_EDITOR_ROLES
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]


@extend_schema_view(destroy=extend_schema(responses={204: None, 404: NOT_YOURS}))
class TelemetrySourceViewSet(ConfigurationViewSet):
    """Telemetry sources of the contracts one works on (the contract-wide roles); the
    provider's O&M team of the contract configures them. Deleting a source removes its push
    tokens; the samples it brought stay."""

    queryset = (TelemetrySource.objects.select_related("contract")
                .prefetch_related("push_tokens"))
    serializer_class = serializers.TelemetrySourceSerializer
    filterset_class = TelemetrySourceFilterSet

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        contract = data.pop("contract")
        serializer.instance = call_service(
            configuration.create_source, actor=self.request.user, contract=contract,
            values=data, request=self.request)

    def perform_update(self, serializer):
        serializer.instance = call_service(
            configuration.update_source, serializer.instance, actor=self.request.user,
            values=dict(serializer.validated_data), request=self.request)

    def perform_destroy(self, instance):
        call_service(configuration.delete_source, instance, actor=self.request.user,
                     request=self.request)


class PushTokenViewSet(RestrictedObjectViewSet):
    """Push tokens of push sources. Creating one answers with its secret, the only time it
    is shown; ``revoke`` ends it. The secret is never listed."""

    queryset = PushToken.objects.select_related("source")
    serializer_class = serializers.PushTokenSerializer
    filterset_class = PushTokenFilterSet
    write_roles = SOURCE_EDITOR_ROLES

    @extend_schema(request=serializers.PushTokenSerializer,
                   responses={201: serializers.IssuedPushTokenSerializer})
    def create(self, request, *args, **kwargs):
        given = self.get_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        token, secret = call_service(tokens.issue_token, request.user, data["source"],
                                     data["name"], request=request)
        body = serializers.IssuedPushTokenSerializer(token).data | {"secret": secret}
        response = Response(body, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(request=None, responses=serializers.PushTokenSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Revoke a token: pushes with it are refused (401) from now on."""
        token = call_service(tokens.revoke_token, request.user, self.get_object(),
                             request=request)
        return Response(self.get_serializer(token).data)


@extend_schema_view(destroy=extend_schema(responses={204: None, 404: NOT_YOURS}))
class ServiceEndpointViewSet(ConfigurationViewSet):
    """Service endpoints probed for network availability (KPI 7); the purchaser's staff
    and the app vendors see those of their own systems. An endpoint with probe data cannot
    be deleted (it is evidence): disable it."""

    queryset = ServiceEndpoint.objects.select_related("system")
    serializer_class = serializers.ServiceEndpointSerializer
    filterset_class = ServiceEndpointFilterSet

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        system = data.pop("system")
        serializer.instance = call_service(
            configuration.create_endpoint, actor=self.request.user, system=system,
            values=data, request=self.request)

    def perform_update(self, serializer):
        serializer.instance = call_service(
            configuration.update_endpoint, serializer.instance, actor=self.request.user,
            values=dict(serializer.validated_data), request=self.request)

    def perform_destroy(self, instance):
        call_service(configuration.delete_endpoint, instance, actor=self.request.user,
                     request=self.request)
