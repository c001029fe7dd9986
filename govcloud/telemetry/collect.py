"""Collecting telemetry: one round of one source, whatever its kind.

- **prometheus**: pull the raw samples stored since the last pull (``state["until"]``)
  through the HTTP API and map each series to a running host of the source's contract
  (and, for ``probe_job``, to a service endpoint) by a label.
- **node_exporter**: govcloud scrapes each running host itself (the embedded default for
  a site with no Prometheus) and probes the systems' service endpoints: a scrape that
  fails is a sample ``up = 0``, never a gap.
- **push** and **simulator**: samples arrive by themselves; there is nothing to collect.

Whatever a round gathers is stored by one call of ``store.ingest``, so a round that is
repeated (a crash before the state was saved, two workers) counts once. A round never
raises for a failing source: it records ``last_error`` and returns the reasons, so that a
looping collector carries on with the next source. The mapping keys are documented in
docs/telemetry.md; ``mapping_problems`` checks them for forms and for the collector.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from govcloud.inventory.choices import HostStatus
from govcloud.inventory.models import CloudHost
from govcloud.telemetry import store
from govcloud.telemetry.choices import FRACTION_METRICS, Metric, SourceKind
from govcloud.telemetry.models import ServiceEndpoint, TelemetrySource
from govcloud.telemetry.rollup import HOUR
from govcloud.telemetry.sources.node_exporter import (
    CpuTimes,
    NodeReading,
    ScrapeError,
    cpu_busy,
    scrape,
)
from govcloud.telemetry.sources.probes import ProbeResult, probe
from govcloud.telemetry.sources.prometheus import (
    DEFAULT_QUERIES,
    PrometheusClient,
    PrometheusError,
    duration,
    render,
)

#: Scrapes and probes run side by side: a fleet of unreachable hosts would otherwise take
#: its timeout once per host, in turn.
WORKERS = 16
#: Host metrics pulled from Prometheus, in the order they are asked for.
HOST_METRICS = (Metric.UP, Metric.CPU, Metric.MEMORY, Metric.DISK_USED)
#: How many unmapped series a result names; beyond that it counts them.
NAMED_LIMIT = 20


class MappingError(Exception):
    """A source's mapping has keys or values the collector cannot use."""


@dataclass
class CollectResult:
    """What one round of one source did: samples, targets seen, and what went wrong.

    ``down`` lists hosts whose scrape and endpoints whose probe failed (stored as
    ``up = 0``: data, not an error of the source); ``unmapped`` the series (or hosts) that
    named no host or endpoint; ``errors`` what stopped the round (also in ``last_error``).
    """

    source: str
    kind: str
    received: int = 0
    stored: int = 0
    hosts: int = 0
    endpoints: int = 0
    unmapped: list[str] = field(default_factory=list)
    unmapped_count: int = 0
    silent: list[str] = field(default_factory=list)
    down: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    note: str = ""
    behind: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_unmapped(self, description: str) -> None:
        self.unmapped_count += 1
        if len(self.unmapped) < NAMED_LIMIT:
            self.unmapped.append(description)


# --- The mapping -------------------------------------------------------------------------

def _is_text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_seconds(value) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value) and value > 0)


def _is_zero_or_seconds(value) -> bool:
    return _is_seconds(value) or (value == 0 and not isinstance(value, bool))


def _is_queries(value) -> bool:
    return isinstance(value, dict) and all(
        key in DEFAULT_QUERIES and (query is None or isinstance(query, str))
        for key, query in value.items())


def _is_targets(value) -> bool:
    return isinstance(value, dict) and all(_is_text(name) and _is_text(target)
                                           for name, target in value.items())


def _is_port(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 65536


def _options(kind: str) -> dict[str, tuple[object, Callable[[object], bool], str]]:
    """Return key -> (default, check, what the value must be) for a kind of source."""
    seconds = _("a number of seconds above 0")
    seconds_or_zero = _("a number of seconds, 0 or more")
    if kind == SourceKind.PROMETHEUS:
        return {
            "host_label": ("instance", _is_text, _("a label name")),
            "host_match": ("ip", lambda value: value in ("ip", "name"), _('"ip" or "name"')),
            "node_job": ("node", _is_text, _("a job name")),
            "probe_job": ("", lambda value: value == "" or _is_text(value), _("a job name")),
            "probe_label": ("instance", _is_text, _("a label name")),
            "queries": ({}, _is_queries,
                        _("an object whose keys are among up, cpu, memory, disk_used and "
                          "probe, and whose values are PromQL or null")),
            "backfill_seconds": (HOUR, _is_zero_or_seconds, seconds_or_zero),
            "max_pull_seconds": (6 * HOUR, _is_seconds, seconds),
            "lag_seconds": (None, _is_zero_or_seconds, seconds_or_zero),
            "rate_window_seconds": (None, _is_seconds, seconds),
            "timeout_seconds": (30, _is_seconds, seconds),
        }
    if kind == SourceKind.NODE_EXPORTER:
        return {
            "targets": ({}, _is_targets, _('an object of host name: "host:port" or URL')),
            "port": (9100, _is_port, _("a port number")),
            "scheme": ("http", lambda value: value in ("http", "https"), _('"http" or "https"')),
            "path": ("/metrics", lambda value: _is_text(value) and value.startswith("/"),
                     _("a path starting with /")),
            "probe_endpoints": (True, lambda value: isinstance(value, bool), _("true or false")),
            "timeout_seconds": (5, _is_seconds, seconds),
        }
    return {}


def mapping_problems(kind: str, mapping) -> list[str]:
    """Return what is wrong with a source's mapping, one sentence per key.

    A key of another kind of source is let be (a source whose kind was changed keeps its
    mapping); a key no kind knows is a typo, and refused rather than ignored.
    """
    if not isinstance(mapping, dict):
        return [_("The mapping must be a JSON object.")]
    options = _options(kind)
    known = {**_options(SourceKind.PROMETHEUS), **_options(SourceKind.NODE_EXPORTER)}
    problems = [_("The mapping key %(key)s is unknown; known keys: %(known)s.")
                % {"key": key, "known": ", ".join(options or known)}
                for key in mapping if key not in known]
    for key, (_default, check, expected) in options.items():
        if key in mapping and not check(mapping[key]):
            problems.append(_("The mapping key %(key)s must be %(expected)s.")
                            % {"key": key, "expected": expected})
    return problems


def read_mapping(source: TelemetrySource) -> dict:
    """Return the source's options, defaults filled in; raise MappingError if unusable."""
    problems = mapping_problems(source.kind, source.mapping)
    if problems:
        raise MappingError(" ".join(problems))
    options = {key: source.mapping.get(key, default)
               for key, (default, _check, _expected) in _options(source.kind).items()}
    if source.kind == SourceKind.PROMETHEUS:
        if options["lag_seconds"] is None:
            options["lag_seconds"] = source.interval_seconds
        if options["rate_window_seconds"] is None:
            options["rate_window_seconds"] = 4 * source.interval_seconds
    return options


# --- What a source covers ----------------------------------------------------------------

def source_hosts(source: TelemetrySource):
    """The running hosts of the source's contract (of its data center, if it names one)."""
    hosts = CloudHost.objects.filter(system__contract_id=source.contract_id,
                                     status=HostStatus.RUNNING).select_related("system")
    if source.data_center:
        hosts = hosts.filter(data_center=source.data_center)
    return hosts


def source_endpoints(source: TelemetrySource):
    """The enabled service endpoints of the contract's systems; a source of one data
    center probes those of the systems whose primary data center it is."""
    endpoints = ServiceEndpoint.objects.filter(system__contract_id=source.contract_id,
                                               enabled=True).select_related("system")
    if source.data_center:
        endpoints = endpoints.filter(system__primary_data_center=source.data_center)
    return endpoints


def address_of(instance: str) -> str:
    """Return the address of ``host:port`` (``[v6]:port``); a bare address as it is."""
    instance = instance.strip()
    if instance.startswith("["):
        return instance[1:].partition("]")[0]
    if instance.count(":") == 1:
        return instance.partition(":")[0]
    return instance


class LabelIndex:
    """Finds the one host or endpoint a label value names; two is as bad as none."""

    def __init__(self, label: str, keys_of: Callable[[object], list[str]], items,
                 key_of_value: Callable[[str], str] = str.strip) -> None:
        self.label = label
        self.key_of_value = key_of_value
        self.items: dict[str, list] = defaultdict(list)
        for item in items:
            for key in dict.fromkeys(str(key).strip() for key in keys_of(item)):
                self.items[key].append(item)

    def find(self, labels: dict[str, str]) -> tuple[object | None, str]:
        """Return the item the series' labels name, or None and why not."""
        value = labels.get(self.label)
        if value is None:
            return None, _("a series without the label %(label)s: %(labels)s") % {
                "label": self.label, "labels": _label_text(labels)}
        found = self.items.get(self.key_of_value(value), [])
        if len(found) == 1:
            return found[0], ""
        if not found:
            return None, f'{self.label}="{value}"'
        return None, _('%(label)s="%(value)s" names %(count)s targets: %(names)s') % {
            "label": self.label, "value": value, "count": len(found),
            "names": ", ".join(str(item) for item in found)}


def _label_text(labels: dict[str, str]) -> str:
    return "{" + ", ".join(f'{key}="{value}"' for key, value in sorted(labels.items())) + "}"


def host_index(hosts, options: dict) -> LabelIndex:
    if options["host_match"] == "name":
        return LabelIndex(options["host_label"], lambda host: [host.name], hosts)
    return LabelIndex(options["host_label"], lambda host: host.ip_addresses or [], hosts,
                      address_of)


# --- Samples -----------------------------------------------------------------------------

def clean_samples(metric: str, timestamps: np.ndarray, values: np.ndarray,
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Drop NaN (Prometheus' gaps) and pull fractions into [0, 1].

    ``rate()`` jitter can make an idle CPU read 1.0000001 idle, that is a busy fraction a
    hair below 0; ``ingest`` would refuse the whole batch for it, and with it every other
    host's samples.
    """
    keep = np.isfinite(timestamps) & np.isfinite(values)
    timestamps, values = timestamps[keep], values[keep]
    low_high = (0.0, 1.0) if metric in FRACTION_METRICS else (0.0, None)
    return timestamps, np.clip(values, *low_high)


def _state(source: TelemetrySource) -> dict:
    """The collector's state of a source; anything but an object (edited by hand) is none."""
    return source.state if isinstance(source.state, dict) else {}


def _one_sample(target, metric: str, at: float, value: float,
                interval: float) -> store.SeriesSamples:
    return store.SeriesSamples(target=target, metric=metric, timestamps=np.array([at]),
                               values=np.array([value]), interval_seconds=interval)


# --- Prometheus --------------------------------------------------------------------------

def pull_window(source: TelemetrySource, now: datetime, options: dict,
                ) -> tuple[int, int, bool] | None:
    """Return the window to pull, ``[since, until]`` in epoch milliseconds, and whether
    more remains after it; None when nothing new can be there yet.

    ``until`` trails the clock by ``lag_seconds``: a scrape is stored under the moment it
    started, up to its timeout later, and a pull must not pass samples still on their way.
    """
    latest = math.floor((now.timestamp() - options["lag_seconds"]) * 1000)
    stored_until = _state(source).get("until")
    if isinstance(stored_until, int | float) and not isinstance(stored_until, bool):
        since = round(stored_until * 1000)
    else:
        since = latest - round(options["backfill_seconds"] * 1000)
    oldest_kept = now - store.raw_retention() + timedelta(hours=1)
    since = max(since, math.ceil(oldest_kept.timestamp() * 1000))
    if latest <= since:
        return None
    until = min(latest, since + round(options["max_pull_seconds"] * 1000))
    return since, until, until < latest


def _pull(client: PrometheusClient, template: str | None, values: dict, metric: str,
          index: LabelIndex, window: tuple[int, int], interval: float,
          result: CollectResult) -> list[store.SeriesSamples]:
    """Run one query and turn each series it gives into samples of the target it names."""
    if not template:
        return []
    since, until = window
    batch = []
    for series in client.matrix(render(template, **values), until / 1000):
        target, why_not = index.find(series.labels)
        if target is None:
            result.add_unmapped(why_not)
            continue
        milliseconds = np.round(series.timestamps * 1000)
        inside = (milliseconds >= since) & (milliseconds <= until)
        timestamps, samples = clean_samples(metric, series.timestamps[inside],
                                            series.values[inside])
        if timestamps.size:
            batch.append(store.SeriesSamples(target, metric, timestamps, samples, interval))
    return batch


def collect_prometheus(source: TelemetrySource, now: datetime, result: CollectResult,
                       ) -> dict | None:
    """Pull the window after the last pull; return the new state."""
    options = read_mapping(source)
    if not source.url:
        raise MappingError(_("A Prometheus source needs the URL of its Prometheus server."))
    window = pull_window(source, now, options)
    if window is None:
        result.note = _("Nothing new to pull yet.")
        return None
    since, until, result.behind = window
    interval = float(source.interval_seconds)
    client = PrometheusClient(source.url, timeout=options["timeout_seconds"])
    queries = {**DEFAULT_QUERIES, **options["queries"]}
    values = {"job": options["node_job"], "probe_job": options["probe_job"],
              "label": options["host_label"], "range": duration((until - since) / 1000),
              "step": duration(interval), "rate": duration(options["rate_window_seconds"])}
    hosts = list(source_hosts(source))
    index = host_index(hosts, options)
    batch = []
    for metric in HOST_METRICS:
        batch += _pull(client, queries.get(metric), values, metric, index, (since, until),
                       interval, result)
    if options["probe_job"]:
        endpoints = LabelIndex(options["probe_label"], lambda endpoint: [endpoint.target],
                               source_endpoints(source))
        batch += _pull(client, queries.get("probe"), values, Metric.UP, endpoints,
                       (since, until), interval, result)
    _store(batch, result)
    seen = {series.target.pk for series in batch if isinstance(series.target, CloudHost)}
    result.silent = [host.name for host in hosts if host.pk not in seen]
    return {**_state(source), "until": until / 1000}


# --- Direct scraping ---------------------------------------------------------------------

def scrape_url(host: CloudHost, options: dict) -> str | None:
    """Return the URL of a host's node_exporter: the mapping's target, else its first IP
    address on the mapping's port."""
    target = options["targets"].get(host.name)
    if target is None:
        if not host.ip_addresses:
            return None
        address, port = str(host.ip_addresses[0]).strip(), options["port"]
        target = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    if "://" in target:
        return target
    return f"{options['scheme']}://{target}{options['path']}"


def _scrape(url: str, timeout: float):
    at = time.time()
    try:
        return at, scrape(url, timeout)
    except ScrapeError as error:
        return at, error


def _probe(endpoint: ServiceEndpoint, timeout: float) -> tuple[float, ProbeResult]:
    return time.time(), probe(endpoint.kind, endpoint.target, timeout)


def collect_direct(source: TelemetrySource, now: datetime, result: CollectResult) -> dict:
    """Scrape every running host and probe every endpoint once; return the new state
    (each host's CPU counters, for the next round's busy fraction)."""
    options = read_mapping(source)
    interval, timeout = float(source.interval_seconds), options["timeout_seconds"]
    urls = {}
    for host in source_hosts(source):
        url = scrape_url(host, options)
        if url is None:
            result.add_unmapped(_("%(host)s: no IP address and no target in the mapping")
                                % {"host": host.name})
        else:
            urls[host] = url
    endpoints = list(source_endpoints(source)) if options["probe_endpoints"] else []
    language = translation.get_language()

    def in_language(work, *args):
        """Run in a worker thread with the caller's language (activation is per thread)."""
        with translation.override(language):
            return work(*args)

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        scrapes = {host: pool.submit(in_language, _scrape, url, timeout)
                   for host, url in urls.items()}
        probes = {endpoint: pool.submit(in_language, _probe, endpoint, timeout)
                  for endpoint in endpoints}
    previous = _state(source).get("cpu")
    previous = previous if isinstance(previous, dict) else {}
    batch, cpu_state = [], {}
    for host, future in scrapes.items():
        at, reading = future.result()
        if isinstance(reading, ScrapeError):
            batch.append(_one_sample(host, Metric.UP, at, 0.0, interval))
            result.down.append(f"{host.name}: {reading}")
            continue
        batch += _host_samples(host, at, reading, previous.get(str(host.pk)), interval)
        cpu_state[str(host.pk)] = reading.cpu.as_state()
    for endpoint, future in probes.items():
        at, outcome = future.result()
        batch.append(_one_sample(endpoint, Metric.UP, at, float(outcome.success), interval))
        if not outcome.success:
            result.down.append(f"{endpoint}: {outcome.detail}")
    _store(batch, result)
    return {**_state(source), "cpu": cpu_state}


def _host_samples(host: CloudHost, at: float, reading: NodeReading, previous: dict | None,
                  interval: float) -> list[store.SeriesSamples]:
    samples = [_one_sample(host, Metric.UP, at, 1.0, interval),
               _one_sample(host, Metric.MEMORY, at, reading.memory_used_fraction, interval)]
    if reading.disk_used_bytes is not None:
        samples.append(_one_sample(host, Metric.DISK_USED, at, reading.disk_used_bytes,
                                   interval))
    before = CpuTimes.from_state(previous) if isinstance(previous, dict) else None
    busy = cpu_busy(before, reading.cpu)
    if busy is not None:
        samples.append(_one_sample(host, Metric.CPU, at, busy, interval))
    return samples


# --- One round ---------------------------------------------------------------------------

def _store(batch: list[store.SeriesSamples], result: CollectResult) -> None:
    ingested = store.ingest(batch)
    result.received, result.stored = ingested.received, ingested.stored
    result.hosts = len({series.target.pk for series in batch
                        if isinstance(series.target, CloudHost)})
    result.endpoints = len({series.target.pk for series in batch
                            if isinstance(series.target, ServiceEndpoint)})


COLLECTORS = {SourceKind.PROMETHEUS: collect_prometheus,
              SourceKind.NODE_EXPORTER: collect_direct}


def collect(source: TelemetrySource, now: datetime | None = None) -> CollectResult:
    """Run one round of a source; record its outcome on the source and return it.

    A source that fails (Prometheus unreachable, a refused query, an unusable mapping, a
    batch ``ingest`` refuses) keeps its state, so the next round pulls the same window
    again, and says why in ``last_error``.
    """
    now = now or timezone.now()
    result = CollectResult(source.name, source.kind)
    collector = COLLECTORS.get(source.kind)
    if collector is None:
        result.note = _("Nothing to collect: samples of a %(kind)s source arrive by "
                        "themselves.") % {"kind": source.get_kind_display()}
        return result
    state = None
    try:
        state = collector(source, now, result)
    except (PrometheusError, MappingError) as error:
        result.errors.append(str(error))
    except ValidationError as error:
        result.errors.append(_("The samples were refused: %(reason)s")
                             % {"reason": " ".join(error.messages)})
    if state is not None:
        source.state = state
    source.last_collected_at = now
    source.last_error = "\n".join(result.errors)
    source.save(update_fields=["state", "last_collected_at", "last_error"])
    return result


def is_due(source: TelemetrySource, now: datetime, every: float | None = None) -> bool:
    """Whether a source's interval (or ``every`` seconds) has passed since its last round."""
    seconds = every or source.interval_seconds
    last = source.last_collected_at
    return last is None or last <= now - timedelta(seconds=seconds)


def claim(source: TelemetrySource, now: datetime) -> bool:
    """Take a source for this round by a conditional UPDATE: 0 rows means another worker
    took it since it was read, and this one leaves it alone."""
    taken = TelemetrySource.objects.filter(
        pk=source.pk, last_collected_at=source.last_collected_at,
    ).update(last_collected_at=now)
    if taken:
        source.last_collected_at = now
    return bool(taken)
