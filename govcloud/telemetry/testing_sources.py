"""Telemetry sources, push tokens and service endpoints for the test cast, so that the
route walkers can open every route of them in contract A and contract B.

The cast (``govcloud/testing/cast.py``) calls ``add_telemetry_sources(cast)``. Written with
the ORM, not the services, so building the cast leaves no audit events.
"""

from __future__ import annotations

from govcloud.telemetry.choices import ProbeKind, SourceKind
from govcloud.telemetry.models import PushToken, ServiceEndpoint, TelemetrySource
from govcloud.telemetry.tokens import PREFIX_LENGTH, hash_secret

#: The secrets of the cast's push tokens, one per contract.
PUSH_SECRET_A = "gcp_cast-contract-a-push-secret-0123456789abcdef"
PUSH_SECRET_B = "gcp_cast-contract-b-push-secret-0123456789abcdef"
SOURCE_NAME = "cast push"


def add_telemetry_sources(cast) -> None:
    """Add a push source with a token to each contract, and an endpoint to each system.

    A second call adds nothing.
    """
    if TelemetrySource.objects.filter(contract=cast.contract_a, name=SOURCE_NAME).exists():
        return
    for contract, creator, secret in (
        (cast.contract_a, cast.provider_operator, PUSH_SECRET_A),
        (cast.contract_b, cast.outsider, PUSH_SECRET_B),
    ):
        source = TelemetrySource.objects.create(contract=contract, name=SOURCE_NAME,
                                                kind=SourceKind.PUSH, interval_seconds=60)
        PushToken.objects.create(source=source, name="cast sender",
                                 prefix=secret[:PREFIX_LENGTH],
                                 secret_hash=hash_secret(secret), created_by=creator)
    for system in (cast.system_a1, cast.system_a2, cast.system_b1):
        ServiceEndpoint.objects.create(system=system, name="web", kind=ProbeKind.HTTP,
                                       target="http://10.0.0.1/health")
