"""REST endpoints of maintenance windows (C-16): thin, every write through maintenance.py."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from govcloud.contract.models import Contract
from govcloud.inventory.models import ApplicationSystem
from govcloud.lib.api import RestrictedChoicesMixin, WorkflowViewSet, call_service
from govcloud.telemetry import maintenance
from govcloud.telemetry.choices import MAINTENANCE_PROPOSER_ROLES
from govcloud.telemetry.maintenance_filtersets import MaintenanceWindowFilterSet
from govcloud.telemetry.models import MaintenanceWindow


class MaintenanceWindowSerializer(RestrictedChoicesMixin, serializers.ModelSerializer):
    """Planned maintenance; ``system`` empty for the whole platform. Approved windows are
    left out of availability."""

    restricted_fields = {"contract": Contract, "system": ApplicationSystem}

    class Meta:
        model = MaintenanceWindow
        fields = ["id", "contract", "system", "title", "description", "starts_at", "ends_at",
                  "status", "announced_by", "announced_at", "decided_by", "decided_at",
                  "decision_note"]
        read_only_fields = ["id", "status", "announced_by", "announced_at", "decided_by",
                            "decided_at", "decision_note"]


class MaintenanceDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="",
                                 help_text="Required when the window is rejected.")


class MaintenanceWindowViewSet(WorkflowViewSet):
    """Maintenance windows of the contracts one works on. The purchaser's staff and the app
    vendors see the platform's windows and their own systems'."""

    queryset = MaintenanceWindow.objects.select_related("contract", "system")
    serializer_class = MaintenanceWindowSerializer
    filterset_class = MaintenanceWindowFilterSet
    workflow = maintenance.WORKFLOW
    create_roles = MAINTENANCE_PROPOSER_ROLES

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = call_service(
            maintenance.announce_window, actor=self.request.user, contract=data["contract"],
            system=data.get("system"), title=data["title"],
            description=data.get("description", ""), starts_at=data["starts_at"],
            ends_at=data["ends_at"], request=self.request,
        )

    @extend_schema(request=MaintenanceDecisionSerializer, responses=MaintenanceWindowSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Approve or reject a proposed window before it starts (the purchaser admin)."""
        return self.take_step(maintenance.decide_window, MaintenanceDecisionSerializer)

    @extend_schema(request=None, responses=MaintenanceWindowSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Withdraw a proposed or approved window before it starts (the provider)."""
        return self.take_step(maintenance.cancel_window)
