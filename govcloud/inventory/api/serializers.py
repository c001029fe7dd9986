"""REST representations of systems, hosts, change requests and the allocation ledger."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from govcloud.inventory.changes import pending_allocation
from govcloud.inventory.models import (
    AllocationEntry,
    ApplicationSystem,
    ChangeRequest,
    CloudHost,
)
from govcloud.inventory.services import SYSTEM_DETAIL_FIELDS
from govcloud.lib.api import RestrictedChoicesMixin


class ApplicationSystemSerializer(serializers.ModelSerializer):
    host_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ApplicationSystem
        fields = [
            "id", "contract", "contract_row", "name", "label", "duplicate_of_row",
            "listed_in_contract", "vendor", *SYSTEM_DETAIL_FIELDS, "host_count",
        ]
        read_only_fields = ["id", "contract", "contract_row", "name", "label",
                            "duplicate_of_row", "listed_in_contract", "vendor", "host_count"]


class CloudHostSerializer(serializers.ModelSerializer):
    class Meta:
        model = CloudHost
        fields = [
            "id", "system", "name", "vcpu", "memory_gb", "standard_storage_gb",
            "performance_storage_gb", "operating_system", "ip_addresses", "data_center", "status",
            "services",
        ]


class ChangeRequestSerializer(RestrictedChoicesMixin, serializers.ModelSerializer):
    """A change request; on creation a draft of the requester's system.

    ``requested`` holds the wanted values: new_host {name, vcpu, memory_gb,
    standard_storage_gb, performance_storage_gb, operating_system, data_center, services};
    resize {vcpu, memory_gb}; storage {standard_storage_gb, performance_storage_gb};
    services {services}; subscription {subscriptions: {meter: quantity}}; the operations
    and decommission take none.
    """

    restricted_fields = {"system": ApplicationSystem, "host": CloudHost}
    planned_allocation = serializers.SerializerMethodField(
        help_text="Meter -> change of the allocation if the request were done now; "
                  "empty once it is no longer open.")

    class Meta:
        model = ChangeRequest
        fields = [
            "id", "contract", "system", "host", "kind", "requested", "reason",
            "risk_assessment", "fallback_plan", "status", "created_by", "created_at",
            "submitted_at", "identity_confirmed_at", "decided_by", "decided_at",
            "decision_note", "started_by", "started_at", "driver", "driver_reference",
            "finished_by", "finished_at", "outcome_note", "applied", "verified_by",
            "verified_at", "verification_note", "withdrawn_at", "planned_allocation",
        ]
        read_only_fields = [name for name in fields if name not in {
            "system", "host", "kind", "requested", "reason", "risk_assessment",
            "fallback_plan"}]
        extra_kwargs = {"host": {"required": False, "allow_null": True},
                        "requested": {"required": False}}

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "integer"}})
    def get_planned_allocation(self, change: ChangeRequest) -> dict:
        return pending_allocation(change)


class SubmitSerializer(serializers.Serializer):
    second_factor = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=10,
        help_text="The requester's current authenticator code: needed for restart, stop and "
                  "start (C-17).")


class ChangeDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FinishSerializer(serializers.Serializer):
    succeeded = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    ip_addresses = serializers.ListField(
        child=serializers.CharField(max_length=45), required=False, default=list,
        max_length=32, help_text="A new host's addresses, as the cloud assigned them.")


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AllocationEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AllocationEntry
        fields = ["id", "contract", "system", "host", "change_request", "meter", "delta",
                  "recorded_at", "actor_username", "reason"]


class ItemAllocationSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()
    meter = serializers.CharField()
    contracted = serializers.IntegerField()
    allocated = serializers.IntegerField()
    headroom = serializers.IntegerField()


class AllocationSerializer(serializers.Serializer):
    """The allocation of a contract's catalog at a moment, as the user may see it."""

    contract = serializers.IntegerField()
    at = serializers.DateTimeField()
    whole_contract = serializers.BooleanField(
        help_text="False when only the user's own systems are summed.")
    running_hosts = serializers.IntegerField()
    items = ItemAllocationSerializer(many=True)


class AllocationQuerySerializer(serializers.Serializer):
    contract = serializers.IntegerField(
        min_value=1, required=False,
        help_text="Only this contract (its id).")
    at = serializers.DateTimeField(required=False, help_text="A past moment (ISO 8601).")

    def validate_at(self, moment):
        if moment.year < 2000:
            raise serializers.ValidationError(_("Give a moment from 2000 on."))
        if moment > timezone.now():
            raise serializers.ValidationError(
                _("The allocation of a future moment is not known yet."))
        return moment
