"""Filters shared by the contract pages and API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from govcloud.contract.models import (
    CatalogItem,
    Contract,
    ContractVersion,
    Kpi,
    Obligation,
    PaymentMilestone,
)
from govcloud.lib.filters import visible_to_requester


class VersionPartFilterSet(django_filters.FilterSet):
    """Rows of a contract version: the current versions unless a version is asked for."""

    contract = django_filters.ModelChoiceFilter(
        field_name="version__contract", queryset=visible_to_requester(Contract)
    )
    version = django_filters.ModelChoiceFilter(queryset=visible_to_requester(ContractVersion))

    @property
    def qs(self) -> QuerySet[Any]:
        queryset: QuerySet[Any] = super().qs
        if not self.form.cleaned_data.get("version"):
            queryset = queryset.filter(version__is_current=True)
        return queryset


class CatalogItemFilterSet(VersionPartFilterSet):
    class Meta:
        model = CatalogItem
        fields = ["contract", "version", "category", "meter"]


class KpiFilterSet(VersionPartFilterSet):
    class Meta:
        model = Kpi
        fields = ["contract", "version", "measure", "rule"]


class PaymentMilestoneFilterSet(VersionPartFilterSet):
    class Meta:
        model = PaymentMilestone
        fields = ["contract", "version", "key"]


class ObligationFilterSet(VersionPartFilterSet):
    class Meta:
        model = Obligation
        fields = ["contract", "version", "kind", "per"]


class ContractVersionFilterSet(django_filters.FilterSet):
    contract = django_filters.ModelChoiceFilter(queryset=visible_to_requester(Contract))

    class Meta:
        model = ContractVersion
        fields = ["contract", "is_current"]
