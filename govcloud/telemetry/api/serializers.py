"""REST representations of telemetry sources, push tokens and service endpoints.

No serializer reads a token's secret or its hash: the secret is returned once, by the
answer to the POST that issues it.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from govcloud.contract.models import Contract
from govcloud.inventory.models import ApplicationSystem
from govcloud.lib.api import RestrictedChoicesMixin
from govcloud.telemetry.models import PushToken, ServiceEndpoint, TelemetrySource

MAPPING_HELP = ("How series labels or scrape targets name hosts: a JSON object whose keys "
                "depend on the kind (prometheus: host_label, host_match, node_job, probe_job, "
                "queries, backfill_seconds, …; node_exporter: targets, port, scheme, path, "
                "probe_endpoints, …); see docs/telemetry.md. An unknown key is refused.")


@extend_schema_field({"type": "object", "additionalProperties": True,
                      "description": MAPPING_HELP})
class MappingField(serializers.JSONField):
    """Any JSON here; configuration.check_source says which keys and values it may hold."""


class TelemetrySourceSerializer(RestrictedChoicesMixin, serializers.ModelSerializer):
    """Where a data center's telemetry comes from. ``contract`` is set on creation only."""

    restricted_fields = {"contract": Contract}
    mapping = MappingField(required=False)
    push_tokens = serializers.SerializerMethodField(
        help_text="Push tokens of the source that are not revoked.")

    class Meta:
        model = TelemetrySource
        fields = ["id", "contract", "name", "data_center", "kind", "url", "mapping",
                  "interval_seconds", "enabled", "last_collected_at", "last_error",
                  "push_tokens"]
        read_only_fields = ["id", "last_collected_at", "last_error", "push_tokens"]
        extra_kwargs = {"interval_seconds": {"min_value": 1, "max_value": 3600}}
        # The service names a taken name as the field's error, in the user's language.
        validators = []

    def get_push_tokens(self, source: TelemetrySource) -> int:
        return sum(1 for token in source.push_tokens.all() if token.revoked_at is None)

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["contract"].read_only = True
        return fields


class PushTokenSerializer(RestrictedChoicesMixin, serializers.ModelSerializer):
    """A push token: its name and the first characters of its secret, never the secret."""

    restricted_fields = {"source": TelemetrySource}
    active = serializers.SerializerMethodField(help_text="Not revoked.")

    class Meta:
        model = PushToken
        fields = ["id", "source", "name", "prefix", "created_by", "created_at",
                  "last_used_at", "revoked_at", "active"]
        read_only_fields = ["id", "prefix", "created_by", "created_at", "last_used_at",
                            "revoked_at", "active"]

    def get_active(self, token: PushToken) -> bool:
        return token.revoked_at is None


class IssuedPushTokenSerializer(PushTokenSerializer):
    """The answer to issuing a token: the only time its secret is shown."""

    secret = serializers.CharField(
        read_only=True,
        help_text="Send as 'Authorization: Bearer <secret>'. Shown this once only.")

    class Meta(PushTokenSerializer.Meta):
        fields = [*PushTokenSerializer.Meta.fields, "secret"]
        read_only_fields = [*PushTokenSerializer.Meta.read_only_fields, "secret"]


class ServiceEndpointSerializer(RestrictedChoicesMixin, serializers.ModelSerializer):
    """A service address probed for network availability (KPI 7): ``host:port`` for TCP,
    an http(s) URL for HTTP. ``system`` is set on creation only."""

    restricted_fields = {"system": ApplicationSystem}
    contract = serializers.IntegerField(source="system.contract_id", read_only=True)

    class Meta:
        model = ServiceEndpoint
        fields = ["id", "contract", "system", "name", "kind", "target", "enabled"]
        read_only_fields = ["id", "contract"]
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["system"].read_only = True
        return fields
