"""REST representations of access requests, their uses, and stored credentials.

No serializer here has a readable field for a credential's secret: it is write-only on
creation and returned only by the explicit ``reveal`` action.
"""

from __future__ import annotations

from rest_framework import serializers

from govcloud.access.models import AccessRequest, AccessUse, SystemCredential
from govcloud.contract.models import Contract
from govcloud.inventory.models import ApplicationSystem
from govcloud.lib.api import RestrictedChoicesMixin


class AccessUseSerializer(serializers.ModelSerializer):
    """One recorded use of an approved access."""

    class Meta:
        model = AccessUse
        fields = ["id", "request", "used_by", "used_at", "action", "source_address"]
        read_only_fields = ["id", "request", "used_by", "used_at", "source_address"]


class AccessRequestSerializer(RestrictedChoicesMixin, serializers.ModelSerializer):
    """A provider's request to access purchaser data; ``state`` shows "expired" (C-18)."""

    restricted_fields = {"contract": Contract, "systems": ApplicationSystem}
    state = serializers.CharField(read_only=True)

    class Meta:
        model = AccessRequest
        fields = [
            "id", "contract", "systems", "purpose", "scope", "window_start", "window_end",
            "requested_by", "requested_at", "status", "state", "decided_by", "decided_at",
            "decision_note", "revoked_by", "revoked_at",
        ]
        read_only_fields = [
            "id", "requested_by", "requested_at", "status", "decided_by", "decided_at",
            "decision_note", "revoked_by", "revoked_at",
        ]


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RevocationSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SystemCredentialSerializer(RestrictedChoicesMixin, serializers.ModelSerializer):
    """A stored system credential; ``secret`` is accepted on creation and never returned."""

    restricted_fields = {"system": ApplicationSystem}
    secret = serializers.CharField(write_only=True, trim_whitespace=False,
                                   style={"input_type": "password"})

    class Meta:
        model = SystemCredential
        fields = ["id", "system", "label", "username", "secret", "created_by", "created_at",
                  "updated_at"]
        read_only_fields = ["id", "created_by", "created_at", "updated_at"]
        # The service replaces the secret of an existing label: no unique-together refusal.
        validators = []


class RevealedSecretSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    username = serializers.CharField()
    secret = serializers.CharField()
