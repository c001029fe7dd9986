"""Contract rules: loading a contract file, and what a version promises when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from govcloud.audit.services import record_event
from govcloud.contract.choices import OrganizationKind, TermPhase
from govcloud.contract.contract_file import ContractDocument, read_contract_file
from govcloud.contract.deadlines import Deadline, resolve_deadline
from govcloud.contract.models import (
    CatalogItem,
    Contract,
    ContractVersion,
    Kpi,
    Obligation,
    Organization,
    PaymentMilestone,
)
from govcloud.contract.signals import version_stored
from govcloud.lib.integrity import integrity_tag
from govcloud.lib.roles import Actor


@dataclass
class LoadResult:
    """What loading a contract file did: ``outcome`` is created, amended or unchanged."""

    contract: Contract
    version: ContractVersion
    outcome: str
    findings: list[dict] = field(default_factory=list)


def load_contract(path: Path | str, *, actor: Actor | None = None) -> LoadResult:
    """Read a contract file and store it; raise ContractFileError and store nothing if it is bad."""
    document = read_contract_file(path)
    return store_contract(document, source_text=document.text, actor=actor)


@transaction.atomic
def store_contract(document: ContractDocument, *, source_text: str,
                   actor: Actor | None = None) -> LoadResult:
    """Store a checked contract: a new contract, a new version of it, or nothing if unchanged."""
    result = _store_version(document, source_text, actor)
    record_event("contract.load", actor=actor, target=result.contract, details={
        "code": result.contract.code, "version": result.version.number,
        "outcome": result.outcome,
    })
    return result


def _store_version(document: ContractDocument, source_text: str,
                   actor: Actor | None) -> LoadResult:
    contract, _ = Contract.objects.select_for_update().get_or_create(code=document.code)
    current = contract.versions.filter(is_current=True).first()
    if current is not None and current.fingerprint == document.fingerprint:
        return LoadResult(contract, current, "unchanged", document.findings)
    if current is not None:
        current.is_current = False
        current.save(update_fields=["is_current"])
    version = _create_version(contract, document, source_text, actor, current)
    version_stored.send(sender=Contract, contract=contract, version=version,
                        systems=document.data["systems"])
    outcome = "amended" if current is not None else "created"
    return LoadResult(contract, version, outcome, document.findings)


def _organization(party: dict, kind: str) -> Organization:
    organization, created = Organization.objects.get_or_create(
        name=party["name"],
        defaults={"kind": kind, "short_name": party.get("short_name", ""),
                  "address": party.get("address", "")},
    )
    if not created and (party.get("short_name") or party.get("address")):
        organization.short_name = party.get("short_name", organization.short_name)
        organization.address = party.get("address", organization.address)
        organization.save(update_fields=["short_name", "address"])
    return organization


def _create_version(contract: Contract, document: ContractDocument, source_text: str,
                    actor: Actor | None,
                    previous: ContractVersion | None) -> ContractVersion:
    data = document.data
    identity, term, money, parties = data["identity"], data["term"], data["money"], data["parties"]
    amendment = identity.get("amendment") or {}
    transition = term.get("transition") or {}
    supervisor = parties.get("supervisor")
    version = ContractVersion.objects.create(
        contract=contract,
        number=(previous.number + 1) if previous else 1,
        fingerprint=document.fingerprint,
        source_name=Path(document.source).name,
        source_text=source_text,
        document=data,
        findings=document.findings,
        loaded_by=actor,
        amendment_title=amendment.get("title", ""),
        amendment_signed_on=amendment.get("signed_on"),
        title=identity["title"],
        project_name=identity.get("project_name", ""),
        project_number=identity.get("project_number", ""),
        contract_number=identity["contract_number"],
        signed_on=identity["signed_on"],
        purchaser=_organization(parties["purchaser"], OrganizationKind.PURCHASER),
        provider=_organization(parties["provider"], OrganizationKind.PROVIDER),
        supervisor=_organization(supervisor, OrganizationKind.SUPERVISOR) if supervisor else None,
        term_start=term["start"],
        term_end=term["end"],
        transition_start=transition.get("start"),
        transition_until=transition.get("until", ""),
        currency=money.get("currency", "CNY"),
        total_including_tax=Decimal(money["total_including_tax"]),
        total_excluding_tax=Decimal(money["total_excluding_tax"]),
        tax_rate_percent=Decimal(str(money["tax_rate_percent"])),
    )
    version.refresh_from_db()  # dates and decimals as the database returns them
    version.integrity_tag = integrity_tag("contract-version",
                                          f"{contract.pk}/{version.number}",
                                          version.protected_bytes())
    version.save(update_fields=["integrity_tag"])
    _create_parts(version, data)
    return version


def _text_fields(item: dict, *names: str) -> dict:
    return {name: item.get(name, "") for name in names}


def _create_parts(version: ContractVersion, data: dict) -> None:
    CatalogItem.objects.bulk_create(
        CatalogItem(
            version=version, position=index, number=item["number"], category=item["category"],
            meter=item["meter"], quantity=item["quantity"],
            unit_price=Decimal(str(item["unit_price"])) if "unit_price" in item else None,
            **_text_fields(item, "category_name", "name", "name_en", "unit", "unit_en"),
        )
        for index, item in enumerate(data["catalog"])
    )
    Kpi.objects.bulk_create(
        Kpi(
            version=version, position=index, number=str(kpi["number"]), measure=kpi["measure"],
            rule=kpi["rule"],
            target=Decimal(str(kpi["target"])) if "target" in kpi else None,
            target_date=kpi.get("target_date"), obligation_key=kpi.get("obligation", ""),
            **_text_fields(kpi, "name", "name_en", "target_ref", "unit", "unit_en", "per",
                           "description"),
        )
        for index, kpi in enumerate(data["kpis"])
    )
    PaymentMilestone.objects.bulk_create(
        PaymentMilestone(
            version=version, position=index, key=payment["key"],
            percent=Decimal(str(payment["percent"])), amount=Decimal(payment["amount"]),
            due=payment["due"], **_text_fields(payment, "name", "name_en", "condition"),
        )
        for index, payment in enumerate(data["payments"])
    )
    Obligation.objects.bulk_create(
        Obligation(
            version=version, position=index, key=item["key"], kind=item["kind"],
            min_count=item.get("min_count"), per=item.get("per", ""), within=item.get("within"),
            timing=item.get("timing", ""), channels=item.get("channels", []), due=item.get("due"),
            **_text_fields(item, "name", "name_en", "event", "clause", "note"),
        )
        for index, item in enumerate(data.get("obligations", []))
    )


def term_phase(version: ContractVersion, today: date) -> TermPhase:
    """Return where the contract stands on a day: before, in, after its term (Art. 11)."""
    if today < version.term_start:
        return TermPhase.NOT_STARTED
    if today <= version.term_end:
        return TermPhase.IN_TERM
    if version.transition_start and today >= version.transition_start:
        return TermPhase.TRANSITION
    return TermPhase.ENDED


@dataclass
class KeyDate:
    """A date the contract sets, with what falls due on it."""

    key: str
    deadline: Deadline


def key_dates(version: ContractVersion) -> list[KeyDate]:
    """Return the renewal, acceptance and deemed-acceptance deadlines (C-4, C-5)."""
    document = version.document
    dates = []
    if "renewal" in document:
        dates.append(KeyDate("renewal", resolve_deadline(document["renewal"]["due"], version)))
    acceptance = document.get("acceptance")
    if acceptance:
        dates.append(KeyDate("acceptance", resolve_deadline(acceptance["due"], version)))
        if "deemed_accepted" in acceptance:
            rule = acceptance["deemed_accepted"]
            dates.append(KeyDate("deemed_acceptance", resolve_deadline(rule, version)))
    return dates


def payment_deadlines(version: ContractVersion, events: dict[str, dict[str, date]] | None = None
                      ) -> list[tuple[PaymentMilestone, Deadline]]:
    """Return each milestone with its deadline; ``events`` maps a milestone key to the dates
    of its trigger events (e.g. ``{"first": {"invoice": date(2025, 9, 26)}}``)."""
    events = events or {}
    return [
        (milestone, resolve_deadline(milestone.due, version, events.get(milestone.key)))
        for milestone in version.paymentmilestones.all()
    ]
