"""REST representations of the scorecard, availability, host usage and the monthly usage
evaluation. The figures come from kpi/engine.py, kpi/usage.py and telemetry/figures.py."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

PERIOD_HELP = ("A month (2025-10), a quarter (2025-Q4), a year (2025), term (the contract "
               "term) or a range of local days (2025-07-29..2025-12-31).")


class KpiQuerySerializer(serializers.Serializer):
    contract = serializers.IntegerField(
        required=False, min_value=1,
        help_text="The contract's id; the first contract one works on when left out.")
    period = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                   help_text=PERIOD_HELP + " This month when left out.")


class AvailabilityQuerySerializer(KpiQuerySerializer):
    by = serializers.ChoiceField(choices=["system", "host"], default="system",
                                 help_text="One row per application system or per host.")


class HostUsageQuerySerializer(serializers.Serializer):
    period = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                   help_text=PERIOD_HELP + " The last 7 days when left out.")


class PeriodSerializer(serializers.Serializer):
    label = serializers.CharField()
    first = serializers.DateField(help_text="The first local day, included.")
    last = serializers.DateField(help_text="The last local day, included.")


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "string"}], "nullable": True})
class TargetField(serializers.Field):
    """A number, a date (ISO text) for "by" rules, or null."""

    def to_representation(self, value):
        return value


class ScorecardRowSerializer(serializers.Serializer):
    number = serializers.JSONField(help_text="1–14, or \"availability\" for the 99.9 % promise.")
    name = serializers.CharField()
    measure = serializers.CharField()
    rule = serializers.CharField(help_text="ge, le, done or by.")
    value = serializers.FloatField(allow_null=True,
                                   help_text="Null when there is no data yet: never a "
                                             "placeholder.")
    unit = serializers.CharField(allow_blank=True)
    target = TargetField()
    status = serializers.ChoiceField(choices=["met", "not_met", "at_risk", "no_data"])
    note = serializers.CharField(allow_blank=True)


class ScorecardSerializer(serializers.Serializer):
    contract = serializers.IntegerField()
    period = PeriodSerializer()
    whole_contract = serializers.BooleanField(
        help_text="False when only the requester's own systems are counted.")
    computed_at = serializers.DateTimeField()
    rows = ScorecardRowSerializer(many=True)


class FiguresSerializer(serializers.Serializer):
    availability = serializers.FloatField(allow_null=True,
                                          help_text="Percent of observed time up; "
                                                    "null when nothing was observed.")
    cpu = serializers.FloatField(allow_null=True, help_text="Mean CPU, percent (for a "
                                 "system or the fleet weighted by vCPU).")
    memory = serializers.FloatField(allow_null=True, help_text="Mean memory used, percent.")
    cpu_p95 = serializers.FloatField(allow_null=True)
    memory_p95 = serializers.FloatField(allow_null=True)
    observed_hours = serializers.FloatField()
    downtime_minutes = serializers.FloatField()
    maintenance_minutes = serializers.FloatField(
        help_text="Observed time inside approved maintenance, left out of availability.")


class AvailabilityRowSerializer(FiguresSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    system = serializers.IntegerField(required=False, help_text="The host's system (by=host).")


class AvailabilitySerializer(serializers.Serializer):
    contract = serializers.IntegerField()
    period = PeriodSerializer()
    by = serializers.CharField()
    whole_contract = serializers.BooleanField()
    fleet = FiguresSerializer()
    rows = AvailabilityRowSerializer(many=True)


class SeriesPointSerializer(serializers.Serializer):
    at = serializers.DateTimeField(help_text="The start of the hour or day.")
    availability = serializers.FloatField(allow_null=True)
    cpu_mean = serializers.FloatField(allow_null=True)
    cpu_p95 = serializers.FloatField(allow_null=True)
    cpu_max = serializers.FloatField(allow_null=True)
    memory_mean = serializers.FloatField(allow_null=True)
    memory_p95 = serializers.FloatField(allow_null=True)
    memory_max = serializers.FloatField(allow_null=True)
    disk_used_bytes = serializers.FloatField(allow_null=True)


class OutageSerializer(serializers.Serializer):
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField()
    minutes = serializers.FloatField()


class HostUsageSerializer(serializers.Serializer):
    host = serializers.IntegerField()
    period = PeriodSerializer()
    resolution = serializers.ChoiceField(
        choices=["hour", "day"], help_text="Hourly points up to 31 days, daily beyond.")
    points = SeriesPointSerializer(
        many=True, help_text="Percentages (0–100) but disk, in bytes; null: no data.")
    outages = OutageSerializer(many=True)


class HostEvaluationSerializer(serializers.Serializer):
    host = serializers.IntegerField()
    host_name = serializers.CharField()
    system = serializers.IntegerField()
    finding = serializers.ChoiceField(choices=["idle", "low", "overloaded"])
    reason = serializers.CharField(help_text="The rule that flagged the host, with figures.")
    cpu_mean = serializers.FloatField(allow_null=True, help_text="Percent.")
    cpu_p95 = serializers.FloatField(allow_null=True, help_text="Percent.")
    cpu_peak = serializers.FloatField(allow_null=True, help_text="Percent.")
    memory_mean = serializers.FloatField(allow_null=True, help_text="Percent.")
    memory_p95 = serializers.FloatField(allow_null=True, help_text="Percent.")
    days_observed = serializers.IntegerField()
    low_days = serializers.IntegerField()
    vcpu = serializers.IntegerField()
    memory_gb = serializers.IntegerField()
    suggested_vcpu = serializers.IntegerField()
    suggested_memory_gb = serializers.IntegerField()
    freed_vcpu = serializers.IntegerField()
    freed_memory_gb = serializers.IntegerField()


class FreedSerializer(serializers.Serializer):
    meter = serializers.CharField()
    freed = serializers.IntegerField(help_text="Freed if every recommendation is followed.")
    contracted = serializers.IntegerField()


class UsageEvaluationSerializer(serializers.Serializer):
    contract = serializers.IntegerField()
    period = PeriodSerializer()
    whole_contract = serializers.BooleanField()
    rules = serializers.DictField(help_text="The rules applied (GOVCLOUD_USAGE_RULES).")
    hosts_evaluated = serializers.IntegerField()
    findings = HostEvaluationSerializer(many=True)
    freed = FreedSerializer(many=True)
