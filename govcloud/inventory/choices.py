"""Allowed values of inventory fields and who may take each step of a change (C-9)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from govcloud.lib.roles import Role


class HostStatus(models.TextChoices):
    PROVISIONING = "provisioning", _("Provisioning")
    RUNNING = "running", _("Running")
    STOPPED = "stopped", _("Stopped")
    DECOMMISSIONED = "decommissioned", _("Decommissioned")


class ChangeKind(models.TextChoices):
    """What a change request asks for (C-9: add, change, expand, shrink, cancel)."""

    NEW_HOST = "new_host", _("New cloud host")
    RESIZE = "resize", _("Resize (vCPU, memory)")
    STORAGE = "storage", _("Expand or shrink storage")
    SERVICES = "services", _("Add or remove per-host services")
    SUBSCRIPTION = "subscription", _("Change the system's subscriptions and accounts")
    DECOMMISSION = "decommission", _("Decommission a host")
    RESTART = "restart", _("Restart a host")
    STOP = "stop", _("Stop a host")
    START = "start", _("Start a host")


#: Operations on a running host that need the requester's second factor (C-17).
OPERATION_KINDS = frozenset({ChangeKind.RESTART, ChangeKind.STOP, ChangeKind.START})
#: Kinds that act on one existing host.
HOST_KINDS = frozenset({
    ChangeKind.RESIZE, ChangeKind.STORAGE, ChangeKind.SERVICES, ChangeKind.DECOMMISSION,
}) | OPERATION_KINDS


class ChangeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    VERIFIED = "verified", _("Verified")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: Those who ask for changes of their systems: the purchaser's staff and the app vendors.
REQUESTER_ROLES = frozenset({Role.PURCHASER_STAFF, Role.APP_VENDOR})
#: Who decides a submitted request.
APPROVER_ROLES = frozenset({Role.PURCHASER_ADMIN})
#: Who carries an approved request out on the cloud.
EXECUTOR_ROLES = frozenset({Role.PROVIDER_OPERATOR})
#: Who edits a system's details (department, contacts, data centers) and imports inventory.
SYSTEM_EDITOR_ROLES = frozenset({Role.PURCHASER_ADMIN, Role.PURCHASER_STAFF})
#: Who imports systems and hosts from a spreadsheet: the purchaser admin, for the contract.
IMPORTER_ROLES = frozenset({Role.PURCHASER_ADMIN})
