"""Filters shared by the inventory pages and API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govcloud.contract.models import Contract, Organization
from govcloud.inventory.models import ApplicationSystem, CloudHost
from govcloud.lib.filters import visible_to_requester


class ApplicationSystemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    contract = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(Contract), label=_("Contract")
    )
    vendor = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(Organization), label=_("Application vendor")
    )

    class Meta:
        model = ApplicationSystem
        fields = ["q", "contract", "vendor", "listed_in_contract"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(label__icontains=value) | Q(owner_department__icontains=value))


class CloudHostFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    contract = django_filters.ModelChoiceFilter(
        field_name="system__contract", queryset=visible_to_requester(Contract), label=_("Contract")
    )
    system = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(ApplicationSystem), label=_("Application system")
    )

    class Meta:
        model = CloudHost
        fields = ["q", "contract", "system", "status", "data_center"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(operating_system__icontains=value))
