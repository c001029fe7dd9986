"""``govcloud demo``: demo data on the bundled (or a given) contract: the demo logins and a
fleet of hosts with a history of change requests over the contract term.

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
from govcloud.lib.roles import SECOND_FACTOR_ROLES


class Command(BaseCommand):
    help = ("Load the demo contract, create one demo login per role and a fleet of hosts with "
            "its history of changes (safe to run again).")

    def add_arguments(self, parser):
        parser.add_argument("--contract", help="a contract file instead of the bundled example")
        parser.add_argument("--code", metavar="USERNAME",
                            help="print the current second-factor code of a demo login")

    def handle(self, *args, contract=None, code=None, **options):
        if code:
            self.stdout.write(self.current_code(code))
            return
        try:
            build = build_demo(contract)
        except ContractFileError as error:
            raise CommandError(str(error)) from None
        heading = _("Demo logins (the password of each: %(password)s):")
        self.stdout.write(heading % {"password": DEMO_PASSWORD})
        for login in build.logins:
            note = f"  — {login.note}" if login.note else ""
            self.stdout.write(f"  {login.username:<18} {login.role.label}{note}")
            if login.totp_secret:
                self.stdout.write("  " + " " * 18 + " " + self.key_line(login))
        self.stdout.write(_("Without an authenticator app: govcloud demo --code USERNAME "
                            "prints the current code."))
        fleet = build.fleet
        self.stdout.write(_(
            "Demo fleet: %(running)s cloud hosts running in %(systems)s of %(all)s systems; "
            "%(requests)s change requests, %(open)s of them open."
        ) % {"running": fleet.running_hosts, "systems": fleet.systems_with_hosts,
             "all": fleet.systems, "requests": fleet.requests, "open": fleet.open_requests})

    @staticmethod
    def key_line(login) -> str:
        if login.role in SECOND_FACTOR_ROLES:
            return _("second factor (TOTP) key: %(key)s") % {"key": login.totp_secret}
        # C-17: requesters confirm restarts, stops and starts with their second factor.
        return _("TOTP key to confirm restarts and stops: %(key)s") % {"key": login.totp_secret}

    @staticmethod
    def current_code(username: str) -> str:
        user = User.objects.filter(username=username).first()
        if user is None or not user.check_password(DEMO_PASSWORD):
            raise CommandError(f"{username!r} is not a demo login with the demo password")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username!r} signs in without a second factor")
        return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
