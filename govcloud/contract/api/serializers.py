"""REST representations of contracts and what they promise."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from govcloud.contract.deadlines import describe_deadline, resolve_deadline
from govcloud.contract.models import (
    CatalogItem,
    Contract,
    ContractVersion,
    Kpi,
    Obligation,
    Organization,
    PaymentMilestone,
)
from govcloud.contract.presenters import finding_text
from govcloud.contract.services import key_dates, term_phase
from govcloud.lib.integrity import IntegrityMismatch


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "short_name", "kind", "address"]


class DeadlineSerializer(serializers.Serializer):
    """A contract deadline: its rule in words, and its date once its events are known."""

    key = serializers.CharField()
    rule = serializers.JSONField()
    description = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    waiting_for = serializers.ListField(child=serializers.CharField())
    problem = serializers.CharField(help_text="Why no date can be given (e.g. an unknown year).")


class FindingSerializer(serializers.Serializer):
    """Something noticed in the contract file, such as a system row listed twice (C-6)."""

    kind = serializers.CharField()
    message = serializers.CharField()


class ContractVersionSerializer(serializers.ModelSerializer):
    purchaser = OrganizationSerializer(read_only=True)
    provider = OrganizationSerializer(read_only=True)
    supervisor = OrganizationSerializer(read_only=True)
    tax_amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    phase = serializers.SerializerMethodField()
    key_dates = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField()
    integrity_problem = serializers.SerializerMethodField(
        help_text="Empty when the stored contract matches its HMAC-SM3 tag; else the problem.")

    class Meta:
        model = ContractVersion
        fields = [
            "id", "contract", "number", "is_current", "loaded_at", "source_name", "fingerprint",
            "amendment_title", "amendment_signed_on", "title", "project_name", "project_number",
            "contract_number", "signed_on", "purchaser", "provider", "supervisor", "term_start",
            "term_end", "transition_start", "transition_until", "phase", "currency",
            "total_including_tax", "total_excluding_tax", "tax_rate_percent", "tax_amount",
            "key_dates", "findings", "integrity_problem",
        ]

    @extend_schema_field(FindingSerializer(many=True))
    def get_findings(self, version: ContractVersion) -> list[dict]:
        return [{**finding, "message": finding_text(finding)} for finding in version.findings]

    def get_integrity_problem(self, version: ContractVersion) -> str:
        try:
            version.check_integrity()
        except IntegrityMismatch as error:
            return str(error)
        return ""

    def get_phase(self, version: ContractVersion) -> str:
        return term_phase(version, timezone.localdate()).value

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_key_dates(self, version: ContractVersion) -> list[dict]:
        return [
            {"key": item.key, "rule": item.deadline.rule,
             "description": describe_deadline(item.deadline.rule),
             "due_on": item.deadline.due_on, "waiting_for": item.deadline.waiting_for,
             "problem": item.deadline.problem}
            for item in key_dates(version)
        ]


class ContractSerializer(serializers.ModelSerializer):
    current_version = ContractVersionSerializer(read_only=True)
    version_count = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = ["id", "code", "created_at", "version_count", "current_version"]

    def get_version_count(self, contract: Contract) -> int:
        return contract.versions.count()


class CatalogItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = CatalogItem
        fields = [
            "id", "version", "number", "category", "category_name", "meter", "name", "name_en",
            "unit", "unit_en", "quantity", "unit_price",
        ]


class KpiSerializer(serializers.ModelSerializer):
    effective_target = serializers.DecimalField(
        max_digits=24, decimal_places=6, read_only=True, allow_null=True,
        help_text="The target, derived from the contract where target_ref says so.",
    )

    class Meta:
        model = Kpi
        fields = [
            "id", "version", "number", "name", "name_en", "measure", "rule", "target",
            "target_ref", "effective_target", "target_date", "unit", "unit_en", "per",
            "description",
            "obligation_key",
        ]


class PaymentMilestoneSerializer(serializers.ModelSerializer):
    due_description = serializers.SerializerMethodField()
    due_on = serializers.SerializerMethodField()

    class Meta:
        model = PaymentMilestone
        fields = [
            "id", "version", "key", "name", "name_en", "percent", "amount", "due",
            "due_description", "due_on", "condition",
        ]

    def get_due_description(self, milestone: PaymentMilestone) -> str:
        return describe_deadline(milestone.due)

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_due_on(self, milestone: PaymentMilestone) -> date | None:
        return resolve_deadline(milestone.due, milestone.version).due_on


class ObligationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Obligation
        fields = [
            "id", "version", "key", "kind", "name", "name_en", "min_count", "per", "event",
            "within", "timing", "channels", "due", "clause", "note",
        ]
