"""The cast of the tests: two contracts of two agencies and a person for every role.

Everyone but ``outsider`` works on contract A; ``outsider`` is the purchaser admin of
contract B. On contract A, vendor A builds system A1 and vendor B system A2; purchaser
staff own A1. Tests that ask "can X see Y" use these names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from govcloud.access.testing import add_access_objects
from govcloud.accounts.models import User
from govcloud.accounts.services import save_account
from govcloud.contract.choices import OrganizationKind
from govcloud.contract.contract_file import bundled_contract_path
from govcloud.contract.models import Contract, Organization
from govcloud.contract.services import load_contract
from govcloud.inventory.choices import REQUESTER_ROLES, HostStatus
from govcloud.inventory.ledger import register_host
from govcloud.inventory.models import ApplicationSystem, CloudHost
from govcloud.inventory.testing import add_change_requests
from govcloud.lib.roles import SECOND_FACTOR_ROLES, Role
from govcloud.telemetry.testing_maintenance import add_maintenance_windows
from govcloud.telemetry.testing_sources import add_telemetry_sources

CONTRACT_TESTS = Path(__file__).resolve().parent.parent / "contract" / "tests"
OTHER_CONTRACT_PATH = CONTRACT_TESTS / "fixtures" / "other-agency-2026.yaml"
PASSWORD = "Cast-Password-2025"


@dataclass
class Cast:
    contract_a: Contract
    contract_b: Contract
    system_a1: ApplicationSystem
    system_a2: ApplicationSystem
    system_b1: ApplicationSystem
    host_a1: CloudHost
    host_a2: CloudHost
    host_b1: CloudHost
    purchaser_admin: User
    purchaser_staff: User
    vendor_a: User
    vendor_b: User
    provider_operator: User
    provider_manager: User
    supervisor: User
    system_admin: User
    security_admin: User
    audit_admin: User
    outsider: User

    def people(self) -> dict[str, User]:
        """Return every person of contract A's side by name."""
        return {name: value for name, value in vars(self).items() if isinstance(value, User)}


def _host(system: ApplicationSystem, name: str) -> CloudHost:
    """Register a small host through the ledger, with storage and a service its contract rents."""
    rented = set(system.contract.current_version.catalogitems.values_list("meter", flat=True))
    storage = ("standard_storage_gb" if "standard_storage_gb" in rented
               else "performance_storage_gb")
    return register_host(
        system, name=name, vcpu=4, memory_gb=8, **{storage: 100},
        services=sorted(rented & {"host_monitoring"}), operating_system="麒麟 V10",
        ip_addresses=["10.0.0.1"], status=HostStatus.RUNNING, reason="cast",
    )


def build_cast() -> Cast:
    contract_a = load_contract(bundled_contract_path()).contract
    contract_b = load_contract(OTHER_CONTRACT_PATH).contract
    company_a = Organization.objects.create(name="甲软件有限公司", kind=OrganizationKind.VENDOR)
    company_b = Organization.objects.create(name="乙软件有限公司", kind=OrganizationKind.VENDOR)
    system_a1, system_a2 = contract_a.systems.order_by("contract_row")[:2]
    system_b1 = contract_b.systems.order_by("contract_row").first()
    for system, vendor in ((system_a1, company_a), (system_a2, company_b)):
        system.vendor = vendor
        system.save(update_fields=["vendor"])
    version_a = contract_a.current_version

    def person(username, role, organization=None, contracts=(contract_a,), systems=()):
        user = save_account(username, role, password=PASSWORD, password_is_initial=False,
                            organization=organization, contracts=contracts, systems=systems)
        if role in SECOND_FACTOR_ROLES or role in REQUESTER_ROLES:  # requesters: for C-17
            TOTPDevice.objects.create(user=user, name="cast", confirmed=True)
        return user

    cast = Cast(
        contract_a=contract_a, contract_b=contract_b,
        system_a1=system_a1, system_a2=system_a2, system_b1=system_b1,
        host_a1=_host(system_a1, "a1-web-01"), host_a2=_host(system_a2, "a2-db-01"),
        host_b1=_host(system_b1, "b1-app-01"),
        purchaser_admin=person("purchaser-admin", Role.PURCHASER_ADMIN, version_a.purchaser),
        purchaser_staff=person("purchaser-staff", Role.PURCHASER_STAFF, version_a.purchaser,
                               systems=[system_a1]),
        vendor_a=person("vendor-a", Role.APP_VENDOR, company_a, systems=[system_a1]),
        vendor_b=person("vendor-b", Role.APP_VENDOR, company_b, systems=[system_a2]),
        provider_operator=person("provider-operator", Role.PROVIDER_OPERATOR, version_a.provider),
        provider_manager=person("provider-manager", Role.PROVIDER_MANAGER, version_a.provider),
        supervisor=person("supervisor", Role.SUPERVISOR, version_a.supervisor),
        system_admin=person("system-admin", Role.SYSTEM_ADMIN, contracts=()),
        security_admin=person("security-admin", Role.SECURITY_ADMIN, contracts=()),
        audit_admin=person("audit-admin", Role.AUDIT_ADMIN, contracts=()),
        outsider=person("outsider", Role.PURCHASER_ADMIN, contract_b.current_version.purchaser,
                        contracts=(contract_b,)),
    )
    add_access_objects(cast)
    add_change_requests(cast)
    add_telemetry_sources(cast)
    add_maintenance_windows(cast)
    return cast


def current_code(user: User) -> str:
    """Return the six digits the person's authenticator app would show now."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
