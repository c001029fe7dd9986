"""REST endpoints of the inventory (read-only until the change-request workflow)."""

from __future__ import annotations

from govcloud.inventory.api import serializers
from govcloud.inventory.filtersets import ApplicationSystemFilterSet, CloudHostFilterSet
from govcloud.inventory.models import CloudHost, systems_with_host_count
from govcloud.lib.api import RestrictedReadOnlyViewSet


class ApplicationSystemViewSet(RestrictedReadOnlyViewSet):
    queryset = systems_with_host_count().select_related("vendor")
    serializer_class = serializers.ApplicationSystemSerializer
    filterset_class = ApplicationSystemFilterSet


class CloudHostViewSet(RestrictedReadOnlyViewSet):
    queryset = CloudHost.objects.select_related("system")
    serializer_class = serializers.CloudHostSerializer
    filterset_class = CloudHostFilterSet
