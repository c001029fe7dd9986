"""Telemetry: where it comes from, the raw samples kept for a while, and the rollups.

Raw samples are kept per target, metric and hour in one bucket row (two packed arrays), so
that late or repeated data can be merged and the hour rolled up again. The hourly and daily
rollups are what every figure, chart and KPI is computed from; buckets older than the raw
retention are dropped, rollups are kept.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govcloud.lib.scoping import RestrictedManager
from govcloud.telemetry.choices import MaintenanceStatus, Metric, ProbeKind, SourceKind


class TelemetrySource(models.Model):
    """Where one data center's telemetry comes from (or, with no data center, the whole
    contract's)."""

    contract = models.ForeignKey(
        "contract.Contract", verbose_name=_("contract"), on_delete=models.PROTECT,
        related_name="telemetry_sources",
    )
    name = models.CharField(_("name"), max_length=100)
    data_center = models.CharField(
        _("data center"), max_length=100, blank=True,
        help_text=_("The hosts of this data center; empty for every host of the contract."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices)
    url = models.CharField(
        _("URL"), max_length=300, blank=True,
        help_text=_("Prometheus: its base URL, such as http://127.0.0.1:9090."),
    )
    mapping = models.JSONField(
        _("label mapping"), default=dict, blank=True,
        help_text=_("How series labels or scrape targets name hosts; see docs/telemetry.md."),
    )
    interval_seconds = models.PositiveIntegerField(
        _("sampling interval (seconds)"), default=60,
        help_text=_("How long one sample stands for."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    state = models.JSONField(_("collector state"), default=dict, blank=True, editable=False)
    last_collected_at = models.DateTimeField(_("last collected at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    objects = RestrictedManager()
    scope_contract_field = "contract"

    class Meta:
        verbose_name = _("telemetry source")
        verbose_name_plural = _("telemetry sources")
        ordering = ["contract", "name"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "name"], name="source_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class PushToken(models.Model):
    """A secret that lets a sender push samples for one push source; only its hash is
    stored, the secret is shown once."""

    source = models.ForeignKey(
        TelemetrySource, verbose_name=_("telemetry source"), on_delete=models.CASCADE,
        related_name="push_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = RestrictedManager()
    scope_contract_field = "source__contract"

    class Meta:
        verbose_name = _("push token")
        verbose_name_plural = _("push tokens")
        ordering = ["source", "-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ServiceEndpoint(models.Model):
    """A service address of an application system that govcloud's collector probes for
    network availability (KPI 7) where no blackbox_exporter does."""

    system = models.ForeignKey(
        "inventory.ApplicationSystem", verbose_name=_("application system"),
        on_delete=models.PROTECT, related_name="endpoints",
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=ProbeKind.choices)
    target = models.CharField(
        _("target"), max_length=300,
        help_text=_("host:port for TCP, a URL for HTTP."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)

    objects = RestrictedManager()
    scope_contract_field = "system__contract"
    scope_system_field = "system"

    class Meta:
        verbose_name = _("service endpoint")
        verbose_name_plural = _("service endpoints")
        ordering = ["system", "name"]
        constraints = [
            models.UniqueConstraint(fields=["system", "name"], name="endpoint_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.system.label} · {self.name}"


class MaintenanceWindow(models.Model):
    """Planned maintenance announced by the provider and approved by the purchaser before it
    starts (C-16). Approved windows are left out of availability and listed as evidence."""

    contract = models.ForeignKey(
        "contract.Contract", verbose_name=_("contract"), on_delete=models.PROTECT,
        related_name="maintenance_windows",
    )
    system = models.ForeignKey(
        "inventory.ApplicationSystem", verbose_name=_("application system"),
        on_delete=models.PROTECT, null=True, blank=True, related_name="maintenance_windows",
        help_text=_("Empty for maintenance of the whole platform."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=20, choices=MaintenanceStatus.choices,
        default=MaintenanceStatus.PROPOSED,
    )
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("announced by"), on_delete=models.PROTECT,
        related_name="+",
    )
    announced_at = models.DateTimeField(_("announced at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT,
        related_name="+", null=True, blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    objects = RestrictedManager()
    scope_contract_field = "contract"
    scope_system_field = "system"
    scope_visible_to_system_users = True

    class Meta:
        verbose_name = _("maintenance window")
        verbose_name_plural = _("maintenance windows")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="maintenance_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SampleBucket(models.Model):
    """The raw samples of one host's or endpoint's metric in one hour: timestamps in
    milliseconds (int64) and values (float64), packed, sorted, one value per timestamp."""

    host = models.ForeignKey(
        "inventory.CloudHost", on_delete=models.CASCADE, null=True, related_name="+",
    )
    endpoint = models.ForeignKey(
        ServiceEndpoint, on_delete=models.CASCADE, null=True, related_name="+",
    )
    metric = models.CharField(max_length=12, choices=Metric.choices)
    hour = models.DateTimeField(db_index=True)
    interval_seconds = models.FloatField()
    timestamps = models.BinaryField()
    values = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["host", "metric", "hour"], name="bucket_host_hour",
                                    condition=models.Q(host__isnull=False)),
            models.UniqueConstraint(fields=["endpoint", "metric", "hour"],
                                    name="bucket_endpoint_hour",
                                    condition=models.Q(endpoint__isnull=False)),
            models.CheckConstraint(
                condition=models.Q(host__isnull=True) ^ models.Q(endpoint__isnull=True),
                name="bucket_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.host_id or self.endpoint_id} {self.metric} {self.hour:%Y-%m-%d %H:00}"


class AvailabilityFigures(models.Model):
    """Seconds observed and up over one hour or day, maintenance left out.

    ``seconds_maintenance`` is the observed time inside approved maintenance, which counts
    neither as observed nor as up. ``first_down_at``/``down_until`` bound the downtime of
    the period (hourly rows only): consecutive hours join into one outage.
    """

    samples = models.PositiveIntegerField(default=0)
    samples_up = models.PositiveIntegerField(default=0)
    seconds_observed = models.FloatField(default=0)
    seconds_up = models.FloatField(default=0)
    seconds_maintenance = models.FloatField(default=0)

    class Meta:
        abstract = True


class UsageFigures(models.Model):
    """CPU and memory (fractions of one) and disk (bytes) of a host over one hour or day."""

    cpu_samples = models.PositiveIntegerField(default=0)
    cpu_sum = models.FloatField(default=0)
    cpu_max = models.FloatField(null=True)
    cpu_p95 = models.FloatField(null=True)
    memory_samples = models.PositiveIntegerField(default=0)
    memory_sum = models.FloatField(default=0)
    memory_max = models.FloatField(null=True)
    memory_p95 = models.FloatField(null=True)
    disk_used_bytes = models.FloatField(null=True)

    class Meta:
        abstract = True


class DownSpan(models.Model):
    first_down_at = models.DateTimeField(null=True)
    down_until = models.DateTimeField(null=True)

    class Meta:
        abstract = True


def down_hours_index(target: str, name: str) -> models.Index:
    """The hours with downtime only (a few in a thousand): outages read them without
    scanning every hour of the period."""
    return models.Index(fields=[target, "hour"], name=name,
                        condition=models.Q(first_down_at__isnull=False))


class HostHourly(AvailabilityFigures, UsageFigures, DownSpan):
    host = models.ForeignKey("inventory.CloudHost", on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["host", "hour"], name="host_hourly")]
        indexes = [models.Index(fields=["hour"]), down_hours_index("host", "host_hourly_down")]

    def __str__(self) -> str:
        return f"{self.host_id} {self.hour:%Y-%m-%d %H:00}"


class HostDaily(AvailabilityFigures, UsageFigures):
    host = models.ForeignKey("inventory.CloudHost", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["host", "day"], name="host_daily")]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.host_id} {self.day:%Y-%m-%d}"


class ProbeHourly(AvailabilityFigures, DownSpan):
    endpoint = models.ForeignKey(ServiceEndpoint, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["endpoint", "hour"],
                                               name="probe_hourly")]
        indexes = [models.Index(fields=["hour"]),
                   down_hours_index("endpoint", "probe_hourly_down")]

    def __str__(self) -> str:
        return f"{self.endpoint_id} {self.hour:%Y-%m-%d %H:00}"


class ProbeDaily(AvailabilityFigures):
    endpoint = models.ForeignKey(ServiceEndpoint, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["endpoint", "day"], name="probe_daily")]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.endpoint_id} {self.day:%Y-%m-%d}"


class SettledFigures(models.Model):
    """A settled period's figures of one contract, computed once and kept (settled.py).

    The payload is JSON text as written, so that every figure reads back to the last bit
    (a jsonb column would reformat the numbers)."""

    contract = models.ForeignKey("contract.Contract", on_delete=models.CASCADE,
                                 related_name="+")
    kind = models.CharField(max_length=40)
    first = models.DateField()
    last = models.DateField()
    #: What else the figures depend on (a rule's threshold); empty for most kinds.
    parameters = models.CharField(max_length=200, blank=True, default="")
    payload = models.TextField()
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contract", "kind", "first", "last", "parameters"],
                                    name="settled_figures_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.first}–{self.last}"
