"""Collecting into the database from real parts: a Prometheus pulled through its API (the
session's, scraping two node_exporters and probing through blackbox_exporter) and
node_exporters scraped directly; availability agrees with Prometheus' own
``avg_over_time(up[…])`` over the same window."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Max, Min, Sum
from django.utils import timezone, translation

from govcloud.inventory.models import ApplicationSystem, CloudHost
from govcloud.telemetry.choices import ProbeKind, SourceKind
from govcloud.telemetry.collect import claim, collect, is_due, mapping_problems
from govcloud.telemetry.management.commands.telemetry import Command
from govcloud.telemetry.models import (
    HostHourly,
    ProbeHourly,
    SampleBucket,
    ServiceEndpoint,
    TelemetrySource,
)
from govcloud.testing.monitoring import free_port_on

BACKFILL = 3600
DATA_CENTER = "DC-T"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def monitoring(monitoring):
    """The session's Prometheus, with a few seconds of samples (a CPU rate needs several)."""
    monitoring.wait_for_samples(5)
    return monitoring


def prometheus_source(cast, url: str, **mapping) -> TelemetrySource:
    """A source pulling every second's samples, as the session's Prometheus scrapes."""
    return TelemetrySource.objects.create(
        contract=cast.contract_a, name="prometheus", kind=SourceKind.PROMETHEUS, url=url,
        mapping=mapping, interval_seconds=1)


def direct_source(cast, **mapping) -> TelemetrySource:
    """A direct-scraping source of one data center, so the cast's other hosts (10.0.0.1)
    are left alone."""
    return TelemetrySource.objects.create(
        contract=cast.contract_a, name="direct", kind=SourceKind.NODE_EXPORTER,
        data_center=DATA_CENTER, mapping=mapping, interval_seconds=60)


def give(host: CloudHost, **fields) -> None:
    CloudHost.objects.filter(pk=host.pk).update(**fields)


def availability(model, **target) -> tuple[float, float, int]:
    """Return seconds up, seconds observed and samples over every hour of a target."""
    sums = model.objects.filter(**target).aggregate(
        up=Sum("seconds_up"), observed=Sum("seconds_observed"), samples=Sum("samples"))
    return sums["up"] or 0.0, sums["observed"] or 0.0, sums["samples"] or 0


def prometheus_average(monitoring, selector: str, source: TelemetrySource) -> float:
    """Prometheus' own availability over the window the first pull of ``source`` took."""
    return monitoring.prometheus.value(f"avg_over_time({selector}[{BACKFILL * 1000}ms])",
                                       at=source.state["until"])


# --- pulled from Prometheus ---------------------------------------------------------------


def test_a_pull_stores_availability_equal_to_prometheus_own_average(cast, monitoring):
    give(cast.host_a1, ip_addresses=["127.0.0.1"])
    source = prometheus_source(cast, monitoring.prometheus.url)

    result = collect(source)

    source.refresh_from_db()
    assert result.ok and source.last_error == "" and source.last_collected_at
    selector = f'up{{job="node",instance="{monitoring.steady.host_port}"}}'
    seconds_up, observed, samples = availability(HostHourly, host=cast.host_a1)
    assert samples == monitoring.prometheus.value(
        f"count_over_time({selector}[{BACKFILL * 1000}ms])", at=source.state["until"])
    assert abs(seconds_up / observed - prometheus_average(monitoring, selector, source)) < 1e-9
    hours = HostHourly.objects.filter(host=cast.host_a1)
    assert sum(hour.cpu_samples for hour in hours) > 0
    assert all(0 <= hour.cpu_max <= 1 and 0 < hour.memory_max < 1 and hour.disk_used_bytes > 0
               for hour in hours if hour.cpu_samples)


def test_a_host_of_another_contract_is_never_matched(cast, monitoring):
    give(cast.host_a1, ip_addresses=["127.0.0.1"])
    give(cast.host_b1, ip_addresses=["127.0.0.1"])
    source = prometheus_source(cast, monitoring.prometheus.url)

    collect(source)

    assert HostHourly.objects.filter(host=cast.host_a1).exists()
    assert not HostHourly.objects.filter(host=cast.host_b1).exists()
    assert not SampleBucket.objects.filter(host=cast.host_b1).exists()


def test_series_that_name_no_host_are_reported_and_the_rest_is_stored(cast, monitoring):
    give(cast.host_a1, ip_addresses=["127.0.0.1"])
    source = prometheus_source(cast, monitoring.prometheus.url)

    result = collect(source)

    assert result.ok and result.hosts == 1 and result.stored > 0
    assert f'instance="{monitoring.ghost}"' in result.unmapped
    assert f'instance="{monitoring.flappy.host_port}"' in result.unmapped
    assert result.silent == [cast.host_a2.name]


def test_a_series_that_names_two_hosts_goes_to_neither(cast, monitoring):
    give(cast.host_a1, ip_addresses=["127.0.0.1"])
    give(cast.host_a2, ip_addresses=["127.0.0.1", "10.0.0.9"])
    source = prometheus_source(cast, monitoring.prometheus.url)

    result = collect(source)

    assert result.ok and result.hosts == 0
    assert (f'instance="{monitoring.steady.host_port}" names 2 targets: '
            f"{cast.host_a1.name}, {cast.host_a2.name}") in result.unmapped
    assert not HostHourly.objects.filter(host__in=[cast.host_a1, cast.host_a2]).exists()


def test_a_second_pull_of_the_same_window_stores_nothing_new(cast, monitoring):
    give(cast.host_a1, ip_addresses=["127.0.0.1"])
    source = prometheus_source(cast, monitoring.prometheus.url)
    now = timezone.now()
    first = collect(source, now)
    hours = list(HostHourly.objects.filter(host=cast.host_a1).values())

    source.state = {}
    again = collect(source, now)

    assert first.stored > 0 and again.received == first.received and again.stored == 0
    assert list(HostHourly.objects.filter(host=cast.host_a1).values()) == hours


def test_the_next_pull_starts_where_the_last_one_ended(cast, monitoring):
    give(cast.host_a1, ip_addresses=["127.0.0.1"])
    source = prometheus_source(cast, monitoring.prometheus.url, backfill_seconds=20,
                               max_pull_seconds=5)
    now = timezone.now()

    first = collect(source, now)
    reached = source.state["until"]
    second = collect(source, now)

    assert first.behind and second.behind
    assert reached == pytest.approx(now.timestamp() - 1 - 20 + 5, abs=0.002)
    assert source.state["until"] == pytest.approx(reached + 5, abs=0.002)


def test_stopping_node_exporter_shows_up_as_downtime_through_prometheus(cast, monitoring):
    give(cast.host_a2, ip_addresses=["127.0.0.2"])
    source = prometheus_source(cast, monitoring.prometheus.url)
    selector = f'up{{job="node",instance="{monitoring.flappy.host_port}"}}'
    with monitoring.flappy.stopped():
        monitoring.prometheus.wait_for(selector, 0, timeout=10)
    monitoring.prometheus.wait_for(selector, 1, timeout=10)

    collect(source)

    seconds_up, observed, _samples = availability(HostHourly, host=cast.host_a2)
    assert seconds_up < observed
    assert HostHourly.objects.filter(host=cast.host_a2, first_down_at__isnull=False).exists()
    assert abs(seconds_up / observed - prometheus_average(monitoring, selector, source)) < 1e-9


def test_hosts_are_matched_by_name_on_a_label_of_their_target(cast, monitoring):
    give(cast.host_a1, name="node-a")
    source = prometheus_source(cast, monitoring.prometheus.url, host_label="host",
                               host_match="name")

    result = collect(source)

    assert result.hosts == 1
    figures = HostHourly.objects.filter(host=cast.host_a1).aggregate(
        cpu=Sum("cpu_samples"), memory=Sum("memory_samples"), samples=Sum("samples"))
    assert figures["cpu"] > 0 and figures["memory"] > 0 and figures["samples"] > 0


def test_blackbox_probes_are_pulled_as_endpoint_availability(cast, monitoring):
    opened = ServiceEndpoint.objects.create(system=cast.system_a1, name="open",
                                            kind=ProbeKind.TCP, target=monitoring.open_port)
    closed = ServiceEndpoint.objects.create(system=cast.system_a1, name="closed",
                                            kind=ProbeKind.TCP, target=monitoring.closed_port)
    source = prometheus_source(cast, monitoring.prometheus.url, probe_job="blackbox")

    result = collect(source)

    assert result.ok and result.endpoints == 2
    opened_up, opened_observed, opened_samples = availability(ProbeHourly, endpoint=opened)
    closed_up, closed_observed, _samples = availability(ProbeHourly, endpoint=closed)
    assert opened_samples > 0 and opened_up == opened_observed
    assert closed_observed > 0 and closed_up == 0
    assert ProbeHourly.objects.filter(endpoint=closed, first_down_at__isnull=False).exists()
    selector = f'probe_success{{instance="{monitoring.closed_port}"}}'
    assert prometheus_average(monitoring, selector, source) == 0


def test_an_unreachable_prometheus_is_recorded_not_raised(cast):
    url = f"http://127.0.0.1:{free_port_on()}"
    source = prometheus_source(cast, url)

    result = collect(source)

    source.refresh_from_db()
    assert not result.ok
    assert f"Prometheus at {url}" in source.last_error
    assert "Connection refused" in source.last_error
    assert source.state == {} and source.last_collected_at is not None


def test_a_refused_query_is_recorded_with_prometheus_own_message(cast, monitoring):
    give(cast.host_a1, ip_addresses=["127.0.0.1"])
    source = prometheus_source(cast, monitoring.prometheus.url,
                               queries={"cpu": "rate(node_cpu_seconds_total[$range]"})

    result = collect(source)

    assert not result.ok and "parse error" in source.last_error
    assert not SampleBucket.objects.filter(host=cast.host_a1).exists()
    assert source.state == {}


def test_a_success_clears_the_last_error(cast, monitoring):
    source = prometheus_source(cast, monitoring.prometheus.url)
    source.last_error = "Cannot reach Prometheus"

    collect(source)

    source.refresh_from_db()
    assert source.last_error == ""


def test_an_unusable_mapping_is_recorded_key_by_key(cast, monitoring):
    source = prometheus_source(cast, monitoring.prometheus.url, host_lable="instance",
                               host_match="mac")

    result = collect(source)

    assert not result.ok
    assert "host_lable is unknown" in source.last_error
    assert 'host_match must be "ip" or "name"' in source.last_error
    assert mapping_problems(SourceKind.NODE_EXPORTER, {"port": 9100, "node_job": "x"}) == []
    assert mapping_problems(SourceKind.NODE_EXPORTER, ["port"]) == [
        "The mapping must be a JSON object."]


# --- scraped directly ---------------------------------------------------------------------


def in_data_center(*hosts: CloudHost) -> None:
    for host in hosts:
        give(host, data_center=DATA_CENTER)


def test_direct_scraping_stores_up_cpu_memory_and_disk(cast, node_exporter):
    in_data_center(cast.host_a1)
    source = direct_source(cast, targets={cast.host_a1.name: node_exporter.host_port},
                           probe_endpoints=False)

    first = collect(source)
    second = collect(source)

    assert first.ok and second.ok and first.hosts == 1
    hours = HostHourly.objects.filter(host=cast.host_a1).aggregate(
        samples=Sum("samples"), samples_up=Sum("samples_up"), up=Sum("seconds_up"),
        observed=Sum("seconds_observed"), cpu=Sum("cpu_samples"), cpu_max=Max("cpu_max"),
        memory=Sum("memory_samples"), memory_low=Min("memory_max"),
        memory_high=Max("memory_max"), disk=Min("disk_used_bytes"))
    assert hours["samples"] == hours["samples_up"] == 2
    assert hours["up"] == hours["observed"] == 120
    assert hours["cpu"] == 1 and 0 <= hours["cpu_max"] <= 1
    assert hours["memory"] == 2 and 0 < hours["memory_low"] <= hours["memory_high"] < 1
    assert hours["disk"] > 0
    assert set(source.state["cpu"]) == {str(cast.host_a1.pk)}


def test_one_unreachable_host_does_not_stop_the_others(cast, node_exporter):
    in_data_center(cast.host_a1, cast.host_a2)
    closed = f"127.0.0.1:{free_port_on()}"
    source = direct_source(cast, targets={cast.host_a1.name: node_exporter.host_port,
                                          cast.host_a2.name: closed}, probe_endpoints=False)

    result = collect(source)

    assert result.ok and result.hosts == 2
    assert result.down == [f"{cast.host_a2.name}: Cannot reach http://{closed}/metrics: "
                           "Connection refused"]
    assert availability(HostHourly, host=cast.host_a1)[:2] == (60, 60)
    assert availability(HostHourly, host=cast.host_a2)[:2] == (0, 60)


def test_stopping_node_exporter_shows_up_as_downtime_when_scraped_directly(cast,
                                                                           node_exporter):
    in_data_center(cast.host_a1)
    source = direct_source(cast, targets={cast.host_a1.name: node_exporter.host_port},
                           probe_endpoints=False)

    collect(source)
    with node_exporter.stopped():
        collect(source)
    collect(source)

    seconds_up, observed, samples = availability(HostHourly, host=cast.host_a1)
    assert (samples, seconds_up, observed) == (3, 120, 180)
    assert HostHourly.objects.filter(host=cast.host_a1, first_down_at__isnull=False).exists()


def test_a_page_that_is_not_a_node_exporter_counts_as_down(cast, monitoring):
    in_data_center(cast.host_a1)
    metrics = monitoring.prometheus.url + "/metrics"
    source = direct_source(cast, targets={cast.host_a1.name: metrics}, probe_endpoints=False)

    result = collect(source)

    assert result.ok
    assert result.down == [f"{cast.host_a1.name}: {metrics} is not a node_exporter: it has "
                           "no node_cpu_seconds_total, node_memory_MemTotal_bytes, "
                           "node_memory_MemAvailable_bytes."]
    assert availability(HostHourly, host=cast.host_a1)[:2] == (0, 60)


def test_a_host_with_no_address_is_reported_not_scraped(cast):
    in_data_center(cast.host_a1)
    give(cast.host_a1, ip_addresses=[])
    source = direct_source(cast, probe_endpoints=False)

    result = collect(source)

    assert result.ok and result.hosts == 0
    assert result.unmapped == [f"{cast.host_a1.name}: no IP address and no target in the "
                               "mapping"]


def test_the_collector_probes_tcp_and_http_endpoints(cast, node_exporter, web_server):
    ApplicationSystem.objects.filter(pk=cast.system_a1.pk).update(
        primary_data_center=DATA_CENTER)
    ServiceEndpoint.objects.filter(system=cast.system_a1).update(enabled=False)
    unused = free_port_on()
    targets = {"tcp open": (ProbeKind.TCP, node_exporter.host_port),
               "tcp closed": (ProbeKind.TCP, f"127.0.0.1:{unused}"),
               "http 200": (ProbeKind.HTTP, web_server.url + "/"),
               "http 404": (ProbeKind.HTTP, web_server.url + "/missing"),
               "http unreachable": (ProbeKind.HTTP, f"http://127.0.0.1:{unused}/")}
    endpoints = {name: ServiceEndpoint.objects.create(system=cast.system_a1, name=name,
                                                      kind=kind, target=target)
                 for name, (kind, target) in targets.items()}
    source = direct_source(cast)

    result = collect(source)

    assert result.ok and result.endpoints == 5 and result.hosts == 0
    up = {name: availability(ProbeHourly, endpoint=endpoint)[:2]
          for name, endpoint in endpoints.items()}
    assert up == {"tcp open": (60, 60), "tcp closed": (0, 60), "http 200": (60, 60),
                  "http 404": (0, 60), "http unreachable": (0, 60)}
    assert len(result.down) == 3


def test_push_and_simulator_sources_have_nothing_to_collect(cast):
    source = TelemetrySource.objects.get(contract=cast.contract_a, kind=SourceKind.PUSH)

    result = collect(source)

    assert result.ok and result.received == 0
    assert "Nothing to collect" in result.note
    source.refresh_from_db()
    assert source.last_collected_at is None


# --- the command --------------------------------------------------------------------------


def test_the_command_collects_each_source_once_and_prints_a_line(cast, monitoring):
    give(cast.host_a1, ip_addresses=["127.0.0.1"])
    prometheus_source(cast, monitoring.prometheus.url)
    out = StringIO()

    call_command("telemetry", "collect", "--once", "--contract", cast.contract_a.code,
                 "--source", "prometheus", "--language", "en", stdout=out)

    (line,) = out.getvalue().splitlines()
    assert line.startswith(f"{cast.contract_a.code} / prometheus (prometheus): stored ")
    assert "1 hosts" in line and "unmapped" in line
    assert HostHourly.objects.filter(host=cast.host_a1).exists()


def test_the_looping_command_collects_in_rounds_until_stopped(cast, monitoring):
    give(cast.host_a1, ip_addresses=["127.0.0.1"])
    prometheus_source(cast, monitoring.prometheus.url)
    command, out = Command(), StringIO()
    stopper = threading.Timer(1.8, command.stop.set)
    stopper.start()

    try:
        call_command(command, "collect", "--source", "prometheus", "--interval", "0.5",
                     "--language", "en", stdout=out)
    finally:
        stopper.cancel()

    rounds = out.getvalue().splitlines()
    assert len(rounds) >= 2
    assert all(line.startswith(f"{cast.contract_a.code} / prometheus") for line in rounds)


def test_the_command_says_when_no_source_matches(cast):
    with pytest.raises(CommandError, match="no enabled telemetry source matches --source"):
        call_command("telemetry", "collect", "--once", "--source", "nowhere")
    with pytest.raises(CommandError, match="--interval must be"):
        call_command("telemetry", "collect", "--once", "--interval", "0")


def test_the_command_prunes_raw_samples(cast):
    out = StringIO()

    call_command("telemetry", "prune", stdout=out)

    assert out.getvalue().startswith("dropped 0 raw sample buckets older than")


def test_a_source_is_claimed_by_one_worker_per_round(cast, monitoring):
    source = prometheus_source(cast, monitoring.prometheus.url)
    stale = TelemetrySource.objects.get(pk=source.pk)
    now = timezone.now()

    assert is_due(source, now) and claim(source, now)
    assert not claim(stale, now)
    assert not is_due(source, now)
