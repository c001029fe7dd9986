"""Allowed values of audit fields."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILURE = "failure", _("Failure")
    DENIED = "denied", _("Denied")


class ProblemKind(models.TextChoices):
    """What ``verify_chain`` found wrong with a record of the log."""

    CHANGED = "changed", _("Changed")
    DELETED = "deleted", _("Deleted")
    INSERTED = "inserted", _("Inserted")
    REORDERED = "reordered", _("Reordered")
    TRUNCATED = "truncated", _("Truncated")
