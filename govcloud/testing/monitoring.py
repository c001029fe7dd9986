"""Real monitoring parts on 127.0.0.1 for the telemetry tests: node_exporter, Prometheus and
blackbox_exporter (Debian packages), each on a free port, and pytest fixtures sharing them.

Every part is a process of its own session (``start_new_session``) so that a signal meant
for pytest does not reach it; it is stopped with SIGTERM (all three exit on it), killed if
it lingers, and stopped again at interpreter exit so a crashed run leaves nothing behind.
Readiness is polled over HTTP, never waited for blindly.

Prometheus discovers its targets on a fixed 5 s tick, so its first sample arrives some
5.5 s after it starts: one Prometheus, with everything the tests scrape, serves the whole
session (``monitoring``). A node_exporter the tests stop and start again is a separate
target of it (``monitoring.flappy``), restarted on the same port by ``stopped()``.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

#: node_exporter's default filesystem types to leave out, without ``overlay``: in a
#: container the root filesystem is an overlay, and the tests read the root's size.
FS_TYPES_EXCLUDE = ("^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|"
                    "fusectl|hugetlbfs|iso9660|mqueue|nsfs|proc|procfs|pstore|rpc_pipefs|"
                    "securityfs|selinuxfs|squashfs|sysfs|tracefs)$")
#: Prometheus' first scrape comes 5.5–5.9 s after it starts; allow for a slow machine.
PROMETHEUS_FIRST_SAMPLE_SECONDS = 30.0
BLACKBOX_MODULES = {
    "http_2xx": {"prober": "http", "timeout": "2s", "http": {"preferred_ip_protocol": "ip4"}},
    "tcp_connect": {"prober": "tcp", "timeout": "2s", "tcp": {"preferred_ip_protocol": "ip4"}},
}


def free_port_on(address: str = "127.0.0.1") -> int:
    """Return a port nothing listens on right now at ``address`` (any 127.x.y.z works on
    Linux, which lets several "hosts" share one machine with distinct IP addresses)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((address, 0))
        return probe.getsockname()[1]


def wait_until(check: Callable[[], bool], timeout: float, what: str,
               every: float = 0.05) -> None:
    """Poll ``check`` until it holds; raise TimeoutError naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout:g} s")
        time.sleep(every)


class RealPart:
    """A server process on ``address:port`` with a scratch directory for its files."""

    name = "part"
    ready_path = "/metrics"
    start_timeout = 15.0

    def __init__(self, address: str = "127.0.0.1", port: int | None = None) -> None:
        self.address = address
        self.port = port or free_port_on(address)
        self.directory = Path(tempfile.mkdtemp(prefix=f"govcloud-{self.name}-"))
        self.process: subprocess.Popen | None = None
        atexit.register(self.close)

    @property
    def host_port(self) -> str:
        return f"{self.address}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.host_port}"

    def command(self) -> list[str]:
        raise NotImplementedError

    def log(self) -> str:
        """Return the end of the part's output, to explain a failure to start."""
        path = self.directory / "output.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n"
                               f"{self.log()}")
        try:
            return requests.get(self.url + self.ready_path, timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def start(self) -> RealPart:
        if self.process is not None and self.process.poll() is None:
            return self
        output = (self.directory / "output.log").open("ab")
        try:
            self.process = subprocess.Popen(self.command(), stdout=output,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            output.close()
        try:
            wait_until(self._ready, self.start_timeout, f"{self.name} on {self.host_port}")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)

    def restart(self) -> RealPart:
        """Start again on the same port (scrapers and probes keep their target)."""
        self.stop()
        return self.start()

    @contextlib.contextmanager
    def stopped(self) -> Iterator[None]:
        """Stop the part for the ``with`` block and start it again, whatever happens."""
        self.stop()
        try:
            yield
        finally:
            self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> RealPart:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.close()


class NodeExporter(RealPart):
    """node_exporter with the CPU, memory and filesystem collectors only: what govcloud
    reads, and a scrape quick enough for a one-second interval."""

    name = "node-exporter"

    def command(self) -> list[str]:
        return ["prometheus-node-exporter", f"--web.listen-address={self.host_port}",
                "--collector.disable-defaults", "--collector.cpu", "--collector.meminfo",
                "--collector.filesystem",
                f"--collector.filesystem.fs-types-exclude={FS_TYPES_EXCLUDE}"]

    @property
    def metrics_url(self) -> str:
        return self.url + "/metrics"


class BlackboxExporter(RealPart):
    """blackbox_exporter with the ``http_2xx`` and ``tcp_connect`` modules."""

    name = "blackbox-exporter"

    def command(self) -> list[str]:
        config = self.directory / "blackbox.yml"
        config.write_text(json.dumps({"modules": BLACKBOX_MODULES}))
        return ["prometheus-blackbox-exporter", f"--config.file={config}",
                f"--web.listen-address={self.host_port}"]


@dataclass(frozen=True)
class ScrapeTarget:
    """A target of the ``node`` job, with labels added to its series."""

    address: str
    labels: dict[str, str] | None = None


class Prometheus(RealPart):
    """Prometheus scraping every second: a ``node`` job over ``node_targets`` and, given a
    blackbox exporter, a ``blackbox`` job probing ``probe_targets`` with ``probe_module``
    (the target becomes the series' ``instance``, as blackbox's documentation does it).
    The TSDB lives in the scratch directory and goes with it."""

    name = "prometheus"
    ready_path = "/-/ready"

    def __init__(self, node_targets: list[str | ScrapeTarget], *,
                 blackbox: BlackboxExporter | None = None, probe_targets: list[str] = (),
                 probe_module: str = "tcp_connect", extra_args: list[str] = (),
                 address: str = "127.0.0.1", port: int | None = None) -> None:
        super().__init__(address, port)
        self.node_targets = [target if isinstance(target, ScrapeTarget) else
                             ScrapeTarget(target) for target in node_targets]
        self.blackbox = blackbox
        self.probe_targets = list(probe_targets)
        self.probe_module = probe_module
        self.extra_args = list(extra_args)

    def config(self) -> dict:
        static = [{"targets": [target.address], "labels": target.labels or {}}
                  for target in self.node_targets]
        jobs = [{"job_name": "node", "static_configs": static}]
        if self.blackbox is not None:
            jobs.append({
                "job_name": "blackbox", "metrics_path": "/probe",
                "params": {"module": [self.probe_module]},
                "static_configs": [{"targets": self.probe_targets}],
                "relabel_configs": [
                    {"source_labels": ["__address__"], "target_label": "__param_target"},
                    {"source_labels": ["__param_target"], "target_label": "instance"},
                    {"target_label": "__address__", "replacement": self.blackbox.host_port},
                ],
            })
        return {"global": {"scrape_interval": "1s", "scrape_timeout": "1s",
                           "evaluation_interval": "1s"},
                "scrape_configs": jobs}

    def command(self) -> list[str]:
        config = self.directory / "prometheus.yml"
        config.write_text(json.dumps(self.config()))
        return ["prometheus", f"--config.file={config}",
                f"--storage.tsdb.path={self.directory / 'data'}",
                f"--web.listen-address={self.host_port}",
                "--storage.tsdb.retention.time=1d", *self.extra_args]

    def query(self, expression: str, at: float | None = None) -> list[dict]:
        """Return the result of an instant query (Prometheus' own JSON), for the tests'
        side of a comparison."""
        params = {"query": expression}
        if at is not None:
            params["time"] = f"{at:.3f}"
        response = requests.get(self.url + "/api/v1/query", params=params, timeout=10)
        response.raise_for_status()
        return response.json()["data"]["result"]

    def value(self, expression: str, at: float | None = None) -> float | None:
        """Return the value of a one-series instant query, or None if it has no series."""
        result = self.query(expression, at)
        return float(result[0]["value"][1]) if result else None

    def wait_for(self, expression: str, value: float,
                 timeout: float = PROMETHEUS_FIRST_SAMPLE_SECONDS) -> None:
        """Wait until the one-series ``expression`` has ``value``."""
        wait_until(lambda: self.value(expression) == value, timeout,
                   f"Prometheus: {expression} == {value}", every=0.1)


@dataclass
class MonitoringStack:
    """One Prometheus scraping two node_exporters on two loopback addresses and a target
    where nothing listens, and probing an open and a closed TCP port through blackbox.

    ``steady`` (127.0.0.1) stays up; ``flappy`` (127.0.0.2) may be stopped inside
    ``with stack.flappy.stopped():``. Both carry the label ``host`` = ``node-a`` and
    ``node-b``, for matching by name.
    """

    prometheus: Prometheus
    steady: NodeExporter
    flappy: NodeExporter
    blackbox: BlackboxExporter
    ghost: str
    open_port: str
    closed_port: str

    def wait_for_samples(self, count: int) -> None:
        """Wait until Prometheus holds ``count`` samples of the steady node (a rate needs
        several, and the stack is ready at the first)."""
        expression = (f'count_over_time(up{{job="node",instance="{self.steady.host_port}"}}'
                      '[1h])')
        wait_until(lambda: (self.prometheus.value(expression) or 0) >= count, count + 10.0,
                   f"Prometheus: {count} samples", every=0.1)

    def close(self) -> None:
        for part in (self.prometheus, self.blackbox, self.flappy, self.steady):
            part.close()


def start_monitoring_stack() -> MonitoringStack:
    steady = NodeExporter("127.0.0.1")
    flappy = NodeExporter("127.0.0.2")
    blackbox = BlackboxExporter()
    ghost = f"127.0.0.3:{free_port_on('127.0.0.3')}"
    closed = f"127.0.0.1:{free_port_on()}"
    targets = [ScrapeTarget(steady.host_port, {"host": "node-a"}),
               ScrapeTarget(flappy.host_port, {"host": "node-b"}), ScrapeTarget(ghost)]
    prometheus = Prometheus(targets, blackbox=blackbox,
                            probe_targets=[steady.host_port, closed])
    stack = MonitoringStack(prometheus, steady, flappy, blackbox, ghost, steady.host_port,
                            closed)
    try:
        for part in (steady, flappy, blackbox, prometheus):
            part.start()
        for address in (steady.host_port, flappy.host_port):
            prometheus.wait_for(f'up{{job="node",instance="{address}"}}', 1)
        prometheus.wait_for(f'probe_success{{instance="{closed}"}}', 0)
        prometheus.wait_for(f'probe_success{{instance="{steady.host_port}"}}', 1)
    except BaseException:
        stack.close()
        raise
    return stack


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:
        """Keep the test output clean of access logs."""


class StaticWebServer:
    """Python's own HTTP server in a thread: ``/`` is a page (200), anything else is 404.

    A service endpoint for the HTTP probes, and a page that is not a node_exporter's.
    """

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="govcloud-web-"))
        (self.directory / "index.html").write_text("<html><body>ok</body></html>")
        handler = partial(QuietHandler, directory=str(self.directory))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StaticWebServer:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture(scope="session")
def web_server() -> Iterator[StaticWebServer]:
    with StaticWebServer() as server:
        yield server


@pytest.fixture(scope="session")
def unresponsive_server() -> Iterator[str]:
    """``host:port`` of a socket that listens but never answers: connections are taken by
    the kernel's backlog, requests time out."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"127.0.0.1:{listener.getsockname()[1]}"


@pytest.fixture(scope="session")
def monitoring() -> Iterator[MonitoringStack]:
    """The session's Prometheus with its exporters, ready (every target scraped once)."""
    stack = start_monitoring_stack()
    try:
        yield stack
    finally:
        stack.close()


@pytest.fixture
def node_exporter() -> Iterator[NodeExporter]:
    """A node_exporter of the test's own (it starts in some 50 ms), free to be stopped."""
    with NodeExporter() as part:
        yield part


@pytest.fixture(scope="session")
def blackbox_exporter(monitoring) -> BlackboxExporter:
    """The session's blackbox_exporter (the one Prometheus probes through)."""
    return monitoring.blackbox
