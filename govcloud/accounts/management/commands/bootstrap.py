"""``govcloud bootstrap``: create the three separate administrators of a new installation.

There is no superuser: the installation starts with a system, a security and an audit
administrator (三权分立), each with an initial password to change and a second factor to
enrol at the first sign-in. Once any administrator exists, bootstrap refuses to run.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from govcloud.accounts.models import User
from govcloud.accounts.services import generate_initial_password, save_account
from govcloud.audit.services import record_event
from govcloud.lib.roles import PLATFORM_ADMIN_ROLES, Role


class Command(BaseCommand):
    help = "Create the system, security and audit administrators of a new installation."

    def add_arguments(self, parser):
        parser.add_argument("--system-admin", default="system-admin", metavar="USERNAME")
        parser.add_argument("--security-admin", default="security-admin", metavar="USERNAME")
        parser.add_argument("--audit-admin", default="audit-admin", metavar="USERNAME")

    @transaction.atomic
    def handle(self, *args, system_admin, security_admin, audit_admin, **options):
        if User.objects.filter(role__in=PLATFORM_ADMIN_ROLES).exists():
            raise CommandError("the administrators exist already; bootstrap runs once")
        names = {Role.SYSTEM_ADMIN: system_admin, Role.SECURITY_ADMIN: security_admin,
                 Role.AUDIT_ADMIN: audit_admin}
        if len(set(names.values())) != 3:
            raise CommandError("the three administrators need three different user names")
        taken = User.objects.filter(username__in=names.values()).values_list("username", flat=True)
        if taken:
            raise CommandError(f"user names taken: {', '.join(taken)}")
        for role, username in names.items():
            password = generate_initial_password()
            user = save_account(username, role, password=password)
            record_event("account.bootstrap", target=user, details={"role": role})
            self.stdout.write(f"{role.label:<24} {username:<20} {password}")
        self.stdout.write("Each changes the password and enrols a second factor at first sign-in.")
