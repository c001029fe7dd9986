"""REST representation of audit events."""

from __future__ import annotations

from rest_framework import serializers

from govcloud.audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id", "sequence", "occurred_at", "actor_id", "actor_username", "actor_role",
            "source_address", "action", "target_type", "target_id", "target_repr", "outcome",
            "details", "previous_tag", "tag",
        ]
