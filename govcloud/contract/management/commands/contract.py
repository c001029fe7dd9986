"""``govcloud contract load|check|list|show``: contract files in and out."""

from __future__ import annotations

from argparse import ArgumentParser
from functools import partial
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from govcloud.contract.contract_file import ContractFileError, read_contract_file
from govcloud.contract.models import Contract
from govcloud.contract.presenters import finding_text, version_as_text
from govcloud.contract.services import load_contract
from govcloud.lib.integrity import IntegrityMismatch
from govcloud.lib.money import format_yuan


class Command(BaseCommand):
    help = "Load, check, list and show service contracts."
    leave_locale_alone = True

    def add_arguments(self, parser: ArgumentParser) -> None:
        common = ArgumentParser(add_help=False)
        common.add_argument("--language", choices=["zh-hans", "en"], help="default: zh-hans")
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        add = partial(actions.add_parser, parents=[common])
        add("load", help="check a contract file and store it").add_argument("file")
        add("check", help="check a contract file without storing it").add_argument("file")
        add("list", help="list the stored contracts")
        show = add("show", help="print a contract (the only one if none is named)")
        show.add_argument("contract", nargs="?", help="the contract's id or code")
        show.add_argument("--contract-version", type=int, help="an older version's number")

    def handle(self, *args: Any, action: str, language: str | None = None,
               **options: Any) -> None:
        with translation.override(language or translation.get_language() or "zh-hans"):
            getattr(self, f"handle_{action}")(**options)

    def handle_load(self, file: str, **options: Any) -> None:
        try:
            result = load_contract(file)
        except ContractFileError as error:
            raise CommandError(str(error)) from None
        version = result.version
        self.stdout.write(f"{result.outcome}: {result.contract.code} v{version.number} "
                          f"(id {result.contract.pk}) — {version.title}")
        for finding in result.findings:
            self.stdout.write(f"  ! {finding_text(finding)}")

    def handle_check(self, file: str, **options: Any) -> None:
        try:
            document = read_contract_file(file)
        except ContractFileError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"ok: {document.code}")
        for finding in document.findings:
            self.stdout.write(f"  ! {finding_text(finding)}")

    def handle_list(self, **options: Any) -> None:
        for contract in Contract.objects.all():
            version = contract.current_version
            if version is None:  # stored contracts always have one (services.store_contract)
                continue
            self.stdout.write(
                f"{contract.pk:>4}  {contract.code:<24} v{version.number}  "
                f"{version.term_start} – {version.term_end}  "
                f"{format_yuan(version.total_including_tax):>16}  {version.title}\n"
            )

    def handle_show(self, contract: str | None = None, contract_version: int | None = None,
                    **options: Any) -> None:
        version = contract_version
        chosen = self._find_contract(contract)
        versions = chosen.versions.all()
        shown = versions.filter(number=version).first() if version else chosen.current_version
        if shown is None:
            raise CommandError(f"contract {chosen.code} has no version {version}")
        try:
            shown.check_integrity()
        except IntegrityMismatch as error:
            raise CommandError(str(error)) from None
        self.stdout.write(version_as_text(shown, timezone.localdate()))

    def _find_contract(self, reference: str | None) -> Contract:
        if reference is None:
            contracts = list(Contract.objects.all()[:2])
            if len(contracts) != 1:
                raise CommandError("name a contract by id or code (see: govcloud contract list)")
            return contracts[0]
        found = Contract.objects.filter(code=reference).first()
        if found is None and reference.isdigit():
            found = Contract.objects.filter(pk=int(reference)).first()
        if found is None:
            raise CommandError(f"no contract with id or code {reference!r}")
        return found
