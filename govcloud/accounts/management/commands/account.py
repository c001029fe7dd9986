"""``govcloud account``: account administration from the command line, acting as a named
administrator so that the same separation of duties applies as on the pages."""

from __future__ import annotations

from argparse import ArgumentParser
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from govcloud.accounts import services
from govcloud.accounts.models import User
from govcloud.contract.models import Contract
from govcloud.inventory.models import ApplicationSystem


class Command(BaseCommand):
    help = "Create accounts, assign roles, disable, enable and reset passwords."

    def add_arguments(self, parser):
        common = ArgumentParser(add_help=False)
        common.add_argument("--as", dest="actor", required=True, metavar="ADMIN",
                            help="the administrator acting (their role decides what is allowed)")
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        add = partial(actions.add_parser, parents=[common])
        create = add("create", help="create an account (system administrator)")
        create.add_argument("username")
        create.add_argument("--role", default="")
        create.add_argument("--display-name", default="")
        create.add_argument("--contract", action="append", default=[], metavar="CODE")
        create.add_argument("--system", action="append", default=[], type=int, metavar="ID")
        role = add("set-role", help="assign a role (security administrator)")
        role.add_argument("username")
        role.add_argument("role")
        for name in ("disable", "enable", "reset-password"):
            add(name, help=f"{name} an account (system administrator)").add_argument("username")

    def handle(self, *args, action, actor, **options):
        acting = self._user(actor)
        try:
            if action == "create":
                self._create(acting, **options)
            elif action == "set-role":
                services.assign_role(acting, self._user(options["username"]), options["role"])
                self.stdout.write(f"{options['username']}: role {options['role']}")
            elif action in ("disable", "enable"):
                services.set_account_active(acting, self._user(options["username"]),
                                            action == "enable")
                self.stdout.write(f"{options['username']}: {action}d")
            else:
                password = services.reset_password(acting, self._user(options["username"]))
                self.stdout.write(f"{options['username']}: initial password {password}")
        except (PermissionDenied, ValidationError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None

    def _create(self, acting, *, username, role, display_name, contract, system, **options):
        contracts = list(Contract.objects.filter(code__in=contract))
        missing = set(contract) - {c.code for c in contracts}
        if missing:
            raise CommandError(f"no contract with code {', '.join(sorted(missing))}")
        systems = list(ApplicationSystem.objects.filter(pk__in=system))
        if len(systems) != len(set(system)):
            raise CommandError("some system ids do not exist")
        user, password = services.create_account(
            acting, username=username, role=role, display_name=display_name,
            contracts=contracts, systems=systems)
        self.stdout.write(f"{user.username}: created, initial password {password}")

    @staticmethod
    def _user(username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no account {username!r}")
        return user
