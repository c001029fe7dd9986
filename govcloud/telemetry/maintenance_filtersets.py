"""Which maintenance windows a person sees, and the filters of their page and API (C-16)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from govcloud.contract.models import Contract
from govcloud.inventory.models import ApplicationSystem
from govcloud.lib.filters import visible_to_requester
from govcloud.telemetry.choices import MaintenanceStatus
from govcloud.telemetry.models import MaintenanceWindow


class MaintenanceWindowFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=MaintenanceStatus.choices, label=_("Status"))
    contract = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(Contract), label=_("Contract"))
    system = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(ApplicationSystem), label=_("Application system"))

    class Meta:
        model = MaintenanceWindow
        fields = ["status", "contract", "system"]
