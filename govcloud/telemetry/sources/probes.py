"""Probes of a system's service endpoints: a TCP connect or an HTTP GET, with a timeout.

govcloud's collector runs them where no blackbox_exporter probes the network (KPI 7).
Success means what blackbox_exporter's ``tcp_connect`` and ``http_2xx`` modules mean by
it: the connection was accepted, or the answer's status was below 400 (redirects
followed). A probe never raises: a failure is a result, with the reason in words.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass

import requests
from django.utils.translation import gettext as _

from govcloud.telemetry.choices import ProbeKind

DEFAULT_TIMEOUT = 5.0


@dataclass(frozen=True)
class ProbeResult:
    success: bool
    seconds: float
    detail: str = ""


def network_reason(error: BaseException) -> str:
    """Return the operating system's words for a network failure buried in ``error``.

    requests wraps the refusal in three layers of urllib3 objects whose text names memory
    addresses; the innermost OSError says "Connection refused", which is what a reader
    needs.
    """
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and current.strerror:
            return current.strerror
        for inner in (getattr(current, "reason", None), current.__cause__,
                      current.__context__, *current.args):
            if isinstance(inner, BaseException):
                pending.append(inner)
    return str(error)


def split_host_port(target: str) -> tuple[str, int]:
    """Split ``host:port`` (``[v6]:port`` for IPv6); raise ValueError if it is not one."""
    host, separator, port = target.strip().rpartition(":")
    if not separator or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(target)
    return host.strip("[]"), int(port)


def probe_tcp(target: str, timeout: float = DEFAULT_TIMEOUT) -> ProbeResult:
    """Try to open a TCP connection to ``host:port``."""
    started = time.monotonic()
    try:
        host, port = split_host_port(target)
    except ValueError:
        return ProbeResult(False, 0.0, _("%(target)s is not host:port.") % {"target": target})
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except TimeoutError:
        return ProbeResult(False, time.monotonic() - started,
                           _("no connection within %(seconds)s s") % {"seconds": timeout})
    except OSError as error:
        return ProbeResult(False, time.monotonic() - started, network_reason(error))
    return ProbeResult(True, time.monotonic() - started)


def probe_http(url: str, timeout: float = DEFAULT_TIMEOUT) -> ProbeResult:
    """GET ``url``; success is an answer with a status below 400. The body is not read."""
    started = time.monotonic()
    try:
        with requests.get(url, timeout=timeout, stream=True) as response:
            status = response.status_code
    except requests.Timeout:
        return ProbeResult(False, time.monotonic() - started,
                           _("no answer within %(seconds)s s") % {"seconds": timeout})
    except requests.RequestException as error:
        return ProbeResult(False, time.monotonic() - started, network_reason(error))
    seconds = time.monotonic() - started
    if status >= 400:
        return ProbeResult(False, seconds, _("HTTP status %(status)s") % {"status": status})
    return ProbeResult(True, seconds, _("HTTP status %(status)s") % {"status": status})


def probe(kind: str, target: str, timeout: float = DEFAULT_TIMEOUT) -> ProbeResult:
    """Run the probe of a service endpoint's kind."""
    if kind == ProbeKind.HTTP:
        return probe_http(target, timeout)
    return probe_tcp(target, timeout)
