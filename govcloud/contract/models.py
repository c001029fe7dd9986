"""A government-cloud service contract and what it promises, as loaded from a contract file.

A ``Contract`` is the lasting identity (its ``code``); each load of a changed file (a
supplementary agreement, Art. 14.2) adds a ``ContractVersion`` and the older versions stay
readable. Catalog items, KPIs, payment milestones and obligations belong to a version.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from govcloud.contract.choices import (
    CatalogCategory,
    KpiRule,
    ObligationKind,
    ObligationPeriod,
    OrganizationKind,
)
from govcloud.lib.integrity import check_integrity
from govcloud.lib.money import to_wan_yuan
from govcloud.lib.scoping import RestrictedManager, RestrictedQuerySet

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}


def _localized(obj: models.Model, field: str) -> str:
    """Return the English text of a field when the UI speaks English and one was given."""
    english = getattr(obj, f"{field}_en", "")
    text: str = (english if english and (get_language() or "").startswith("en")
                 else getattr(obj, field))
    return text


class Organization(models.Model):
    """An agency or company: a contract party (purchaser, provider), the supervising
    bureau, or the vendor of a hosted application."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)

    objects = RestrictedManager()
    scope_contract_field = (
        "contracts_as_purchaser__contract",
        "contracts_as_provider__contract",
        "contracts_supervised__contract",
        "systems__contract",
    )
    scope_system_field = "systems"
    scope_visible_to_account_admin = True

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class ContractQuerySet(RestrictedQuerySet["Contract"]):
    def for_display(self) -> Self:
        """Each contract with the title of its version in force (``current_title``), which
        its name reads: a list of contracts costs one query, not one a contract."""
        current = ContractVersion.objects.filter(contract=models.OuterRef("pk"),
                                                 is_current=True).values("title")[:1]
        return self.annotate(current_title=models.Subquery(current))


ContractManager = models.Manager.from_queryset(ContractQuerySet)


class Contract(models.Model):
    """A service contract between a purchasing agency and a cloud provider (C-1), known by
    the ``code`` its contract file gives it; its content lives in versions."""

    code = models.SlugField(_("code"), max_length=63, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ContractManager()
    scope_contract_field = "self"
    scope_visible_to_system_users = True
    scope_visible_to_account_admin = True

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["code"]

    def __str__(self) -> str:
        if "current_title" in self.__dict__:  # ContractQuerySet.for_display
            return self.__dict__["current_title"] or self.code
        current = self.current_version
        return current.title if current else self.code

    @property
    def current_version(self) -> ContractVersion | None:
        return self.versions.filter(is_current=True).first()


class ContractVersion(models.Model):
    """The content of a contract as one contract file stated it (C-1 … C-5)."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    is_current = models.BooleanField(_("current"), default=True)
    fingerprint = models.CharField(_("content fingerprint"), max_length=64)
    source_name = models.CharField(_("source file"), max_length=300)
    source_text = models.TextField(_("source text"))
    document = models.JSONField(_("normalized content"))
    findings = models.JSONField(_("findings"), default=list, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("loaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    integrity_tag = models.CharField(
        _("integrity tag"), max_length=64, blank=True,
        help_text=_("HMAC-SM3 of the stored contract text and content (密评)."),
    )
    amendment_title = models.CharField(_("amendment"), max_length=300, blank=True)
    amendment_signed_on = models.DateField(_("amendment signed on"), null=True, blank=True)

    title = models.CharField(_("title"), max_length=300)
    project_name = models.CharField(_("project name"), max_length=300, blank=True)
    project_number = models.CharField(_("project number"), max_length=100, blank=True)
    contract_number = models.CharField(_("contract number"), max_length=100)
    signed_on = models.DateField(_("signed on"))
    purchaser = models.ForeignKey(
        Organization, verbose_name=_("purchaser"), on_delete=models.PROTECT,
        related_name="contracts_as_purchaser",
    )
    provider = models.ForeignKey(
        Organization, verbose_name=_("provider"), on_delete=models.PROTECT,
        related_name="contracts_as_provider",
    )
    supervisor = models.ForeignKey(
        Organization, verbose_name=_("supervisor"), on_delete=models.PROTECT,
        related_name="contracts_supervised", null=True, blank=True,
    )
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"))
    transition_start = models.DateField(_("transitional service from"), null=True, blank=True)
    transition_until = models.CharField(_("transitional service until"), max_length=300, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    total_including_tax = models.DecimalField(_("total including tax"), **MONEY)
    total_excluding_tax = models.DecimalField(_("total excluding tax"), **MONEY)
    tax_rate_percent = models.DecimalField(_("tax rate (%)"), max_digits=5, decimal_places=2)

    objects = RestrictedManager()
    scope_contract_field = "contract"
    scope_visible_to_system_users = True

    class Meta:
        verbose_name = _("contract version")
        verbose_name_plural = _("contract versions")
        ordering = ["contract", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="contract_version_unique"),
            models.UniqueConstraint(
                fields=["contract"], condition=models.Q(is_current=True),
                name="contract_one_current_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    def protected_bytes(self) -> bytes:
        """Return what the integrity tag covers: the file as loaded and its checked content."""
        content = json.dumps(self.document, sort_keys=True, ensure_ascii=False)
        return f"{self.fingerprint}\x00{self.source_text}\x00{content}".encode()

    def check_integrity(self) -> None:
        """Raise IntegrityMismatch if the stored contract was changed outside govcloud."""
        check_integrity("contract-version", f"{self.contract_id}/{self.number}",
                        self.protected_bytes(), self.integrity_tag)

    @property
    def tax_amount(self) -> Decimal:
        return self.total_including_tax - self.total_excluding_tax

    @property
    def parties(self) -> dict:
        parties: dict = self.document["parties"]
        return parties


class VersionPart(models.Model):
    """Something a contract version states; visible to the contract-wide roles."""

    version = models.ForeignKey(
        ContractVersion, verbose_name=_("contract version"), on_delete=models.CASCADE,
        related_name="%(class)ss",
    )
    position = models.PositiveIntegerField(_("position"))

    objects = RestrictedManager()
    scope_contract_field = "version__contract"

    class Meta:
        abstract = True
        ordering = ["version", "position"]


class CatalogItem(VersionPart):
    """A rented service of the catalog (C-7): what, in which unit, how much per year."""

    number = models.PositiveIntegerField(_("number"))
    category = models.CharField(_("category"), max_length=20, choices=CatalogCategory.choices)
    category_name = models.CharField(_("category as written"), max_length=100, blank=True)
    meter = models.CharField(
        _("meter"), max_length=40, help_text=_("What the inventory counts against this item.")
    )
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=20)
    unit_en = models.CharField(_("English unit"), max_length=20, blank=True)
    quantity = models.PositiveIntegerField(_("contracted quantity"))
    unit_price = models.DecimalField(
        _("unit price"), **MONEY, null=True, blank=True,
        help_text=_("From the bid; the contract itself gives none."),
    )

    class Meta(VersionPart.Meta):
        verbose_name = _("catalog item")
        verbose_name_plural = _("catalog items")

    def __str__(self) -> str:
        return f"{self.number}. {self.display_name}"

    @property
    def display_name(self) -> str:
        return _localized(self, "name")

    @property
    def display_unit(self) -> str:
        return _localized(self, "unit")


class Kpi(VersionPart):
    """A performance indicator of the contract (C-8): a rule and a target."""

    number = models.CharField(_("number"), max_length=50)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    measure = models.CharField(_("measure"), max_length=40)
    rule = models.CharField(_("rule"), max_length=8, choices=KpiRule.choices)
    target = models.DecimalField(
        _("target"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    target_ref = models.CharField(_("derived target"), max_length=40, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    unit_en = models.CharField(_("English unit"), max_length=20, blank=True)
    per = models.CharField(_("judged over"), max_length=8, blank=True,
                           help_text=_("year: the target is a promise over a calendar year."))
    description = models.CharField(_("description"), max_length=500, blank=True)
    obligation_key = models.CharField(_("evidence obligation"), max_length=50, blank=True)

    class Meta(VersionPart.Meta):
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")

    def __str__(self) -> str:
        return f"{self.number}. {self.display_name}"

    @property
    def display_name(self) -> str:
        return _localized(self, "name")

    @property
    def display_unit(self) -> str:
        return _localized(self, "unit")

    @property
    def effective_target(self) -> Decimal | None:
        """Return the target, deriving it from the contract where the file says so."""
        if self.target_ref == "contract_total":
            return to_wan_yuan(self.version.total_including_tax)
        return self.target


class PaymentMilestone(VersionPart):
    """A payment of the contract (C-3): a share of the total, due a number of working days
    after its trigger events. The amount is computed, never typed."""

    key = models.CharField(_("key"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    percent = models.DecimalField(_("share (%)"), max_digits=6, decimal_places=3)
    amount = models.DecimalField(_("amount"), **MONEY)
    due = models.JSONField(_("due rule"))
    condition = models.CharField(_("condition"), max_length=500, blank=True)

    class Meta(VersionPart.Meta):
        verbose_name = _("payment milestone")
        verbose_name_plural = _("payment milestones")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _localized(self, "name")


class Obligation(VersionPart):
    """Something the contract requires to be done (C-12 … C-19): recurring work with a
    minimum count, a notice within a time limit, or a deadline after an event."""

    key = models.CharField(_("key"), max_length=50)
    kind = models.CharField(_("kind"), max_length=20, choices=ObligationKind.choices)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    min_count = models.PositiveIntegerField(_("minimum count"), null=True, blank=True)
    per = models.CharField(
        _("period"), max_length=10, choices=ObligationPeriod.choices, blank=True
    )
    event = models.CharField(_("triggering event"), max_length=300, blank=True)
    within = models.JSONField(_("time limit"), null=True, blank=True)
    timing = models.CharField(_("timing"), max_length=20, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    due = models.JSONField(_("due rule"), null=True, blank=True)
    clause = models.CharField(_("clause"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta(VersionPart.Meta):
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _localized(self, "name")
