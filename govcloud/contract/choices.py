"""Allowed values of contract fields; the contract file's JSON Schema lists the same."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    PURCHASER = "purchaser", _("Purchaser")
    PROVIDER = "provider", _("Cloud provider")
    SUPERVISOR = "supervisor", _("Supervising bureau")
    VENDOR = "vendor", _("Application vendor")


class CatalogCategory(models.TextChoices):
    COMPUTE = "compute", _("Compute")
    STORAGE = "storage", _("Storage")
    NETWORK = "network", _("Network")
    MONITORING = "monitoring", _("Monitoring and protection")
    SECURITY = "security", _("Security")
    OTHER = "other", _("Other")


class KpiRule(models.TextChoices):
    AT_LEAST = "ge", "≥"
    AT_MOST = "le", "≤"
    DONE = "done", _("qualitative")
    BY_DATE = "by", _("by date")


class ObligationKind(models.TextChoices):
    RECURRING = "recurring", _("Recurring work")
    NOTICE = "notice", _("Notice")
    DEADLINE = "deadline", _("Deadline after an event")


class ObligationPeriod(models.TextChoices):
    MONTH = "month", _("per month")
    QUARTER = "quarter", _("per quarter")
    YEAR = "year", _("per year")
    TERM = "term", _("per contract term")


class DeadlineAnchor(models.TextChoices):
    """Events a deadline counts from; the first three are known from the contract itself."""

    SIGNING = "signing", _("signing")
    TERM_START = "term_start", _("start of the term")
    TERM_END = "term_end", _("end of the term")
    INVOICE = "invoice", _("receipt of the invoice")
    ACCEPTANCE = "acceptance", _("acceptance")
    DOCUMENTS_RECEIVED = "documents_received", _("receipt of the acceptance documents")
    WRITTEN_REQUEST = "written_request", _("a written request")


class TermPhase(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_TERM = "in_term", _("In term")
    TRANSITION = "transition", _("Transitional service")
    ENDED = "ended", _("Ended")
