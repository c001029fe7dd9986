"""Maintenance windows for the test cast, so the route walkers can open every maintenance
route: ``build_cast()`` calls ``add_maintenance_windows(cast)``.

Contract A gets a proposed window of the whole platform and an approved one of system A2
(vendor B's, so vendor A must not see it); contract B a proposed window. Written with the
ORM, not the services, so building the cast leaves no audit events.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from govcloud.telemetry.choices import MaintenanceStatus
from govcloud.telemetry.models import MaintenanceWindow

PLATFORM_TITLE = "云平台存储扩容"
SYSTEM_TITLE = "数据库补丁升级"


def add_maintenance_windows(cast) -> None:
    """Add the windows; a second call adds nothing."""
    if MaintenanceWindow.objects.filter(contract=cast.contract_a,
                                        title=PLATFORM_TITLE).exists():
        return
    now = timezone.now()
    start = (now + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    MaintenanceWindow.objects.create(
        contract=cast.contract_a, title=PLATFORM_TITLE, description="扩容存储池",
        starts_at=start, ends_at=start + timedelta(hours=2),
        announced_by=cast.provider_operator, announced_at=now)
    MaintenanceWindow.objects.create(
        contract=cast.contract_a, system=cast.system_a2, title=SYSTEM_TITLE,
        starts_at=start + timedelta(days=1), ends_at=start + timedelta(days=1, hours=1),
        announced_by=cast.provider_manager, announced_at=now,
        status=MaintenanceStatus.APPROVED, decided_by=cast.purchaser_admin, decided_at=now)
    MaintenanceWindow.objects.create(
        contract=cast.contract_b, system=cast.system_b1, title="乙方网络割接",
        starts_at=start, ends_at=start + timedelta(hours=3),
        announced_by=cast.outsider, announced_at=now)
