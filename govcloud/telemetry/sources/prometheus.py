"""A small client of Prometheus' HTTP API, and the queries govcloud pulls with.

govcloud pulls RAW samples, not Prometheus' evaluated points: an instant query of a range
selector (``up{job="node"}[300000ms]`` at time T) returns every stored sample in
``[T − 300 s, T]`` (both ends included in Prometheus 2.x), so the availability govcloud
computes over a window is exactly Prometheus' ``avg_over_time(up[…])`` over it. CPU needs
``rate()`` of a counter, and memory and disk are arithmetic on two series, so those come
from a subquery evaluated at each ``step`` (the source's sampling interval).

The queries are templates (``string.Template``: ``$job``, ``$probe_job``, ``$label``,
``$range``, ``$step``, ``$rate``), overridable per source in its mapping (``queries``), for
sites whose exporters or labels differ from node_exporter's defaults.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from string import Template

import numpy as np
import requests
from django.utils.translation import gettext as _

from govcloud.telemetry.sources.probes import network_reason

DEFAULT_TIMEOUT = 30.0

#: Metric (as stored by govcloud) -> PromQL template. ``probe`` gives service endpoints'
#: ``up``; the others give hosts' metrics of the same name.
DEFAULT_QUERIES = {
    "up": 'up{job="$job"}[$range]',
    "cpu": ('(1 - avg by ($label) (rate(node_cpu_seconds_total{job="$job",mode="idle"}'
            '[$rate])))[$range:$step]'),
    "memory": ('(1 - node_memory_MemAvailable_bytes{job="$job"}'
               ' / node_memory_MemTotal_bytes{job="$job"})[$range:$step]'),
    "disk_used": ('(max by ($label) (node_filesystem_size_bytes{job="$job",mountpoint="/"}'
                  ' - node_filesystem_avail_bytes{job="$job",mountpoint="/"}))'
                  '[$range:$step]'),
    "probe": 'probe_success{job="$probe_job"}[$range]',
}


class PrometheusError(Exception):
    """Prometheus did not answer a query; the message names its URL and what went wrong."""


@dataclass
class Series:
    """One series of a range result: its labels and its samples (epoch seconds)."""

    labels: dict[str, str]
    timestamps: np.ndarray
    values: np.ndarray


def duration(seconds: float) -> str:
    """Write a duration as PromQL reads it, to the millisecond: ``300000ms``."""
    return f"{max(1, round(seconds * 1000))}ms"


def render(template: str, **values: str) -> str:
    """Fill a query template; a placeholder it does not know is an error, not left as is."""
    try:
        return Template(template).substitute(values)
    except (KeyError, ValueError) as error:
        raise PrometheusError(_("The query %(query)s has an unknown placeholder: %(error)s")
                              % {"query": template, "error": error}) from None


def _number(text: str) -> float:
    """Prometheus writes values as strings, with ``NaN`` and ``+Inf`` spelled out."""
    try:
        return float(text)
    except (TypeError, ValueError):
        return math.nan


class PrometheusClient:
    """Instant queries against ``url`` (Prometheus' base URL, with any path prefix)."""

    def __init__(self, url: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout

    def query(self, expression: str, at: float) -> dict:
        """Return the ``data`` of an instant query at ``at`` (epoch seconds)."""
        endpoint = f"{self.url}/api/v1/query"
        try:
            response = requests.get(endpoint, params={"query": expression,
                                                      "time": f"{at:.3f}"},
                                    timeout=self.timeout)
        except requests.Timeout:
            raise PrometheusError(_("Prometheus at %(url)s did not answer within %(seconds)s "
                                    "s.") % {"url": self.url, "seconds": self.timeout}) from None
        except requests.RequestException as error:
            raise PrometheusError(_("Cannot reach Prometheus at %(url)s: %(reason)s")
                                  % {"url": self.url, "reason": network_reason(error)}) from None
        return self._data(response, expression)

    def _data(self, response: requests.Response, expression: str) -> dict:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or "status" not in body:
            raise PrometheusError(
                _("%(url)s answered HTTP status %(status)s with something other than "
                  "Prometheus' API JSON; is it the URL of a Prometheus server?")
                % {"url": self.url, "status": response.status_code})
        if body["status"] != "success":
            raise PrometheusError(
                _("Prometheus at %(url)s refused the query %(query)s (HTTP status "
                  "%(status)s, %(type)s): %(error)s")
                % {"url": self.url, "query": expression, "status": response.status_code,
                   "type": body.get("errorType", "?"), "error": body.get("error", "?")})
        data = body.get("data")
        if not isinstance(data, dict) or not isinstance(data.get("result"), list):
            raise PrometheusError(_("Prometheus at %(url)s answered without a result.")
                                  % {"url": self.url})
        return data

    def matrix(self, expression: str, at: float) -> list[Series]:
        """Return the series of a range query (a range selector or a subquery) at ``at``."""
        data = self.query(expression, at)
        if data.get("resultType") != "matrix":
            raise PrometheusError(
                _("The query %(query)s gives a %(type)s, not a range of samples; it must end "
                  "in a range such as [$range] or [$range:$step].")
                % {"query": expression, "type": data.get("resultType")})
        try:
            return [Series(labels=dict(item.get("metric") or {}),
                           timestamps=np.array([float(point[0]) for point in item["values"]],
                                               dtype=np.float64),
                           values=np.array([_number(point[1]) for point in item["values"]],
                                           dtype=np.float64))
                    for item in data["result"]]
        except (AttributeError, KeyError, IndexError, TypeError, ValueError):
            raise PrometheusError(_("Prometheus at %(url)s answered a result that is not a "
                                    "list of series.") % {"url": self.url}) from None

    def vector(self, expression: str, at: float) -> list[tuple[dict[str, str], float]]:
        """Return the labels and value of each series of an instant vector at ``at``."""
        data = self.query(expression, at)
        if data.get("resultType") != "vector":
            raise PrometheusError(_("The query %(query)s gives a %(type)s, not an instant "
                                    "vector.")
                                  % {"query": expression, "type": data.get("resultType")})
        try:
            return [(dict(item.get("metric") or {}), _number(item["value"][1]))
                    for item in data["result"]]
        except (AttributeError, KeyError, IndexError, TypeError, ValueError):
            raise PrometheusError(_("Prometheus at %(url)s answered a result that is not a "
                                    "list of series.") % {"url": self.url}) from None
