"""Choices of provider access requests (C-18)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from govcloud.lib.roles import Role


class AccessStatus(models.TextChoices):
    """The stored status of a request: what the purchaser decided."""

    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    REVOKED = "revoked", _("Revoked")


class AccessState(models.TextChoices):
    """The status as people see it: an approved request whose window has ended is expired.

    "Expired" is derived from the window, never stored, so it needs no job to keep it true.
    """

    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    EXPIRED = "expired", _("Expired")
    REFUSED = "refused", _("Refused")
    REVOKED = "revoked", _("Revoked")


#: The cloud provider's people: they ask for access and use it (C-18).
PROVIDER_ROLES = frozenset({Role.PROVIDER_OPERATOR, Role.PROVIDER_MANAGER})
#: The purchaser's people: the only ones who may store or read system credentials (C-18).
PURCHASER_ROLES = frozenset({Role.PURCHASER_ADMIN, Role.PURCHASER_STAFF})
