"""The demo's telemetry: a simulator source, one service endpoint per system, maintenance
windows announced and decided through the real workflow at their dates, and simulated
rollups over the whole history, so the demo's scorecard shows computed values.

The telemetry runs on after the term through the transitional service (Art. 11: the
provider keeps operating until a new tender) up to the day the demo is built, so that
"this month" has data. It ends at that day's midnight (Beijing): two builds of one day are
the same.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

import time_machine

from govcloud.demo.constants import BEIJING
from govcloud.inventory.choices import HostStatus
from govcloud.telemetry.choices import ProbeKind, SourceKind
from govcloud.telemetry.maintenance import announce_window, decide_window
from govcloud.telemetry.models import ServiceEndpoint, TelemetrySource
from govcloud.telemetry.simulator import simulate_contract

#: Maintenance of the demo: (share of the history, hours long, platform-wide, approved).
MAINTENANCE_PLAN = (
    (0.22, 2, True, True, "云平台虚拟化层补丁升级", "计算节点滚动升级，云主机可能短暂迁移。"),
    (0.48, 3, False, True, "数据库主备切换演练", "按计划进行主备切换，验证高可用配置。"),
    (0.63, 1, False, False, "应用中间件版本升级", "中间件升级，需短暂停止服务。"),
    (0.81, 4, True, True, "核心交换机固件升级", "网络设备固件升级，期间网络可能短暂中断。"),
)
REJECTION_NOTE = "时间与业务高峰重叠，请改到周末夜间。"


def telemetry_window(version, history: tuple[datetime, datetime], now: datetime,
                     ) -> tuple[datetime, datetime]:
    """The fleet's history, carried on to today's midnight while the transitional service
    runs after the term (Art. 11)."""
    start, end = history
    if version.transition_start is None or start >= end:
        return start, end
    today = datetime.combine(now.astimezone(BEIJING).date(), time(), BEIJING)
    return start, max(end, today)


def build_telemetry(contract, people, history: tuple[datetime, datetime],
                    now: datetime) -> None:
    """Give the contract a simulator source, endpoints, maintenance over the fleet's
    ``history`` and simulated rollups from its start to the end of telemetry_window."""
    rng = random.Random(f"{contract.code}-telemetry")
    TelemetrySource.objects.get_or_create(
        contract=contract, name="模拟数据（演示）",
        defaults={"kind": SourceKind.SIMULATOR, "interval_seconds": 60})
    _endpoints(contract)
    start, end = history
    if end - start > timedelta(days=7):
        _maintenance(contract, people, start, end, rng)
    simulate_contract(contract, *telemetry_window(contract.current_version, history, now))


def _endpoints(contract) -> None:
    """One endpoint per system with hosts: HTTPS on its first web-facing host, else TCP."""
    for system in contract.systems.filter(hosts__isnull=False).distinct():
        hosts = list(system.hosts.exclude(status=HostStatus.DECOMMISSIONED).order_by("name"))
        web = next((host for host in hosts if "-web-" in host.name or "-gateway-" in host.name),
                   None)
        chosen = web or hosts[0]
        address = (chosen.ip_addresses or ["127.0.0.1"])[0]
        if web is not None:
            ServiceEndpoint.objects.get_or_create(
                system=system, name="门户", defaults={"kind": ProbeKind.HTTP,
                                                    "target": f"https://{address}/"})
        else:
            ServiceEndpoint.objects.get_or_create(
                system=system, name="服务端口", defaults={"kind": ProbeKind.TCP,
                                                      "target": f"{address}:8080"})


def _maintenance(contract, people, start: datetime, end: datetime, rng: random.Random) -> None:
    systems = list(contract.systems.filter(hosts__isnull=False).distinct().order_by("pk"))
    for share, hours, platform_wide, approved, title, description in MAINTENANCE_PLAN:
        day = (start + (end - start) * share).astimezone(BEIJING).date()
        begins = datetime.combine(day, datetime.min.time(), BEIJING) + timedelta(hours=22)
        announced = begins - timedelta(days=3, hours=rng.randint(0, 8))
        with time_machine.travel(announced, tick=False):
            window = announce_window(
                actor=people.operator, contract=contract,
                system=None if platform_wide else rng.choice(systems), title=title,
                description=description, starts_at=begins,
                ends_at=begins + timedelta(hours=hours))
        with time_machine.travel(announced + timedelta(hours=20), tick=False):
            decide_window(window, actor=people.approver, approve=approved,
                          note="" if approved else REJECTION_NOTE)
