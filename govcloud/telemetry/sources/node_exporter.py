"""Reading a node_exporter's ``/metrics`` directly, for a site with no Prometheus.

The text is parsed by the Prometheus project's own parser (``prometheus_client``), not by
hand: the exposition format has escapes, comments and label orders a quick parser gets
wrong. A reading keeps only what govcloud stores: CPU seconds per mode (summed over the
CPUs), memory total and available, and the size and free space of the root filesystem.

CPU seconds are counters, so a busy fraction needs two readings; the collector keeps the
previous one (``CpuTimes.as_state``) between rounds.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

import requests
from django.utils.translation import gettext as _
from prometheus_client.parser import text_string_to_metric_families

from govcloud.telemetry.sources.probes import network_reason

DEFAULT_TIMEOUT = 5.0
CPU_SECONDS = "node_cpu_seconds_total"
MEMORY_TOTAL = "node_memory_MemTotal_bytes"
MEMORY_AVAILABLE = "node_memory_MemAvailable_bytes"
FILESYSTEM_SIZE = "node_filesystem_size_bytes"
FILESYSTEM_AVAIL = "node_filesystem_avail_bytes"
ROOT = "/"


class ScrapeError(Exception):
    """A node_exporter could not be read; the message names the URL and why."""


@dataclass(frozen=True)
class CpuTimes:
    """CPU seconds spent in each mode since boot, summed over the CPUs, at ``at``."""

    at: float
    by_mode: dict[str, float]

    @property
    def total(self) -> float:
        return sum(self.by_mode.values())

    @property
    def idle(self) -> float:
        return self.by_mode.get("idle", 0.0)

    def as_state(self) -> dict:
        return {"at": self.at, "by_mode": self.by_mode}

    @classmethod
    def from_state(cls, state: dict) -> CpuTimes | None:
        """Read back ``as_state``; None if it is not one (an older or edited state)."""
        try:
            return cls(float(state["at"]), {str(mode): float(seconds)
                                            for mode, seconds in state["by_mode"].items()})
        except (KeyError, TypeError, ValueError, AttributeError):
            return None


@dataclass(frozen=True)
class NodeReading:
    """What one scrape of a node_exporter tells govcloud."""

    cpu: CpuTimes
    memory_total: float
    memory_available: float
    root_size: float | None
    root_avail: float | None

    @property
    def memory_used_fraction(self) -> float:
        """``1 - MemAvailable / MemTotal``: page cache the kernel would give back counts
        as free, as in the usual node_exporter dashboards."""
        used = 1.0 - self.memory_available / self.memory_total
        return min(1.0, max(0.0, used))

    @property
    def disk_used_bytes(self) -> float | None:
        """Size minus the space available to users, as ``df`` counts "used" plus the root
        reserve; None when the root filesystem is not exported."""
        if self.root_size is None or self.root_avail is None:
            return None
        return max(0.0, self.root_size - self.root_avail)


def cpu_busy(before: CpuTimes | None, after: CpuTimes) -> float | None:
    """Return the fraction of CPU time not idle between two readings.

    None when there is no earlier reading, or when the counters went backwards (the host
    rebooted) or did not move (two scrapes within the kernel's 10 ms tick).
    """
    if before is None:
        return None
    total = after.total - before.total
    idle = after.idle - before.idle
    if total <= 0 or idle < 0 or after.at <= before.at:
        return None
    return min(1.0, max(0.0, 1.0 - idle / total))


def parse(text: str, url: str, at: float) -> NodeReading:
    """Parse node_exporter's text; raise ScrapeError if it is not node_exporter's."""
    cpu: dict[str, float] = defaultdict(float)
    gauges: dict[str, float] = {}
    root: dict[str, float] = {}
    try:
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name == CPU_SECONDS:
                    cpu[sample.labels.get("mode", "")] += sample.value
                elif sample.name in (MEMORY_TOTAL, MEMORY_AVAILABLE):
                    gauges[sample.name] = sample.value
                elif (sample.name in (FILESYSTEM_SIZE, FILESYSTEM_AVAIL)
                      and sample.labels.get("mountpoint") == ROOT):
                    root.setdefault(sample.name, sample.value)
    except ValueError as error:
        raise ScrapeError(_("%(url)s does not answer in the Prometheus text format: "
                            "%(error)s") % {"url": url, "error": str(error)[:200]}) from None
    present = {CPU_SECONDS: bool(cpu), MEMORY_TOTAL: gauges.get(MEMORY_TOTAL, 0) > 0,
               MEMORY_AVAILABLE: MEMORY_AVAILABLE in gauges}
    missing = [name for name, found in present.items() if not found]
    if missing:
        raise ScrapeError(_("%(url)s is not a node_exporter: it has no %(names)s.")
                          % {"url": url, "names": ", ".join(missing)})
    return NodeReading(CpuTimes(at, dict(cpu)), gauges[MEMORY_TOTAL], gauges[MEMORY_AVAILABLE],
                       root.get(FILESYSTEM_SIZE), root.get(FILESYSTEM_AVAIL))


def scrape(url: str, timeout: float = DEFAULT_TIMEOUT) -> NodeReading:
    """GET a node_exporter's metrics page and parse it; raise ScrapeError if that fails."""
    at = time.time()
    try:
        response = requests.get(url, timeout=timeout)
    except requests.Timeout:
        raise ScrapeError(_("%(url)s did not answer within %(seconds)s s.")
                          % {"url": url, "seconds": timeout}) from None
    except requests.RequestException as error:
        raise ScrapeError(_("Cannot reach %(url)s: %(reason)s")
                          % {"url": url, "reason": network_reason(error)}) from None
    if response.status_code != 200:
        raise ScrapeError(_("%(url)s answered HTTP status %(status)s.")
                          % {"url": url, "status": response.status_code})
    return parse(response.text, url, at)
