"""``govcloud kpi scorecard --period 2025-10 [--json]``: every KPI of the contract with
value, target and status; ``govcloud kpi usage --period 2025-10``: the monthly usage
evaluation (idle, low and overloaded hosts with rightsizing). ``--as USERNAME`` gives them
as that person sees them: their systems only, and no contract amount for the purchaser's
staff and the vendors (docs/access.md). ``govcloud kpi settle [--contract CODE]``: compute
and keep the figures of every settled period (kpi/settling.py)."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from functools import partial

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from govcloud.accounts.models import User
from govcloud.contract.choices import KpiRule
from govcloud.contract.models import Contract
from govcloud.kpi import presenters
from govcloud.kpi.engine import scorecard
from govcloud.kpi.periods import parse_period
from govcloud.kpi.settling import settle
from govcloud.kpi.usage import evaluate_usage
from govcloud.lib.scoping import systems_in_scope

PERIOD_HELP = "a month 2025-10, a quarter 2025-Q4, a year 2025, term, or 2025-07-29..2025-12-31"


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


def _number(value) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if isinstance(value, float) else str(value)


class Command(BaseCommand):
    help = "The KPI scorecard and the monthly usage evaluation of a contract."
    leave_locale_alone = True

    def add_arguments(self, parser):
        common = ArgumentParser(add_help=False)
        common.add_argument("--language", choices=["zh-hans", "en"], help="default: zh-hans")
        common.add_argument("--contract", metavar="CODE",
                            help="the contract's code (needed when there are several)")
        figures = ArgumentParser(add_help=False, parents=[common])
        figures.add_argument("--period", required=True, help=PERIOD_HELP)
        figures.add_argument("--json", dest="as_json", action="store_true", help="print JSON")
        figures.add_argument("--as", dest="as_user", metavar="USERNAME",
                             help="as this person sees it (their systems only)")
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        add = partial(actions.add_parser, parents=[figures])
        add("scorecard", help="every KPI with value, target and status")
        add("usage", help="idle, low and overloaded hosts with rightsizing recommendations")
        actions.add_parser("settle", parents=[common], help=(
            "compute and keep the figures of every settled month, quarter, year and the "
            "term (of every contract unless --contract names one)"))

    def handle(self, *args, action, language=None, contract=None, period=None, as_json=False,
               as_user=None, **options):
        with translation.override(language or translation.get_language() or "zh-hans"):
            if action == "settle":
                self.settle(contract)
                return
            chosen = find_contract(contract)
            systems = self.systems_of(as_user, chosen) if as_user else None
            try:
                parsed = parse_period(period, chosen)
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from None
            if action == "scorecard":
                self.print_scorecard(chosen, parsed, as_json, systems)
            else:
                self.print_usage(chosen, parsed, as_json, systems)

    def settle(self, code: str | None) -> None:
        contracts = [find_contract(code)] if code else Contract.objects.order_by("pk")
        for contract in contracts:
            done = settle(contract)
            self.stdout.write(f"{contract.code}: the figures of {len(done)} settled periods "
                              "are kept")

    @staticmethod
    def systems_of(username: str, contract):
        """The systems ``username`` sees of the contract (None: all of it)."""
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no account named {username!r}")
        if not presenters.kpi_contracts(user).filter(pk=contract.pk).exists():
            raise CommandError(f"{username} does not read the KPIs of {contract.code}")
        return systems_in_scope(user, contract)

    def print_scorecard(self, contract, period, as_json: bool, systems=None) -> None:
        card = scorecard(contract, period, systems=systems)
        if as_json:
            self.stdout.write(json.dumps(card.as_json(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{contract.code} — {period.first}..{period.last}")
        for row in card.rows:
            self.stdout.write(
                f"{row.number:>12}  {row.name[:30]:<30}  {_number(row.value):>10} "
                f"{row.unit:<4}  {KpiRule(row.rule).label} {_number(row.target):<10}  "
                f"{row.status_label}")

    def print_usage(self, contract, period, as_json: bool, systems=None) -> None:
        evaluation = evaluate_usage(contract, period, systems=systems)
        rows = [{
            "host": item.host.name, "system": item.host.system.label,
            "finding": item.finding, "reason": item.reason,
            "vcpu": item.vcpu, "memory_gb": item.memory_gb,
            "suggested_vcpu": item.suggested_vcpu,
            "suggested_memory_gb": item.suggested_memory_gb,
            "cpu_mean": item.cpu_mean, "cpu_p95": item.cpu_p95,
            "memory_mean": item.memory_mean, "memory_p95": item.memory_p95,
        } for item in evaluation.findings]
        if as_json:
            self.stdout.write(json.dumps({
                "period": str(period), "hosts_evaluated": evaluation.hosts_evaluated,
                "findings": rows,
                "freed": {meter: {"freed": freed, "contracted": contracted}
                          for meter, (freed, contracted) in evaluation.freed.items()},
            }, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{contract.code} — {period.first}..{period.last} — "
                          f"{evaluation.hosts_evaluated} hosts evaluated")
        for row in rows:
            self.stdout.write(
                f"{row['finding']:<10} {row['system'][:24]:<24} {row['host']:<20} "
                f"{row['vcpu']}→{row['suggested_vcpu']} vCPU  "
                f"{row['memory_gb']}→{row['suggested_memory_gb']} GB  {row['reason']}")
        for meter, (freed, contracted) in evaluation.freed.items():
            self.stdout.write(f"freed {meter}: {freed} of {contracted}")
