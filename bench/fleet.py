"""What the benchmarks share: a fresh PostgreSQL database, a fleet of hosts loaded in bulk
with synthetic daily rollups, and fresh planner statistics after a bulk load.

bench/kpi.py and bench/pages.py import this module (the bench directory is on the path of
a script run from it). Django must be set up before any function here is called.
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def create_database(url: str) -> None:
    """Create the database the URL names in a fresh cluster."""
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')


def bench_hosts(contract, names: list[str], started: datetime, first_index: int = 0) -> list:
    """Create hosts spread over the contract's systems, running since ``started``.

    Hosts are written in bulk, without ledger entries: the fleet measures speed, and
    nothing here reads the allocation of these hosts.
    """
    from govcloud.inventory.choices import HostStatus
    from govcloud.inventory.models import CloudHost, HostStatusChange

    systems = list(contract.systems.order_by("contract_row", "label"))
    hosts = [CloudHost(system=systems[(first_index + index) % len(systems)], name=name,
                       vcpu=(2, 4, 8)[(first_index + index) % 3],
                       memory_gb=(4, 8, 16)[(first_index + index) % 3],
                       standard_storage_gb=200, status=HostStatus.RUNNING)
             for index, name in enumerate(names)]
    hosts = CloudHost.objects.bulk_create(hosts, batch_size=2000)
    HostStatusChange.objects.bulk_create(
        [HostStatusChange(host=host, status=HostStatus.RUNNING, changed_at=started)
         for host in hosts], batch_size=2000)
    return hosts


def grow_fleet(contract, size: int, first: date, days: int, seed: str,
               started: datetime | None = None) -> dict:
    """Add hosts named ``fleet-host-NNNNN`` until the contract has ``size`` hosts, each
    with synthetic daily rows for ``days`` local days from ``first``, in one transaction.

    Returns how many hosts and daily rows were added (none when the fleet is that big).
    """
    import numpy as np
    from django.db import transaction

    from govcloud.inventory.models import CloudHost
    from govcloud.telemetry import bulk
    from govcloud.telemetry.models import HostDaily
    from govcloud.telemetry.simulator import synthetic_days

    existing = CloudHost.objects.filter(system__contract=contract).count()
    names = [f"fleet-host-{index:05d}" for index in range(max(0, size - existing))]
    first_day = (first - date(1970, 1, 1)).days
    started = started or datetime(first.year, first.month, first.day, tzinfo=UTC)
    rows = 0
    with transaction.atomic():
        hosts = bench_hosts(contract, names, started, existing)
        pks = np.array([host.pk for host in hosts])
        for begin in range(0, pks.size, 2000):
            rows += bulk.write_rows(HostDaily, synthetic_days(
                pks[begin:begin + 2000], first_day, days, seed))
    return {"hosts": len(hosts), "daily_rows": rows}


def analyze(vacuum: bool = False) -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load, as autovacuum would; with
    ``vacuum``, do all of autovacuum's first pass over the new rows now, so that what is
    measured next is the pages, not autovacuum working beside them."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
