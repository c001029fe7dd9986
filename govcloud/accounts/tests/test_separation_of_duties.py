"""三权分立: accounts, roles and the audit log are three people's duties, never one's."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from govcloud.accounts.models import User
from govcloud.accounts.services import assign_role, create_account
from govcloud.lib.roles import Role


def test_the_system_admin_creates_an_account_with_an_initial_password(cast):
    user, password = create_account(cast.system_admin, username="new-staff",
                                    role=Role.PURCHASER_STAFF, contracts=[cast.contract_a],
                                    systems=[cast.system_a1])
    assert user.check_password(password) and user.must_change_password


def test_the_system_admin_cannot_create_an_administrator(cast):
    with pytest.raises(PermissionDenied, match="security administrator"):
        create_account(cast.system_admin, username="shadow", role=Role.AUDIT_ADMIN)


@pytest.mark.parametrize("actor", ["security_admin", "audit_admin", "purchaser_admin"])
def test_nobody_but_the_system_admin_creates_accounts(cast, actor):
    with pytest.raises(PermissionDenied):
        create_account(getattr(cast, actor), username="someone")


def test_only_the_security_admin_assigns_roles(cast):
    with pytest.raises(PermissionDenied):
        assign_role(cast.system_admin, cast.vendor_a, Role.PURCHASER_STAFF)
    assign_role(cast.security_admin, cast.vendor_a, Role.PURCHASER_STAFF)
    assert User.objects.get(pk=cast.vendor_a.pk).role == Role.PURCHASER_STAFF


def test_nobody_assigns_their_own_role(cast):
    with pytest.raises(PermissionDenied, match="own role"):
        assign_role(cast.security_admin, cast.security_admin, Role.AUDIT_ADMIN)


def test_an_administrator_never_takes_a_second_administrator_duty(cast):
    with pytest.raises(ValidationError, match="separate account"):
        assign_role(cast.security_admin, cast.system_admin, Role.AUDIT_ADMIN)


def test_an_administrator_role_cannot_be_given_to_someone_with_a_contract(cast):
    with pytest.raises(ValidationError, match="not scoped to contracts"):
        assign_role(cast.security_admin, cast.purchaser_admin, Role.AUDIT_ADMIN)


def test_roles_are_assigned_through_the_api_by_the_security_admin_only(cast, client_for):
    url = f"/api/accounts/{cast.vendor_a.pk}/set-role/"
    refused = client_for(cast.system_admin).post(url, {"role": "purchaser_staff"})
    assert refused.status_code == 403
    second_duty = client_for(cast.security_admin).post(
        f"/api/accounts/{cast.system_admin.pk}/set-role/", {"role": "audit_admin"})
    assert second_duty.status_code == 400 and "separate account" in str(second_duty.json())
    done = client_for(cast.security_admin).post(url, {"role": "purchaser_staff"})
    assert done.status_code == 200 and done.json()["role"] == "purchaser_staff"


def test_roles_are_assigned_through_the_page_by_the_security_admin_only(cast, client_for):
    client_for(cast.system_admin).post(f"/accounts/{cast.vendor_a.pk}/role/",
                                       {"role": "purchaser_staff"})
    assert User.objects.get(pk=cast.vendor_a.pk).role == Role.APP_VENDOR
    client = client_for(cast.security_admin)
    client.post(f"/accounts/{cast.system_admin.pk}/role/", {"role": "audit_admin"})
    assert User.objects.get(pk=cast.system_admin.pk).role == Role.SYSTEM_ADMIN
    client.post(f"/accounts/{cast.vendor_a.pk}/role/", {"role": "purchaser_staff"})
    assert User.objects.get(pk=cast.vendor_a.pk).role == Role.PURCHASER_STAFF


def test_roles_are_assigned_through_the_command_by_the_security_admin_only(cast, capsys):
    with pytest.raises(CommandError, match="only the"):
        call_command("account", "set-role", "vendor-a", "purchaser_staff", "--as", "system-admin")
    with pytest.raises(CommandError, match="separate account"):
        call_command("account", "set-role", "system-admin", "audit_admin",
                     "--as", "security-admin")
    call_command("account", "set-role", "vendor-a", "purchaser_staff", "--as", "security-admin")
    assert User.objects.get(pk=cast.vendor_a.pk).role == Role.PURCHASER_STAFF


def test_the_account_pages_are_for_the_two_account_administrators_only(cast, client_for):
    for person in (cast.purchaser_admin, cast.audit_admin, cast.vendor_a):
        assert client_for(person).get("/accounts/").status_code == 404
    assert client_for(cast.system_admin).get("/accounts/").status_code == 200
    assert client_for(cast.security_admin).get("/accounts/").status_code == 200


def test_the_system_admin_disables_an_account_and_it_cannot_sign_in(cast, client):
    call_command("account", "disable", "vendor-a", "--as", "system-admin")
    response = client.post("/login/", {"username": "vendor-a", "password": "Cast-Password-2025"})
    assert response.status_code == 200


def test_a_reset_password_must_be_changed_at_the_next_sign_in(cast, client_for):
    url = f"/api/accounts/{cast.vendor_a.pk}/reset-password/"
    response = client_for(cast.system_admin).post(url)
    password = response.json()["initial_password"]
    user = User.objects.get(pk=cast.vendor_a.pk)
    assert user.check_password(password) and user.must_change_password


def test_there_is_no_superuser_command(db):
    with pytest.raises(CommandError, match="bootstrap"):
        call_command("createsuperuser")


def test_bootstrap_creates_the_three_administrators_once(db, capsys):
    call_command("bootstrap")
    printed = capsys.readouterr().out
    admins = User.objects.filter(role__in=[Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN,
                                           Role.AUDIT_ADMIN])
    assert admins.count() == 3
    assert all(admin.must_change_password and not admin.is_superuser for admin in admins)
    assert "system-admin" in printed and "audit-admin" in printed
    with pytest.raises(CommandError, match="runs once"):
        call_command("bootstrap")


def test_the_security_policy_is_the_security_admins_alone(cast, client_for):
    assert client_for(cast.system_admin).get("/api/security-policy/").status_code == 403
    assert client_for(cast.system_admin).get("/security/policy/").status_code == 404
    client = client_for(cast.security_admin)
    changed = client.patch("/api/security-policy/", {"password_min_length": 14},
                           content_type="application/json")
    assert changed.status_code == 200 and changed.json()["password_min_length"] == 14
    too_low = client.patch("/api/security-policy/", {"lockout_minutes": 0},
                           content_type="application/json")
    assert too_low.status_code == 400 and "lockout_minutes" in too_low.json()
