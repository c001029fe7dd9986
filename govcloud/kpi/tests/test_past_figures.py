"""A past figure never changes (issue 11, item 7): figures of a past period use the sizes
and statuses of that period, from the allocation ledger and the status history."""

from __future__ import annotations

import json
from datetime import date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from govcloud.inventory.choices import HostStatus
from govcloud.inventory.ledger import record_allocation, register_host
from govcloud.inventory.models import HostStatusChange
from govcloud.kpi.engine import scorecard
from govcloud.kpi.periods import parse_period
from govcloud.kpi.tests.rollups import OCTOBER_FIRST, fill
from govcloud.telemetry.figures import host_figures
from govcloud.telemetry.models import SettledFigures


def resize(host, *, vcpu: int, memory_gb: int, at: datetime | None = None) -> None:
    """What a done resize request does: a ledger entry and the host's new size."""
    record_allocation(host.system.contract, host.system,
                      {"vcpu": vcpu - host.vcpu, "memory_gb": memory_gb - host.memory_gb},
                      reason="resize", host=host, at=at)
    host.vcpu, host.memory_gb = vcpu, memory_gb
    host.save(update_fields=["vcpu", "memory_gb"])


def command_json(*args: str) -> str:
    out = StringIO()
    call_command("kpi", *args, "--json", "--language", "zh-hans", stdout=out)
    return out.getvalue()


def past_evidence(cast, client) -> dict[str, str | bytes]:
    code = cast.contract_a.code
    return {
        "scorecard 2025": command_json("scorecard", "--period", "2025", "--contract", code),
        "scorecard 2025-10": command_json("scorecard", "--period", "2025-10", "--contract",
                                          code),
        "usage 2025-10": command_json("usage", "--period", "2025-10", "--contract", code),
        "availability by host": client.get("/api/kpi/availability/", {
            "contract": cast.contract_a.pk, "period": "2025", "by": "host"}).content,
        "usage API": client.get("/api/kpi/usage-evaluation/", {
            "contract": cast.contract_a.pk, "period": "2025-10"}).content,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("settled", [True, False], ids=["settled", "computed-again"])
def test_last_years_figures_do_not_change_when_hosts_are_resized_or_retired_today(
        cast, october, client_for, settings, settled):
    """Whether read back from the store of settled periods or computed again from the
    rollups (a raw retention so long that nothing has settled yet)."""
    if not settled:
        settings.GOVCLOUD_TELEMETRY_RAW_DAYS = 100_000
    client = client_for(cast.purchaser_admin)
    before = past_evidence(cast, client)
    resize(cast.host_a2, vcpu=cast.host_a2.vcpu * 2, memory_gb=cast.host_a2.memory_gb * 2)
    resize(october["low"], vcpu=1, memory_gb=2)
    HostStatusChange.objects.create(host=october["idle"], status=HostStatus.DECOMMISSIONED)
    october["idle"].status = HostStatus.DECOMMISSIONED
    october["idle"].save(update_fields=["status"])
    after = past_evidence(cast, client)
    for name in before:
        assert after[name] == before[name], name
    assert SettledFigures.objects.exists() == settled
    usage = json.loads(after["usage 2025-10"])
    assert {row["host"]: row["vcpu"] for row in usage["findings"]}["a1-low-01"] == 4


@pytest.mark.django_db
def test_a_host_resized_inside_a_period_weighs_each_day_by_its_vcpu_of_that_day(cast):
    host = register_host(cast.system_a1, name="a1-grown-01", vcpu=2, memory_gb=4,
                         reason="test", at=timezone.make_aware(datetime(2025, 9, 1)))
    fill(host, OCTOBER_FIRST, 31, cpu=0.5)
    resize(host, vcpu=8, memory_gb=16, at=timezone.make_aware(datetime(2025, 10, 21, 15)))
    resize(host, vcpu=16, memory_gb=32)  # today: changes nothing of October
    figs = host_figures(cast.contract_a, date(2025, 10, 1), date(2025, 10, 31),
                        systems=[cast.system_a1]).hosts[host.pk]
    assert (figs.vcpu, figs.memory_gb) == (8, 16)
    busy, measured = figs.vcpu_load()
    # 20 days at 2 vCPU, 11 days (from the 21st, resized that afternoon) at 8 vCPU.
    assert measured == pytest.approx((20 * 2 + 11 * 8) / 31)
    assert busy == pytest.approx(0.5 * measured)
    september = host_figures(cast.contract_a, date(2025, 9, 1), date(2025, 9, 30))
    assert host.pk not in september.hosts


@pytest.mark.django_db
def test_the_hosts_in_service_of_a_month_are_counted_inside_it(cast, october):
    card = scorecard(cast.contract_a, parse_period("2025-10", cast.contract_a))
    row = next(row for row in card.rows if row.measure == "hosts_in_service")
    counted = datetime.fromisoformat(row.evidence["counted_at"])
    assert timezone.localtime(counted).date() == date(2025, 10, 31)
