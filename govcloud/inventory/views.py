"""Inventory pages: application systems and cloud hosts (read-only for now)."""

from __future__ import annotations

from govcloud.inventory.filtersets import ApplicationSystemFilterSet, CloudHostFilterSet
from govcloud.inventory.models import ApplicationSystem, CloudHost, systems_with_host_count
from govcloud.lib.views import FilteredListView, RestrictedDetailView


class SystemListView(FilteredListView):
    model = ApplicationSystem
    queryset = systems_with_host_count().select_related("contract", "vendor")
    filterset_class = ApplicationSystemFilterSet
    partial_template_name = "inventory/_partials/system_table.html"


class SystemDetailView(RestrictedDetailView):
    model = ApplicationSystem
    queryset = ApplicationSystem.objects.select_related("contract", "vendor")


class HostListView(FilteredListView):
    model = CloudHost
    queryset = CloudHost.objects.select_related("system")
    filterset_class = CloudHostFilterSet
    partial_template_name = "inventory/_partials/host_table.html"


class HostDetailView(RestrictedDetailView):
    model = CloudHost
    queryset = CloudHost.objects.select_related("system__contract")
