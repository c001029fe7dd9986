"""Which maintenance windows a person sees, and the filters of their page and API (C-16)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govcloud.accounts.choices import SYSTEM_SCOPED_ROLES
from govcloud.contract.models import Contract
from govcloud.inventory.models import ApplicationSystem
from govcloud.lib.filters import visible_to_requester
from govcloud.telemetry.choices import MaintenanceStatus
from govcloud.telemetry.models import MaintenanceWindow


def of_own_systems(user, restricted):
    """Narrow windows ``restrict()`` already let through: the purchaser's staff and the app
    vendors see the platform's windows and their own systems', not another system's.

    ``restrict()`` shows system-scoped people every window of their contracts, because a
    window of the whole platform (no system) concerns them too.
    """
    if user.is_authenticated and user.role in SYSTEM_SCOPED_ROLES:
        return restricted.filter(Q(system__isnull=True) | Q(system__in=user.systems.all()))
    return restricted


def windows_seen_by(user, queryset=None):
    """Return the maintenance windows ``user`` may see."""
    queryset = MaintenanceWindow.objects.all() if queryset is None else queryset
    return of_own_systems(user, queryset.restrict(user))


class MaintenanceWindowFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=MaintenanceStatus.choices, label=_("Status"))
    contract = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(Contract), label=_("Contract"))
    system = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(ApplicationSystem), label=_("Application system"))

    class Meta:
        model = MaintenanceWindow
        fields = ["status", "contract", "system"]
