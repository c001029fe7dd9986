"""The sources against real parts: a node_exporter scraped, probes of real ports and pages,
and Prometheus' HTTP API answering (and refusing) govcloud's queries."""

from __future__ import annotations

import time

import numpy as np
import pytest
from django.utils import translation

from govcloud.telemetry.sources.node_exporter import CpuTimes, ScrapeError, cpu_busy, scrape
from govcloud.telemetry.sources.probes import probe_http, probe_tcp
from govcloud.telemetry.sources.prometheus import (
    DEFAULT_QUERIES,
    PrometheusClient,
    PrometheusError,
    duration,
    render,
)
from govcloud.testing.monitoring import free_port_on


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# --- node_exporter ------------------------------------------------------------------------


def test_a_scrape_reads_cpu_memory_and_the_root_filesystem(node_exporter):
    reading = scrape(node_exporter.metrics_url)

    assert {"idle", "user", "system"} <= set(reading.cpu.by_mode)
    assert reading.cpu.total > reading.cpu.idle > 0
    assert reading.memory_total > reading.memory_available > 0
    assert 0 < reading.memory_used_fraction < 1
    assert reading.root_size > reading.root_avail > 0
    assert reading.disk_used_bytes == reading.root_size - reading.root_avail


def test_the_cpu_busy_fraction_comes_from_two_readings(node_exporter):
    first = scrape(node_exporter.metrics_url)
    time.sleep(0.2)  # the counters move in 10 ms ticks; two at once would tell nothing
    second = scrape(node_exporter.metrics_url)

    busy = cpu_busy(first.cpu, second.cpu)
    assert busy is not None and 0 <= busy <= 1
    assert cpu_busy(None, second.cpu) is None
    assert cpu_busy(second.cpu, first.cpu) is None  # counters going back: a reboot


def test_cpu_times_survive_the_collectors_state_and_refuse_a_mangled_one(node_exporter):
    times = scrape(node_exporter.metrics_url).cpu

    assert CpuTimes.from_state(times.as_state()) == times
    assert CpuTimes.from_state({"at": "soon"}) is None


def test_a_stopped_node_exporter_is_a_scrape_error_naming_the_url(node_exporter):
    node_exporter.stop()

    with pytest.raises(ScrapeError, match="Connection refused") as refused:
        scrape(node_exporter.metrics_url)
    assert node_exporter.metrics_url in str(refused.value)


def test_a_missing_page_is_a_scrape_error_with_its_status(web_server):
    with pytest.raises(ScrapeError, match="HTTP status 404"):
        scrape(web_server.url + "/metrics")


def test_an_html_page_is_not_the_text_format(web_server):
    with pytest.raises(ScrapeError, match="Prometheus text format"):
        scrape(web_server.url + "/")


def test_prometheus_own_metrics_are_not_a_node_exporter(monitoring):
    with pytest.raises(ScrapeError, match=r"is not a node_exporter.*node_cpu_seconds_total"):
        scrape(monitoring.prometheus.url + "/metrics")


def test_a_scrape_that_gets_no_answer_times_out(unresponsive_server):
    with pytest.raises(ScrapeError, match=r"did not answer within 0\.3 s"):
        scrape(f"http://{unresponsive_server}/metrics", timeout=0.3)


# --- probes -------------------------------------------------------------------------------


def test_a_tcp_probe_tells_an_open_port_from_a_closed_one(node_exporter):
    opened = probe_tcp(node_exporter.host_port)
    closed = probe_tcp(f"127.0.0.1:{free_port_on()}")

    assert opened.success and opened.seconds >= 0
    assert not closed.success and closed.detail == "Connection refused"
    assert not probe_tcp("no-port-here").success


def test_an_http_probe_succeeds_below_status_400_only(web_server, unresponsive_server):
    found = probe_http(web_server.url + "/")
    missing = probe_http(web_server.url + "/missing")
    unreachable = probe_http(f"http://127.0.0.1:{free_port_on()}/")
    silent = probe_http(f"http://{unresponsive_server}/", timeout=0.3)

    assert found.success and found.detail == "HTTP status 200"
    assert not missing.success and missing.detail == "HTTP status 404"
    assert not unreachable.success and unreachable.detail == "Connection refused"
    assert not silent.success and "0.3" in silent.detail


# --- Prometheus ---------------------------------------------------------------------------


def test_a_range_selector_returns_the_raw_samples_prometheus_averages(monitoring):
    """The ground the availability comparison stands on: the pulled samples are the ones
    ``avg_over_time`` averages, both ends of the window included."""
    monitoring.wait_for_samples(4)
    client = PrometheusClient(monitoring.prometheus.url)
    selector = f'up{{job="node",instance="{monitoring.steady.host_port}"}}'
    at = time.time() - 1.5
    (series,) = client.matrix(f"{selector}[10000ms]", at)
    ((_labels, average),) = client.vector(f"avg_over_time({selector}[10000ms])", at)

    assert series.labels["instance"] == monitoring.steady.host_port
    assert series.values.size >= 2 and np.all(np.diff(series.timestamps) > 0.5)
    assert abs(series.values.mean() - average) < 1e-12
    first, last = series.timestamps[0], series.timestamps[-1]
    (between,) = client.matrix(f"{selector}[{duration(last - first)}]", last)
    assert between.timestamps.size == series.timestamps.size  # both ends included


def test_the_default_queries_give_fractions_and_bytes_per_instance(monitoring):
    monitoring.wait_for_samples(4)
    client = PrometheusClient(monitoring.prometheus.url)
    values = {"job": "node", "probe_job": "blackbox", "label": "instance",
              "range": "5000ms", "step": "1000ms", "rate": "4000ms"}
    at = time.time() - 1
    found = {metric: {series.labels["instance"]: series.values for series in
                      client.matrix(render(DEFAULT_QUERIES[metric], **values), at)}
             for metric in ("cpu", "memory", "disk_used", "probe")}

    steady = monitoring.steady.host_port
    assert np.all((found["cpu"][steady] >= -1e-9) & (found["cpu"][steady] <= 1 + 1e-9))
    assert np.all((found["memory"][steady] > 0) & (found["memory"][steady] < 1))
    assert np.all(found["disk_used"][steady] > 0)
    assert set(found["probe"]) == {monitoring.open_port, monitoring.closed_port}
    assert np.all(found["probe"][monitoring.closed_port] == 0)


def test_an_unreachable_prometheus_is_named_in_the_error():
    url = f"http://127.0.0.1:{free_port_on()}"

    with pytest.raises(PrometheusError, match="Connection refused") as refused:
        PrometheusClient(url).matrix("up[1m]", time.time())
    assert f"Prometheus at {url}" in str(refused.value)


def test_a_bad_expression_is_refused_with_prometheus_own_message(monitoring):
    client = PrometheusClient(monitoring.prometheus.url)

    with pytest.raises(PrometheusError, match=r"HTTP status 400, bad_data\).*parse error"):
        client.matrix('up{job="node"', time.time())


def test_an_instant_vector_is_not_taken_for_a_range(monitoring):
    with pytest.raises(PrometheusError, match="gives a vector, not a range"):
        PrometheusClient(monitoring.prometheus.url).matrix("up", time.time())


def test_a_server_that_is_not_prometheus_is_told_apart(web_server):
    with pytest.raises(PrometheusError, match="HTTP status 404 with something other than"):
        PrometheusClient(web_server.url).matrix("up[1m]", time.time())


def test_a_prometheus_that_does_not_answer_times_out(unresponsive_server):
    client = PrometheusClient(f"http://{unresponsive_server}", timeout=0.3)

    with pytest.raises(PrometheusError, match=r"did not answer within 0\.3 s"):
        client.matrix("up[1m]", time.time())


def test_a_query_with_an_unknown_placeholder_is_refused():
    with pytest.raises(PrometheusError, match="unknown placeholder"):
        render("up[$ragne]", range="60000ms")
