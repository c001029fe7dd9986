"""REST representations of application systems and cloud hosts."""

from __future__ import annotations

from rest_framework import serializers

from govcloud.inventory.models import ApplicationSystem, CloudHost


class ApplicationSystemSerializer(serializers.ModelSerializer):
    host_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ApplicationSystem
        fields = [
            "id", "contract", "contract_row", "name", "label", "duplicate_of_row",
            "listed_in_contract", "vendor", "owner_department", "description", "host_count",
        ]


class CloudHostSerializer(serializers.ModelSerializer):
    class Meta:
        model = CloudHost
        fields = [
            "id", "system", "name", "vcpu", "memory_gb", "standard_storage_gb",
            "performance_storage_gb", "operating_system", "ip_addresses", "data_center", "status",
        ]
