"""Access objects for the test cast, so the route walker can open every access route.

``govcloud/tests/test_route_permissions.py`` needs, for each detail route, an object of
its model in contract A and in contract B. The cast (``govcloud/testing/cast.py``) adds
them by calling ``add_access_objects(cast)`` at the end of ``build_cast()``.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from govcloud.access.choices import AccessStatus
from govcloud.access.models import AccessRequest, AccessUse, SystemCredential
from govcloud.access.services import seal

#: The secret stored in every cast credential; no provider route may ever show it.
CAST_SECRET = "Cast-Secret-7f3a9c-不可外泄"
PURPOSE = "巡检数据库性能"


def add_access_objects(cast) -> None:
    """Add an approved request with one use and a stored credential to each contract.

    A second call adds nothing, so a test may call it on a cast that already has them.

    Written with the ORM, not the services, so building the cast leaves no audit events.
    """
    now = timezone.now()
    if AccessRequest.objects.filter(contract=cast.contract_a, purpose=PURPOSE).exists():
        return
    for contract, system, requester, owner in (
        (cast.contract_a, cast.system_a1, cast.provider_operator, cast.purchaser_admin),
        (cast.contract_b, cast.system_b1, cast.outsider, cast.outsider),
    ):
        access_request = AccessRequest.objects.create(
            contract=contract, purpose=PURPOSE, scope="慢查询日志",
            window_start=now - timedelta(hours=1), window_end=now + timedelta(days=1),
            requested_by=requester, status=AccessStatus.APPROVED, decided_by=owner,
            decided_at=now,
        )
        access_request.systems.set([system])
        AccessUse.objects.create(request=access_request, used_by=requester, action="查看慢查询")
        credential = SystemCredential(system=system, label="数据库管理员", username="dba",
                                      created_by=owner)
        seal(credential, CAST_SECRET)
        credential.save()
