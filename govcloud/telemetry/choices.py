"""Kinds of telemetry sources, metrics, probes and maintenance states."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from govcloud.lib.roles import Role


class SourceKind(models.TextChoices):
    PROMETHEUS = "prometheus", _("Prometheus HTTP API")
    NODE_EXPORTER = "node_exporter", _("Direct scraping of node_exporter")
    PUSH = "push", _("Push API")
    SIMULATOR = "simulator", _("Simulator (demo and benchmarks only)")


class Metric(models.TextChoices):
    """What a sample measures. Fractions are 0–1; disk is bytes used."""

    UP = "up", _("up (1) or down (0)")
    CPU = "cpu", _("CPU busy fraction")
    MEMORY = "memory", _("memory used fraction")
    DISK_USED = "disk_used", _("disk bytes used")


#: The metrics a service endpoint's probe gives: success only.
PROBE_METRICS = frozenset({Metric.UP})
#: Metrics that are fractions of one.
FRACTION_METRICS = frozenset({Metric.UP, Metric.CPU, Metric.MEMORY})


class ProbeKind(models.TextChoices):
    TCP = "tcp", _("TCP connect")
    HTTP = "http", _("HTTP request")


class MaintenanceStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


#: The provider announces maintenance (C-16); the purchaser approves it.
MAINTENANCE_PROPOSER_ROLES = frozenset({Role.PROVIDER_OPERATOR, Role.PROVIDER_MANAGER})
MAINTENANCE_APPROVER_ROLES = frozenset({Role.PURCHASER_ADMIN})
#: The provider's O&M team configures where telemetry comes from.
SOURCE_EDITOR_ROLES = frozenset({Role.PROVIDER_OPERATOR, Role.PROVIDER_MANAGER})
