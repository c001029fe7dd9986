"""Provider access to purchaser data and the purchaser's stored system credentials (C-18).

govcloud is the consent ledger: the access itself happens on the cloud; here a provider's
request is recorded, the purchaser admin decides it, and every use inside an approved,
unexpired window is logged. Rows change only through govcloud.access.services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govcloud.access.choices import PURCHASER_ROLES, AccessState, AccessStatus
from govcloud.lib.scoping import RestrictedManager


def in_state(queryset, state: str):
    """Return the requests of ``queryset`` in ``state``; "expired" is read from the window."""
    now = timezone.now()
    if state == AccessState.EXPIRED:
        return queryset.filter(status=AccessStatus.APPROVED, window_end__lte=now)
    if state == AccessState.APPROVED:
        return queryset.filter(status=AccessStatus.APPROVED, window_end__gt=now)
    return queryset.filter(status=state)


class AccessRequest(models.Model):
    """A cloud provider's request to access purchaser data for a purpose, a scope and a
    time window, with the purchaser admin's decision (C-18; contract 第六条 4: no access to
    purchaser data or system passwords without the purchaser's prior consent)."""

    contract = models.ForeignKey(
        "contract.Contract", verbose_name=_("contract"), on_delete=models.PROTECT,
        related_name="access_requests",
    )
    systems = models.ManyToManyField(
        "inventory.ApplicationSystem", verbose_name=_("application systems"),
        related_name="access_requests",
        help_text=_("The systems whose data the provider needs, all of this contract."),
    )
    purpose = models.TextField(_("purpose"), help_text=_("Why the provider needs the access."))
    scope = models.TextField(_("scope"), help_text=_("Which data the provider will access."))
    window_start = models.DateTimeField(_("window start"))
    window_end = models.DateTimeField(_("window end"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=20, choices=AccessStatus.choices, default=AccessStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = RestrictedManager()
    scope_contract_field = "contract"

    class Meta:
        verbose_name = _("provider access request")
        verbose_name_plural = _("provider access requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_start__lt=F("window_end")),
                name="access_window_starts_before_it_ends",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.purpose[:40]}"

    @property
    def state(self) -> str:
        """Return the status as people see it, "expired" once an approved window has ended."""
        if self.status == AccessStatus.APPROVED and self.window_end <= timezone.now():
            return AccessState.EXPIRED
        return self.status

    def get_state_display(self) -> str:
        return AccessState(self.state).label

    @property
    def is_open(self) -> bool:
        """Return whether a use may be recorded now: approved and inside the window."""
        now = timezone.now()
        return (self.status == AccessStatus.APPROVED
                and self.window_start <= now < self.window_end)


class AccessUse(models.Model):
    """One use of an approved access: who did what, when and from where (C-18)."""

    request = models.ForeignKey(
        AccessRequest, verbose_name=_("access request"), on_delete=models.PROTECT,
        related_name="uses",
    )
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("used by"), on_delete=models.PROTECT,
        related_name="+",
    )
    used_at = models.DateTimeField(_("used at"), default=timezone.now)
    action = models.TextField(_("action"), help_text=_("What was done with the data."))
    source_address = models.GenericIPAddressField(_("source address"), null=True, blank=True)

    objects = RestrictedManager()
    scope_contract_field = "request__contract"

    class Meta:
        verbose_name = _("provider access use")
        verbose_name_plural = _("provider access uses")
        ordering = ["-used_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.action[:40]}"


class SystemCredential(models.Model):
    """A purchaser system's account (password, key or token) kept in govcloud (C-18).

    The secret is stored only as SM4-GCM ciphertext whose associated data binds it to its
    system and label, so a ciphertext copied to another row does not decrypt. Only the
    purchaser's roles see these rows at all; the secret is shown only by an explicit,
    recorded reveal.
    """

    system = models.ForeignKey(
        "inventory.ApplicationSystem", verbose_name=_("application system"),
        on_delete=models.PROTECT, related_name="credentials",
    )
    label = models.CharField(
        _("label"), max_length=100, help_text=_("What the account is for, e.g. database root.")
    )
    username = models.CharField(_("user name"), max_length=200, blank=True)
    secret = models.BinaryField(_("secret (SM4 ciphertext)"), editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RestrictedManager()
    scope_roles = PURCHASER_ROLES
    scope_contract_field = "system__contract"
    scope_system_field = "system"

    class Meta:
        verbose_name = _("system credential")
        verbose_name_plural = _("system credentials")
        ordering = ["system", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "label"], name="credential_label_unique_in_system"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.system})"

    def __repr__(self) -> str:
        return f"<SystemCredential {self.pk}: {self.label}>"

    def associated_data(self) -> bytes:
        """Return what the ciphertext is bound to: this credential's system and label."""
        return f"govcloud.access.SystemCredential\x00{self.system_id}\x00{self.label}".encode()
