"""``govcloud inventory summary``: contracted, allocated and headroom per catalog item."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from datetime import datetime
from functools import partial

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from govcloud.contract.models import Contract
from govcloud.inventory.ledger import contract_allocation, running_hosts


def parse_moment(text: str) -> datetime:
    """Read an ISO 8601 moment; one without a zone is Beijing time."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--at {text!r} is not a date and time such as "
                           "2025-10-01T08:00 or 2025-10-01T08:00+08:00") from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = "Show the allocation of the contract's catalog against the contracted quantities."
    leave_locale_alone = True

    def add_arguments(self, parser):
        common = ArgumentParser(add_help=False)
        common.add_argument("--language", choices=["zh-hans", "en"], help="default: zh-hans")
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        summary = partial(actions.add_parser, parents=[common])(
            "summary", help="contracted, allocated and headroom per catalog item")
        summary.add_argument("--contract", metavar="CODE",
                             help="the contract's code (needed when there are several)")
        summary.add_argument("--at", metavar="TIMESTAMP",
                             help="the allocation at a past moment (ISO 8601)")
        summary.add_argument("--json", dest="as_json", action="store_true", help="print JSON")

    def handle(self, *args, action, language=None, **options):
        with translation.override(language or translation.get_language() or "zh-hans"):
            self.summary(**options)

    def summary(self, *, contract=None, at=None, as_json=False, **options):
        chosen = self.find_contract(contract)
        moment = parse_moment(at) if at else None
        items = contract_allocation(chosen, moment)
        hosts = running_hosts(chosen, moment)
        if as_json:
            self.print_json(items, hosts)
            return
        when = timezone.localtime(moment).isoformat(timespec="minutes") if moment else "now"
        self.stdout.write(f"{chosen.code} — {when} — running hosts: {hosts}")
        for item in items:
            self.stdout.write(f"{item.number:>3}. {item.name[:40]:<40} {item.contracted:>8} "
                              f"{item.allocated:>8} {item.headroom:>8} {item.unit}")

    def print_json(self, items, hosts: int) -> None:
        rows = [{"number": item.number, "name": item.name, "unit": item.unit,
                 "meter": item.meter, "contracted": item.contracted,
                 "allocated": item.allocated, "headroom": item.headroom,
                 "running_hosts": hosts} for item in items]
        self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))

    @staticmethod
    def find_contract(code: str | None) -> Contract:
        if code:
            found = Contract.objects.filter(code=code).first()
            if found is None:
                raise CommandError(f"no contract with the code {code!r}")
            return found
        contracts = list(Contract.objects.all()[:2])
        if len(contracts) != 1:
            raise CommandError("name the contract: --contract CODE (see govcloud contract list)")
        return contracts[0]

