"""Change requests for the test cast, so the route walker can open every inventory route.

``build_cast()`` calls ``add_change_requests(cast)``: one submitted request on system A1
(by the purchaser staff), a draft on system A2 (by vendor B) and one in contract B.
Written with the ORM, not the services, so building the cast leaves no audit events.
"""

from __future__ import annotations

from django.utils import timezone

from govcloud.inventory.choices import ChangeKind, ChangeStatus
from govcloud.inventory.models import ChangeRequest

TEXTS = {"reason": "cast", "risk_assessment": "cast", "fallback_plan": "cast"}


def add_change_requests(cast) -> None:
    if ChangeRequest.objects.filter(contract=cast.contract_a, reason="cast").exists():
        return
    ChangeRequest.objects.create(
        contract=cast.contract_a, system=cast.system_a1, host=cast.host_a1,
        kind=ChangeKind.RESIZE, requested={"vcpu": 6, "memory_gb": 8},
        status=ChangeStatus.SUBMITTED, submitted_at=timezone.now(),
        created_by=cast.purchaser_staff, **TEXTS)
    ChangeRequest.objects.create(
        contract=cast.contract_a, system=cast.system_a2, host=cast.host_a2,
        kind=ChangeKind.RESIZE, requested={"vcpu": 6, "memory_gb": 8},
        created_by=cast.vendor_b, **TEXTS)
    ChangeRequest.objects.create(
        contract=cast.contract_b, system=cast.system_b1, host=cast.host_b1,
        kind=ChangeKind.RESIZE, requested={"vcpu": 6, "memory_gb": 8},
        created_by=cast.outsider, **TEXTS)
