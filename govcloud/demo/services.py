"""Deterministic demo data on a loaded contract: vendors, departments, one login per role
and a fleet of hosts with a history of change requests (govcloud.demo.fleet).

The people, phone numbers and the vendor companies are invented; the agency, its IT
department and the provider come from the contract file. A contract that has hosts
already is in use: the demo then adds its logins and nothing else, so running it twice
changes nothing.
"""

from __future__ import annotations

from base64 import b32encode
from dataclasses import dataclass, replace
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from govcloud.accounts.services import save_account
from govcloud.contract.choices import OrganizationKind
from govcloud.contract.contract_file import bundled_contract_path
from govcloud.contract.models import Contract, Organization
from govcloud.contract.services import load_contract
from govcloud.demo.fleet import (
    FleetSummary,
    build_fleet,
    dress_systems,
    fleet_summary,
    has_fleet,
    history_window,
)
from govcloud.demo.history import DemoPeople
from govcloud.demo.telemetry import build_telemetry
from govcloud.inventory.choices import REQUESTER_ROLES
from govcloud.lib.roles import SECOND_FACTOR_ROLES, Role

DEMO_PASSWORD = "Govcloud-Demo-2025"
DEMO_VENDORS = ("京华数科信息技术有限公司", "博远软件股份有限公司", "中和智联系统集成有限公司")
#: Business departments of an agency, after its own IT department; the suffix (处, 科)
#: follows the one the contract gives the purchaser's department.
DEMO_DEPARTMENTS = ("办公室", "政策法规{unit}", "规划发展{unit}", "财务{unit}", "综合业务{unit}")
#: The index of the department whose systems the demo's purchaser staff works on.
STAFF_DEPARTMENT = 1


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    display_name: str
    note: str = ""
    totp_secret: str = ""


@dataclass(frozen=True)
class DemoBuild:
    """What the demo built: its contract, the logins to print and the fleet now."""

    contract: Contract
    logins: list[DemoLogin]
    fleet: FleetSummary


@transaction.atomic
def build_demo(contract_file: Path | str | None = None) -> DemoBuild:
    """Load the contract (the bundled one by default) and give it vendors, logins and a
    fleet with its history of changes; idempotent."""
    contract = load_contract(contract_file or bundled_contract_path()).contract
    version = contract.current_version
    vendors = [
        Organization.objects.get_or_create(name=name, defaults={"kind": OrganizationKind.VENDOR})[0]
        for name in DEMO_VENDORS
    ]
    systems = list(contract.systems.order_by("contract_row"))
    fresh = not has_fleet(contract)
    if fresh:
        _assign_systems(version, systems, vendors)
        dress_systems(contract, systems)
    saved = [_save_login(login, contract) for login in _demo_logins(version, vendors, systems)]
    if fresh:
        users = [user for _login, user in saved]
        people = DemoPeople(
            approver=next(u for u in users if u.role == Role.PURCHASER_ADMIN),
            operator=next(u for u in users if u.role == Role.PROVIDER_OPERATOR),
            requesters=[u for u in users if u.role in REQUESTER_ROLES])
        build_fleet(contract, people)
        now = timezone.now()
        build_telemetry(contract, people, history_window(version, now), now)
        refresh_statistics()
    return DemoBuild(contract, [login for login, _user in saved], fleet_summary(contract))


def refresh_statistics() -> None:
    """Let the database's planner learn the tables the demo filled (ANALYZE, as
    autovacuum would do a while later): until then PostgreSQL plans the ledger and the
    lists for the empty tables it last saw, several times slower."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _assign_systems(version, systems, vendors) -> None:
    """Give each system a vendor and an owner department, in turn."""
    departments = demo_departments(version)
    for index, system in enumerate(systems):
        system.vendor = vendors[index % len(vendors)]
        system.owner_department = departments[index % len(departments)]
        system.save(update_fields=["vendor", "owner_department"])


def demo_departments(version) -> list[str]:
    """Return the purchaser's IT department (from the contract) and business departments."""
    own = version.parties["purchaser"].get("department", "")
    unit = own[-1] if own[-1:] in ("处", "科") else "处"
    names = [name.format(unit=unit) for name in DEMO_DEPARTMENTS]
    return [own, *[name for name in names if name != own]] if own else names


@dataclass(frozen=True)
class _Login:
    """A demo login with its scope: contract-wide when ``systems`` is None."""

    login: DemoLogin
    organization: Organization | None
    contract_scoped: bool
    systems: list | None = None


def _demo_logins(version, vendors, systems) -> list[_Login]:
    vendor_a, vendor_b = vendors[0], vendors[1]
    department = demo_departments(version)[STAFF_DEPARTMENT]
    return [
        _Login(DemoLogin("purchaser-admin", Role.PURCHASER_ADMIN, "林晓雯"),
               version.purchaser, True),
        _Login(DemoLogin("purchaser-staff", Role.PURCHASER_STAFF, "王振宇", department),
               version.purchaser, True, [s for s in systems if s.owner_department == department]),
        _Login(DemoLogin("vendor-a", Role.APP_VENDOR, "赵立新", vendor_a.name),
               vendor_a, True, [s for s in systems if s.vendor == vendor_a]),
        _Login(DemoLogin("vendor-b", Role.APP_VENDOR, "钱雅琴", vendor_b.name),
               vendor_b, True, [s for s in systems if s.vendor == vendor_b]),
        _Login(DemoLogin("provider-operator", Role.PROVIDER_OPERATOR, "孙浩然"),
               version.provider, True),
        _Login(DemoLogin("provider-manager", Role.PROVIDER_MANAGER, "周启明"),
               version.provider, True),
        _Login(DemoLogin("supervisor", Role.SUPERVISOR, "吴佳怡"), version.supervisor, True),
        _Login(DemoLogin("system-admin", Role.SYSTEM_ADMIN, "郑国栋"), None, False),
        _Login(DemoLogin("security-admin", Role.SECURITY_ADMIN, "冯晓东"), None, False),
        _Login(DemoLogin("audit-admin", Role.AUDIT_ADMIN, "陈思远"), None, False),
    ]


def _save_login(entry: _Login, contract):
    """Save the account; return the login to print and the user.

    The requesters get an authenticator too: it confirms restarts and stops (C-17).
    """
    login = entry.login
    user = save_account(
        login.username, login.role, password=DEMO_PASSWORD, password_is_initial=False,
        display_name=login.display_name,
        organization=entry.organization,
        contracts=[contract] if entry.contract_scoped else [],
        systems=entry.systems or [],
    )
    if login.role in SECOND_FACTOR_ROLES | REQUESTER_ROLES:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
        login = replace(login, totp_secret=b32encode(device.bin_key).decode())
    return login, user
