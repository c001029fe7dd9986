"""``govcloud demo``: demo data on the bundled (or a given) contract, and the demo logins."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from govcloud.contract.contract_file import ContractFileError
from govcloud.demo.services import DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = "Load the demo contract and create one demo login per role (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--contract", help="a contract file instead of the bundled example")

    def handle(self, *args, contract=None, **options):
        try:
            logins = build_demo(contract)
        except ContractFileError as error:
            raise CommandError(str(error)) from None
        heading = _("Demo logins (the password of each: %(password)s):")
        self.stdout.write(heading % {"password": DEMO_PASSWORD})
        for login in logins:
            note = f"  — {login.note}" if login.note else ""
            self.stdout.write(f"  {login.username:<18} {login.role.label}{note}")
