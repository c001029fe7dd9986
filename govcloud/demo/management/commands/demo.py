"""``govcloud demo``: demo data on the bundled (or a given) contract, and the demo logins.

``govcloud demo --code USERNAME`` prints the current second-factor code of a demo login,
for a newcomer without an authenticator app; it refuses any account that does not still
have the demo password.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from govcloud.accounts.models import User
from govcloud.contract.contract_file import ContractFileError
from govcloud.demo.services import DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = "Load the demo contract and create one demo login per role (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--contract", help="a contract file instead of the bundled example")
        parser.add_argument("--code", metavar="USERNAME",
                            help="print the current second-factor code of a demo login")

    def handle(self, *args, contract=None, code=None, **options):
        if code:
            self.stdout.write(self.current_code(code))
            return
        try:
            logins = build_demo(contract)
        except ContractFileError as error:
            raise CommandError(str(error)) from None
        heading = _("Demo logins (the password of each: %(password)s):")
        self.stdout.write(heading % {"password": DEMO_PASSWORD})
        for login in logins:
            note = f"  — {login.note}" if login.note else ""
            self.stdout.write(f"  {login.username:<18} {login.role.label}{note}")
            if login.totp_secret:
                self.stdout.write("  " + " " * 18 + " " + _("second factor (TOTP) key: %(key)s")
                                  % {"key": login.totp_secret})
        self.stdout.write(_("Without an authenticator app: govcloud demo --code USERNAME "
                            "prints the current code."))

    @staticmethod
    def current_code(username: str) -> str:
        user = User.objects.filter(username=username).first()
        if user is None or not user.check_password(DEMO_PASSWORD):
            raise CommandError(f"{username!r} is not a demo login with the demo password")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username!r} signs in without a second factor")
        return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
