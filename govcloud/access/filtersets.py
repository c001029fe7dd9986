"""Filters shared by the access pages and API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from govcloud.access.choices import AccessState
from govcloud.access.models import AccessRequest, SystemCredential, in_state
from govcloud.contract.models import Contract
from govcloud.inventory.models import ApplicationSystem
from govcloud.lib.filters import visible_to_requester


class AccessRequestFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=AccessState.choices, method="filter_state", label=_("Status")
    )
    contract = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(Contract), label=_("Contract")
    )

    class Meta:
        model = AccessRequest
        fields = ["status", "contract"]

    def filter_state(self, queryset, name, value):
        return in_state(queryset, value)


class SystemCredentialFilterSet(django_filters.FilterSet):
    system = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(ApplicationSystem), label=_("Application system")
    )

    class Meta:
        model = SystemCredential
        fields = ["system"]
