"""REST endpoints of contracts (read-only: contracts change by loading a contract file)."""

from __future__ import annotations

from govcloud.contract import filtersets
from govcloud.contract.api import serializers
from govcloud.contract.models import (
    CatalogItem,
    Contract,
    ContractVersion,
    Kpi,
    Obligation,
    Organization,
    PaymentMilestone,
)
from govcloud.lib.api import RestrictedReadOnlyViewSet


class OrganizationViewSet(RestrictedReadOnlyViewSet):
    queryset = Organization.objects.all()
    serializer_class = serializers.OrganizationSerializer
    filterset_fields = ["kind"]
    search_fields = ["name", "short_name"]


class ContractViewSet(RestrictedReadOnlyViewSet):
    queryset = Contract.objects.prefetch_related("versions")
    serializer_class = serializers.ContractSerializer
    filterset_fields = ["code"]
    search_fields = ["code", "versions__title"]


class ContractVersionViewSet(RestrictedReadOnlyViewSet):
    queryset = ContractVersion.objects.select_related("purchaser", "provider", "supervisor")
    serializer_class = serializers.ContractVersionSerializer
    filterset_class = filtersets.ContractVersionFilterSet


class CatalogItemViewSet(RestrictedReadOnlyViewSet):
    queryset = CatalogItem.objects.all()
    serializer_class = serializers.CatalogItemSerializer
    filterset_class = filtersets.CatalogItemFilterSet
    search_fields = ["name", "name_en"]


class KpiViewSet(RestrictedReadOnlyViewSet):
    #: The version for its figures, not the contract file it was read from.
    queryset = Kpi.objects.select_related("version").defer("version__source_text")
    serializer_class = serializers.KpiSerializer
    filterset_class = filtersets.KpiFilterSet


class PaymentMilestoneViewSet(RestrictedReadOnlyViewSet):
    queryset = PaymentMilestone.objects.select_related("version").defer(
        "version__source_text")
    serializer_class = serializers.PaymentMilestoneSerializer
    filterset_class = filtersets.PaymentMilestoneFilterSet


class ObligationViewSet(RestrictedReadOnlyViewSet):
    queryset = Obligation.objects.all()
    serializer_class = serializers.ObligationSerializer
    filterset_class = filtersets.ObligationFilterSet
    search_fields = ["name", "name_en", "clause"]
