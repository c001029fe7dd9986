"""``govcloud inventory summary``: contracted, allocated and headroom per catalog item;
``import`` and ``export``: systems and hosts from and to XLSX or CSV (issue #5)."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from datetime import datetime
from functools import partial
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from govcloud.contract.models import Contract
from govcloud.inventory import spreadsheets
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
        self.add_spreadsheet_arguments(partial(actions.add_parser, parents=[common]))

    @staticmethod
    def add_spreadsheet_arguments(add_parser) -> None:
        imported = add_parser("import", help="systems and hosts from XLSX or CSV, all or none")
        imported.add_argument("file", metavar="FILE", help="an .xlsx or .csv file")
        imported.add_argument("--contract", metavar="CODE", help="the contract's code")
        imported.add_argument("--kind", choices=spreadsheets.KINDS,
                              help="the table a CSV file holds (default: told by its headings)")
        imported.add_argument("--dry-run", action="store_true",
                              help="check the file, store nothing")
        exported = add_parser("export", help="systems, hosts, allocation and ledger to XLSX")
        exported.add_argument("--contract", metavar="CODE", help="the contract's code")
        exported.add_argument("--output", metavar="FILE", required=True,
                              help="the .xlsx file to write")

    def handle(self, *args, action, language=None, **options):
        run = {"summary": self.summary, "import": self.import_file,
               "export": self.export_file}[action]
        with translation.override(language or translation.get_language() or "zh-hans"):
            run(**options)

    def import_file(self, *, file, contract=None, kind=None, dry_run=False, **options):
        """Import a file with no signed-in actor (the audit log says "via command")."""
        chosen, path = self.find_contract(contract), Path(file)
        try:
            with path.open("rb") as handle:
                data = spreadsheets.read_limited(handle)
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        try:
            result = spreadsheets.import_inventory(chosen, data, file_name=path.name,
                                                   actor=None, kind=kind, dry_run=dry_run)
        except spreadsheets.ImportRefused as refusal:
            for problem in refusal.problems:
                self.stdout.write(str(problem))
            raise CommandError(f"{path.name}: {len(refusal.problems)} problem(s); nothing "
                               "was stored") from None
        counts = ", ".join(f"{name.replace('_', ' ')}: {value}"
                           for name, value in result.counts().items())
        verdict = "no problem, nothing stored (dry run)" if dry_run else "imported"
        self.stdout.write(f"{path.name} into {chosen.code}: {verdict}; {counts}")

    def export_file(self, *, output, contract=None, **options):
        chosen = self.find_contract(contract)
        workbook = spreadsheets.export_workbook(chosen, actor=None)
        try:
            Path(output).write_bytes(workbook)
        except OSError as error:
            raise CommandError(f"cannot write {output}: {error.strerror}") from None
        self.stdout.write(f"{chosen.code}: wrote {output} ({len(workbook):,} bytes)")

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

