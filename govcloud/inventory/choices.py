"""Allowed values of inventory fields."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HostStatus(models.TextChoices):
    PROVISIONING = "provisioning", _("Provisioning")
    RUNNING = "running", _("Running")
    STOPPED = "stopped", _("Stopped")
    DECOMMISSIONED = "decommissioned", _("Decommissioned")
