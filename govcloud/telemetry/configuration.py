"""Configuring telemetry: the sources of each data center and the service endpoints that
are probed for network availability (KPI 7). The provider's O&M team of the contract
configures them; every change is audited.

A source's ``mapping`` tells the collector how series labels or scrape targets name hosts
(docs/telemetry.md); the collector's ``mapping_problems`` says which keys and values it can
use, so that a misspelt key is refused, not ignored.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from govcloud.audit.services import record_event
from govcloud.telemetry import collect
from govcloud.telemetry.choices import ProbeKind, SourceKind
from govcloud.telemetry.models import (
    ProbeHourly,
    SampleBucket,
    ServiceEndpoint,
    TelemetrySource,
)
from govcloud.telemetry.tokens import require_source_editor

#: The fields of a source people set; the collector keeps the others.
SOURCE_FIELDS = ("name", "data_center", "kind", "url", "mapping", "interval_seconds",
                 "enabled")
ENDPOINT_FIELDS = ("name", "kind", "target", "enabled")
MAX_INTERVAL_SECONDS = 3600
MAX_PORT = 65535


# --- checks -------------------------------------------------------------------------------


def url_problem(value: str) -> str | None:
    """Say what is wrong with an http(s) URL, or None. Single-label host names (such as
    ``prometheus``) are fine: data centers name their servers so."""
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return _("This is not a URL.")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _("Give an http:// or https:// URL with a host, such as "
                 "http://127.0.0.1:9090.")
    if any(character.isspace() for character in value):
        return _("A URL has no spaces.")
    if parts.username is not None or parts.password is not None:
        # It would be stored, shown and audited in clear.
        return _("Give the URL without a user name or password.")
    if port == 0:
        return _("The port must be between 1 and 65535.")
    return None


def tcp_target_problem(value: str) -> str | None:
    """Say what is wrong with a ``host:port`` target (``[IPv6]:port`` for IPv6), or None."""
    host, separator, port = value.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return _("Give host:port, such as 10.0.0.5:443 or [2001:db8::5]:443.")
    elif not separator or not host or ":" in host or "/" in host:
        return _("Give host:port, such as 10.0.0.5:443 or [2001:db8::5]:443.")
    if any(character.isspace() for character in host):
        return _("Give host:port, such as 10.0.0.5:443 or [2001:db8::5]:443.")
    if not (port.isascii() and port.isdigit() and 1 <= int(port) <= MAX_PORT):
        return _("The port must be between 1 and 65535.")
    return None


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_source(values: dict, *, allow_simulator: bool = False) -> None:
    """Raise ValidationError naming every field of a source's values that is wrong."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if not (values.get("name") or "").strip():
        add("name", _("This is required."))
    kind = values.get("kind")
    if kind not in SourceKind.values:
        add("kind", _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(SourceKind.values)})
    elif kind == SourceKind.SIMULATOR and not allow_simulator:
        add("kind", _("The simulator feeds the demo and the benchmarks only; it cannot be "
                      "configured as a real source."))
    url = (values.get("url") or "").strip()
    if kind == SourceKind.PROMETHEUS and not url:
        add("url", _("A Prometheus source needs the URL of its server."))
    elif url and (problem := url_problem(url)):
        add("url", problem)
    interval = values.get("interval_seconds")
    if not (_is_int(interval) and 1 <= interval <= MAX_INTERVAL_SECONDS):
        add("interval_seconds", _("The interval must be between 1 and 3600 seconds."))
    # The collector reads the mapping: its own check says what it can use.
    for problem in collect.mapping_problems(kind, values.get("mapping", {})):
        add("mapping", problem)
    if errors:
        raise ValidationError(errors)


def check_endpoint(kind: str, target: str) -> None:
    if kind == ProbeKind.TCP:
        problem = tcp_target_problem(target)
    elif kind == ProbeKind.HTTP:
        problem = url_problem(target)
    else:
        raise ValidationError({"kind": _("Choose one of: %(kinds)s.")
                               % {"kinds": ", ".join(ProbeKind.values)}})
    if problem:
        raise ValidationError({"target": problem})


# --- sources ------------------------------------------------------------------------------


def _source_values(values: dict, base: TelemetrySource | None = None) -> dict:
    """Fill in the fields not given from ``base`` (or the defaults), cleaned."""
    merged = {field: getattr(base, field) if base is not None else None
              for field in SOURCE_FIELDS}
    if base is None:
        merged.update(data_center="", url="", mapping={}, interval_seconds=60, enabled=True)
    merged.update({field: value for field, value in values.items() if field in SOURCE_FIELDS})
    for field in ("name", "data_center", "url"):
        merged[field] = (merged[field] or "").strip()
    if merged["mapping"] is None:
        merged["mapping"] = {}
    return merged


def _unique_source_name(contract, name: str, exclude: int | None = None) -> None:
    taken = TelemetrySource.objects.filter(contract=contract, name=name).exclude(pk=exclude)
    if taken.exists():
        raise ValidationError({"name": _("The contract has a source of this name already.")})


def _source_details(source: TelemetrySource) -> dict:
    return {"contract": source.contract_id, "name": source.name, "kind": source.kind,
            "data_center": source.data_center, "url": source.url,
            "mapping": source.mapping, "interval_seconds": source.interval_seconds,
            "enabled": source.enabled}


def create_source(*, actor, contract, values: dict, request=None,
                  allow_simulator: bool = False) -> TelemetrySource:
    """Configure a new telemetry source of a contract."""
    require_source_editor(actor, contract)
    cleaned = _source_values(values)
    check_source(cleaned, allow_simulator=allow_simulator)
    with transaction.atomic():
        _unique_source_name(contract, cleaned["name"])
        source = TelemetrySource.objects.create(contract=contract, **cleaned)
        record_event("telemetry.source.create", actor=actor, request=request, target=source,
                     details=_source_details(source))
    return source


def update_source(source: TelemetrySource, *, actor, values: dict,
                  request=None) -> TelemetrySource:
    """Change a source; a simulator stays one, and no other source becomes one."""
    require_source_editor(actor, source.contract)
    cleaned = _source_values(values, base=source)
    check_source(cleaned, allow_simulator=source.kind == SourceKind.SIMULATOR
                 and cleaned["kind"] == SourceKind.SIMULATOR)
    before = _source_details(source)
    with transaction.atomic():
        _unique_source_name(source.contract, cleaned["name"], exclude=source.pk)
        for field, value in cleaned.items():
            setattr(source, field, value)
        source.save(update_fields=list(cleaned))
        after = _source_details(source)
        record_event("telemetry.source.update", actor=actor, request=request, target=source,
                     details={"before": {k: v for k, v in before.items() if after[k] != v},
                              "after": {k: v for k, v in after.items() if before[k] != v}})
    return source


def delete_source(source: TelemetrySource, *, actor, request=None) -> None:
    """Remove a source and its push tokens; the samples it brought stay."""
    require_source_editor(actor, source.contract)
    with transaction.atomic():
        details = _source_details(source) | {"push_tokens": source.push_tokens.count()}
        record_event("telemetry.source.delete", actor=actor, request=request, target=source,
                     details=details)
        source.delete()


# --- service endpoints --------------------------------------------------------------------


def _endpoint_values(values: dict, base: ServiceEndpoint | None = None) -> dict:
    merged = {field: getattr(base, field) if base is not None else None
              for field in ENDPOINT_FIELDS}
    if base is None:
        merged["enabled"] = True
    merged.update({field: value for field, value in values.items()
                   if field in ENDPOINT_FIELDS})
    for field in ("name", "target"):
        merged[field] = (merged[field] or "").strip()
    if not merged["name"]:
        raise ValidationError({"name": _("This is required.")})
    check_endpoint(merged["kind"], merged["target"])
    return merged


def _unique_endpoint_name(system, name: str, exclude: int | None = None) -> None:
    if ServiceEndpoint.objects.filter(system=system, name=name).exclude(pk=exclude).exists():
        raise ValidationError({"name": _("The system has an endpoint of this name already.")})


def _endpoint_details(endpoint: ServiceEndpoint) -> dict:
    return {"system": endpoint.system_id, "name": endpoint.name, "kind": endpoint.kind,
            "target": endpoint.target, "enabled": endpoint.enabled}


def create_endpoint(*, actor, system, values: dict, request=None) -> ServiceEndpoint:
    """Add a service endpoint of a system, to be probed for network availability."""
    require_source_editor(actor, system.contract)
    cleaned = _endpoint_values(values)
    with transaction.atomic():
        _unique_endpoint_name(system, cleaned["name"])
        endpoint = ServiceEndpoint.objects.create(system=system, **cleaned)
        record_event("telemetry.endpoint.create", actor=actor, request=request,
                     target=endpoint, details=_endpoint_details(endpoint))
    return endpoint


def update_endpoint(endpoint: ServiceEndpoint, *, actor, values: dict,
                    request=None) -> ServiceEndpoint:
    """Change an endpoint's name, kind, target or whether it is probed; its system stays."""
    require_source_editor(actor, endpoint.system.contract)
    cleaned = _endpoint_values(values, base=endpoint)
    before = _endpoint_details(endpoint)
    with transaction.atomic():
        _unique_endpoint_name(endpoint.system, cleaned["name"], exclude=endpoint.pk)
        for field, value in cleaned.items():
            setattr(endpoint, field, value)
        endpoint.save(update_fields=list(cleaned))
        after = _endpoint_details(endpoint)
        record_event("telemetry.endpoint.update", actor=actor, request=request,
                     target=endpoint,
                     details={"before": {k: v for k, v in before.items() if after[k] != v},
                              "after": {k: v for k, v in after.items() if before[k] != v}})
    return endpoint


def delete_endpoint(endpoint: ServiceEndpoint, *, actor, request=None) -> None:
    """Remove an endpoint that was never measured; one with data is the evidence of KPI 7
    and can only be disabled."""
    require_source_editor(actor, endpoint.system.contract)
    measured = (SampleBucket.objects.filter(endpoint=endpoint).exists()
                or ProbeHourly.objects.filter(endpoint=endpoint).exists())
    if measured:
        raise ValidationError(_("The endpoint has probe data, the evidence of network "
                                "availability (KPI 7): disable it instead."))
    with transaction.atomic():
        record_event("telemetry.endpoint.delete", actor=actor, request=request,
                     target=endpoint, details=_endpoint_details(endpoint))
        endpoint.delete()
