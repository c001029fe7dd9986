"""Deterministic demo data on a loaded contract: vendors, departments and one login per role.

The people, phone numbers and the vendor companies are invented; the agency and provider
come from the contract file.
"""

from __future__ import annotations

from base64 import b32encode
from dataclasses import dataclass, replace
from pathlib import Path

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from govcloud.accounts.choices import SECOND_FACTOR_ROLES, Role
from govcloud.accounts.services import save_account
from govcloud.contract.choices import OrganizationKind
from govcloud.contract.contract_file import bundled_contract_path
from govcloud.contract.models import Organization
from govcloud.contract.services import load_contract

DEMO_PASSWORD = "Govcloud-Demo-2025"
DEMO_VENDORS = ("京华数科信息技术有限公司", "博远软件股份有限公司", "中和智联系统集成有限公司")
DEMO_DEPARTMENTS = ("信息化处", "产权管理处", "财务监督处", "综合处", "企业领导人员管理处")


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    display_name: str
    note: str = ""
    totp_secret: str = ""


@transaction.atomic
def build_demo(contract_file: Path | str | None = None) -> list[DemoLogin]:
    """Load the contract (the bundled one by default) and give it vendors and logins; idempotent."""
    result = load_contract(contract_file or bundled_contract_path())
    contract = result.contract
    version = contract.current_version
    vendors = [
        Organization.objects.get_or_create(name=name, defaults={"kind": OrganizationKind.VENDOR})[0]
        for name in DEMO_VENDORS
    ]
    systems = list(contract.systems.order_by("contract_row"))
    for index, system in enumerate(systems):
        system.vendor = vendors[index % len(vendors)]
        system.owner_department = DEMO_DEPARTMENTS[index % len(DEMO_DEPARTMENTS)]
        system.save(update_fields=["vendor", "owner_department"])
    return [_save_login(login, contract) for login in _demo_logins(version, vendors, systems)]


@dataclass(frozen=True)
class _Login:
    """A demo login with its scope: contract-wide when ``systems`` is None."""

    login: DemoLogin
    organization: Organization | None
    contract_scoped: bool
    systems: list | None = None


def _demo_logins(version, vendors, systems) -> list[_Login]:
    vendor_a, vendor_b = vendors[0], vendors[1]
    department = DEMO_DEPARTMENTS[1]
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


def _save_login(entry: _Login, contract) -> DemoLogin:
    login = entry.login
    user = save_account(
        login.username, login.role, password=DEMO_PASSWORD, password_is_initial=False,
        display_name=login.display_name,
        organization=entry.organization,
        contracts=[contract] if entry.contract_scoped else [],
        systems=entry.systems or [],
    )
    if login.role in SECOND_FACTOR_ROLES:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
        return replace(login, totp_secret=b32encode(device.bin_key).decode())
    return login
