"""The security audit log of MLPS level 3 (GB/T 22239-2019 8.1.4.3 security audit,
8.1.3.5 audit of the security management centre): who did what, when, from where, with
what outcome, in a chain of HMAC-SM3 tags that shows any record changed, removed, added
or moved in the database.

Records are written only by ``govcloud.audit.services.record_event`` and never updated;
deleting one before the retention period ends is refused.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govcloud.audit.choices import Outcome
from govcloud.audit.constants import GENESIS_TAG, RETENTION_VARIABLE, retention_days
from govcloud.lib.roles import Role
from govcloud.lib.scoping import RestrictedQuerySet


class AuditLogError(RuntimeError):
    """The audit log refused a change: records are append-only and kept for a period."""


def retention_cutoff():
    """Return the moment before which records may be deleted."""
    return timezone.now() - timedelta(days=retention_days())


def _refuse_retained(count: int) -> None:
    if count:
        raise AuditLogError(
            f"{count} audit record(s) are younger than the retention period of "
            f"{retention_days()} days ({RETENTION_VARIABLE}) and may not be deleted"
        )


class AuditEventQuerySet(RestrictedQuerySet):
    def delete(self):
        """Delete the rows, refusing if any is still within the retention period."""
        _refuse_retained(self.filter(occurred_at__gte=retention_cutoff()).count())
        return super().delete()

    delete.alters_data = True
    delete.queryset_only = True

    def update(self, **kwargs):
        raise AuditLogError("audit records are append-only")

    update.alters_data = True


class AuditEvent(models.Model):
    """One security-relevant event: a sign-in, a change of an account, role, policy,
    contract or evidence, an export, an access grant or its use (GB/T 22239-2019 8.1.4.3 b:
    date and time, user, event type, outcome).

    ``tag`` is HMAC-SM3 over every other field, ``previous_tag`` included, so each record
    vouches for the one before it (8.1.4.3 c: protected against deletion, change and
    overwriting).
    """

    sequence = models.PositiveBigIntegerField(
        _("sequence"), unique=True, help_text=_("Position in the chain: 1, 2, 3…")
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    # A plain number, not a foreign key: deleting a user must not rewrite history.
    actor_id = models.PositiveBigIntegerField(_("actor id"), null=True, blank=True)
    actor_username = models.CharField(_("actor"), max_length=150, blank=True)
    actor_role = models.CharField(_("actor role"), max_length=32, blank=True)
    source_address = models.CharField(_("source address"), max_length=45, blank=True)
    action = models.CharField(
        _("action"), max_length=64, db_index=True,
        help_text=_("What happened, e.g. auth.login or contract.load."),
    )
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_repr = models.CharField(_("target"), max_length=300, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    details = models.JSONField(_("details"), default=dict, blank=True)
    previous_tag = models.CharField(_("previous tag"), max_length=64)
    tag = models.CharField(_("tag"), max_length=64, help_text=_("HMAC-SM3 of the record."))

    objects = AuditEventQuerySet.as_manager()
    scope_roles = frozenset({Role.AUDIT_ADMIN})
    scope_platform_wide = True
    scope_contract_field = None

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-sequence"]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.actor_username or '-'} ({self.outcome})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogError("audit records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        """Delete the record, refusing within the retention period."""
        _refuse_retained(int(self.occurred_at >= retention_cutoff()))
        return super().delete(*args, **kwargs)


class AuditChainHead(models.Model):
    """Where the chain ends and, after a purge, where it now starts.

    Updated in the transaction that appends a record, so removing records from the end of
    the log is detected as well as from its middle. ``tag`` is HMAC-SM3 over the four
    positions, so neither end can be moved without the audit key.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.PositiveBigIntegerField(_("last sequence"), default=0)
    last_tag = models.CharField(_("last tag"), max_length=64, default=GENESIS_TAG)
    first_sequence = models.PositiveBigIntegerField(
        _("first sequence"), default=1, help_text=_("The first record not yet purged.")
    )
    first_previous_tag = models.CharField(
        _("previous tag of the first record"), max_length=64, default=GENESIS_TAG
    )
    tag = models.CharField(_("tag"), max_length=64, blank=True,
                           help_text=_("HMAC-SM3 of the chain's start and end."))

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="audit_single_chain_head")]

    def __str__(self) -> str:
        return f"{self.first_sequence}–{self.last_sequence}"
