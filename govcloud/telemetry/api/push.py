"""The push API: a sender with a push token posts batches of samples.

A batch is all or nothing: its shape is checked here, its hosts and endpoints looked up in
the token's contract (and the source's data center), its numbers checked by the store, and
only a batch with no problem at all is stored. A sample sent twice counts once, so a sender
simply sends a batch again when it is unsure whether it arrived.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from govcloud.inventory.models import CloudHost
from govcloud.lib.parsers import DepthLimitedJSONParser
from govcloud.telemetry.api.authentication import (
    HasPushToken,
    PushRateThrottle,
    PushTokenAuthentication,
)
from govcloud.telemetry.choices import Metric
from govcloud.telemetry.models import ServiceEndpoint, TelemetrySource
from govcloud.telemetry.store import SeriesSamples, check_series, ingest

#: Room per sample in the body before it is refused unread (an ISO-8601 time and a value
#: with their brackets take about 50 bytes).
BYTES_PER_SAMPLE = 100
#: Room for the names of hosts and metrics around the samples.
BODY_SLACK_BYTES = 1 << 20


def max_samples() -> int:
    return settings.GOVCLOUD_PUSH_MAX_SAMPLES


# --- the body -----------------------------------------------------------------------------

SAMPLES_SCHEMA = {
    "type": "array",
    "description": "Samples as [time, value]: time in epoch seconds or ISO 8601 with its "
                   "offset; value a number (up: 1 or 0; cpu and memory: fractions 0–1; "
                   "disk_used: bytes).",
    "items": {
        "type": "array", "minItems": 2, "maxItems": 2,
        "items": {"oneOf": [{"type": "number"}, {"type": "string", "format": "date-time"}]},
    },
}


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _as_float(value) -> float:
    """A JSON number as a float; one too large for a float is infinite (and refused)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf


@extend_schema_field(SAMPLES_SCHEMA)
class SamplesField(serializers.Field):
    """[[time, value], …] to two float arrays (epoch seconds, values); stops at the first
    malformed sample and names it."""

    def to_internal_value(self, data):
        if not isinstance(data, list):
            raise serializers.ValidationError(_("Give the samples as a list of [time, value]."))
        times = np.empty(len(data))
        values = np.empty(len(data))
        for index, sample in enumerate(data):
            if not isinstance(sample, list) or len(sample) != 2:
                raise serializers.ValidationError(
                    _("Sample %(index)s: give [time, value].") % {"index": index})
            moment, value = sample
            times[index] = self._epoch(moment, index)
            if not _is_number(value):
                raise serializers.ValidationError(
                    _("Sample %(index)s: the value must be a number, not %(given)s.")
                    % {"index": index, "given": _json_type(value)})
            values[index] = _as_float(value)
        return times, values

    @staticmethod
    def _epoch(moment, index: int) -> float:
        if _is_number(moment):
            return _as_float(moment)
        if isinstance(moment, str):
            try:
                parsed = datetime.fromisoformat(moment)
            except ValueError:
                parsed = None
            if parsed is not None and parsed.tzinfo is not None:
                return parsed.timestamp()
        raise serializers.ValidationError(
            _("Sample %(index)s: the time must be epoch seconds or ISO 8601 with its offset, "
              "such as 2025-10-01T08:00:00+08:00.") % {"index": index})

    def to_representation(self, value):
        times, values = value
        return [[float(t), float(v)] for t, v in zip(times, values, strict=True)]


def _json_type(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return _("a string")
    if isinstance(value, list | dict):
        return _("a list or object")
    return type(value).__name__


class PushSeriesSerializer(serializers.Serializer):
    host = serializers.CharField(
        required=False, max_length=400,
        help_text="A host's name in the token's contract (and the source's data center); "
                  "'<system label>/<host name>' where two systems have a host of that name.")
    endpoint = serializers.CharField(
        required=False, max_length=400,
        help_text="A service endpoint as '<system label>/<endpoint name>'; metric up only.")
    metric = serializers.ChoiceField(choices=Metric.choices)
    samples = SamplesField()

    def validate(self, attrs):
        if ("host" in attrs) == ("endpoint" in attrs):
            raise serializers.ValidationError(_("Name either a host or an endpoint."))
        return attrs


class PushBatchSerializer(serializers.Serializer):
    interval_seconds = serializers.IntegerField(
        required=False, min_value=1, max_value=3600,
        help_text="How long one sample stands for; the source's interval if not given.")
    series = PushSeriesSerializer(many=True, allow_empty=False)


class PushResultSerializer(serializers.Serializer):
    received = serializers.IntegerField(help_text="Samples in the batch.")
    stored = serializers.IntegerField(
        help_text="Samples new to govcloud; 0 when the same batch is sent again.")
    hours = serializers.IntegerField(help_text="Hours of hosts and endpoints rolled up again.")


class PushProblemSerializer(serializers.Serializer):
    series = serializers.IntegerField(
        allow_null=True, help_text="The index of the series in the batch; null for the batch.")
    field = serializers.CharField(help_text="The field at fault; empty if none in particular.")
    problem = serializers.CharField()


class PushProblemsSerializer(serializers.Serializer):
    detail = serializers.CharField()
    problems = PushProblemSerializer(many=True)


class PushTooLargeSerializer(serializers.Serializer):
    detail = serializers.CharField()
    max_samples = serializers.IntegerField()
    samples = serializers.IntegerField(allow_null=True,
                                       help_text="Samples in the batch; null if not read.")


class PushErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


# --- the view -----------------------------------------------------------------------------


def _problem(series: int | None, problem, field: str = "") -> dict:
    return {"series": series, "field": field, "problem": str(problem)}


def _flatten(errors, series: int | None = None, field: str = "") -> list[dict]:
    """DRF's nested errors as a flat list of problems, each naming its series."""
    if isinstance(errors, dict):
        found = []
        for key, value in errors.items():
            if key == "series" and series is None and isinstance(value, list | dict):
                items = value.items() if isinstance(value, dict) else enumerate(value)
                for index, inner in items:
                    if isinstance(index, int) and isinstance(inner, dict):
                        found += _flatten(inner, index)
                    else:
                        found += _flatten(inner, None, "series")
            else:
                name = "" if key == "non_field_errors" else str(key)
                found += _flatten(value, series, name or field)
        return found
    if isinstance(errors, list):
        return [problem for error in errors for problem in _flatten(error, series, field)]
    return [_problem(series, errors, field)]


def _count_samples(data) -> int:
    """The samples of a batch as sent, before its shape is checked."""
    if not isinstance(data, dict) or not isinstance(data.get("series"), list):
        return 0
    return sum(len(item["samples"]) for item in data["series"]
               if isinstance(item, dict) and isinstance(item.get("samples"), list))


def _not_up_or_down(values: np.ndarray) -> str:
    """Name the first sample of an ``up`` series that is neither 1 nor 0; "" if none."""
    bad = np.flatnonzero((values != 0) & (values != 1))
    if not bad.size:
        return ""
    index = int(bad[0])
    return _("Sample %(index)s: up is 1 (up) or 0 (down), not %(value)s.") % {
        "index": index, "value": f"{values[index]:g}"}


def _clashes(batch: list[SeriesSamples], indexes: list[int]) -> list[dict]:
    """Name, once per series, a sample whose time another sample of the same host or
    endpoint and metric in the batch gives with a different value: which one to keep would
    be a guess. The same value twice is a harmless repeat."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for position, series in enumerate(batch):
        groups[(type(series.target).__name__, series.target.pk, series.metric)].append(position)
    problems: dict[int, dict] = {}
    for positions in groups.values():
        for clash in _clashes_in_group([(indexes[p], batch[p]) for p in positions]):
            problems.setdefault(clash["series"], clash)
    return [problems[index] for index in sorted(problems)]


def _clashes_in_group(entries: list[tuple[int, SeriesSamples]]) -> list[dict]:
    """Compare at the millisecond, the resolution samples are stored at."""
    moments = np.concatenate([np.round(s.timestamps * 1000).astype(np.int64)
                              for _, s in entries])
    values = np.concatenate([s.values for _, s in entries])
    owners = np.concatenate([np.full(s.timestamps.size, index) for index, s in entries])
    places = np.concatenate([np.arange(s.timestamps.size) for _, s in entries])
    order = np.argsort(moments, kind="stable")
    moments, values, owners, places = (moments[order], values[order], owners[order],
                                       places[order])
    found = np.flatnonzero((moments[1:] == moments[:-1]) & (values[1:] != values[:-1]))
    return [_problem(int(owners[k + 1]), _(
        "Sample %(index)s: series %(other)s, sample %(other_index)s gives the same time "
        "another value (%(value)s, not %(other_value)s).") % {
            "index": int(places[k + 1]), "other": int(owners[k]),
            "other_index": int(places[k]), "value": f"{values[k + 1]:g}",
            "other_value": f"{values[k]:g}"}, "samples") for k in found.tolist()]


class Targets:
    """The hosts and endpoints a source may push for: its contract's, and of the hosts
    those of its data center when it names one."""

    def __init__(self, source: TelemetrySource, series: list[dict]) -> None:
        self.source = source
        hosts = CloudHost.objects.filter(system__contract=source.contract_id)
        if source.data_center:
            hosts = hosts.filter(data_center=source.data_center)
        wanted = {item["host"] for item in series if "host" in item}
        wanted |= {name.rpartition("/")[2] for name in wanted}
        self.hosts: dict[str, list[CloudHost]] = defaultdict(list)
        for host in hosts.filter(name__in=wanted).select_related("system"):
            self.hosts[host.name].append(host)
            self.hosts[f"{host.system.label}/{host.name}"].append(host)
        self.endpoints = {}
        if any("endpoint" in item for item in series):
            for endpoint in ServiceEndpoint.objects.filter(
                    system__contract=source.contract_id).select_related("system"):
                self.endpoints[f"{endpoint.system.label}/{endpoint.name}"] = endpoint

    def find(self, item: dict):
        """Return the host or endpoint a series names; raise ValidationError if none."""
        if "endpoint" in item:
            endpoint = self.endpoints.get(item["endpoint"])
            if endpoint is None:
                raise DjangoValidationError(
                    _("No service endpoint %(name)s in this token's contract (give "
                      "<system label>/<endpoint name>).") % {"name": item["endpoint"]})
            return endpoint
        found = self.hosts.get(item["host"], [])
        if len(found) > 1:
            raise DjangoValidationError(
                _("%(count)s hosts are named %(name)s; give <system label>/<host name>.")
                % {"count": len(found), "name": item["host"]})
        if not found:
            if self.source.data_center:
                raise DjangoValidationError(
                    _("No host %(name)s in data center %(data_center)s of this token's "
                      "contract.") % {"name": item["host"],
                                      "data_center": self.source.data_center})
            raise DjangoValidationError(_("No host %(name)s in this token's contract.")
                                        % {"name": item["host"]})
        return found[0]


@extend_schema(
    tags=["telemetry"],
    request=PushBatchSerializer,
    auth=[{"pushToken": []}],
    responses={
        200: PushResultSerializer,
        400: OpenApiResponse(PushProblemsSerializer,
                             description="Nothing was stored: every problem, by series."),
        401: OpenApiResponse(PushErrorSerializer,
                             description="No token, or an unknown or revoked one."),
        413: OpenApiResponse(PushTooLargeSerializer,
                             description="More samples than one batch may hold."),
        415: OpenApiResponse(PushErrorSerializer, description="The body is not JSON."),
    },
)
class TelemetryPushView(APIView):
    """Push a batch of samples with a push token (``Authorization: Bearer <secret>``).

    Each series names a host (or a service endpoint as ``<system label>/<endpoint
    name>``), a metric and its samples ``[time, value]``. The batch is stored whole or not
    at all; a sample already stored is replaced, so sending a batch again changes nothing.
    """

    authentication_classes = [PushTokenAuthentication]
    permission_classes = [HasPushToken]
    throttle_classes = [PushRateThrottle]
    throttle_scope = "telemetry_push"
    parser_classes = [DepthLimitedJSONParser]
    renderer_classes = [JSONRenderer]

    def post(self, request):
        source = request.auth.source
        limit = max_samples()
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > limit * BYTES_PER_SAMPLE + BODY_SLACK_BYTES:
            return self._too_large(source, None)
        try:
            data = request.data
        except ParseError as error:
            return self._refuse(source, [_problem(None, error.detail)])
        count = _count_samples(data)
        if count > limit:
            return self._too_large(source, count)
        given = PushBatchSerializer(data=data)
        if not given.is_valid():
            return self._refuse(source, _flatten(given.errors))
        now = timezone.now()
        batch, problems = self._batch(source, given.validated_data, now)
        if problems:
            return self._refuse(source, problems)
        try:
            result = ingest(batch, now=now)
        except DjangoValidationError as error:
            return self._refuse(source, [_problem(None, message) for message in error.messages])
        TelemetrySource.objects.filter(pk=source.pk).update(last_collected_at=now,
                                                            last_error="")
        return Response({"received": result.received, "stored": result.stored,
                         "hours": result.hours})

    @staticmethod
    def _batch(source, data: dict, now) -> tuple[list[SeriesSamples], list[dict]]:
        """The series to store and every problem with them, each naming its index."""
        interval = data.get("interval_seconds", source.interval_seconds)
        targets = Targets(source, data["series"])
        batch, problems, indexes = [], [], []
        for index, item in enumerate(data["series"]):
            field = "endpoint" if "endpoint" in item else "host"
            try:
                target = targets.find(item)
            except DjangoValidationError as error:
                problems += [_problem(index, message, field) for message in error.messages]
                continue
            times, values = item["samples"]
            if item["metric"] == Metric.UP and (problem := _not_up_or_down(values)):
                problems.append(_problem(index, problem, "samples"))
                continue
            series = SeriesSamples(target=target, metric=item["metric"], timestamps=times,
                                   values=values, interval_seconds=interval)
            label = _("series %(index)s (%(target)s)") % {"index": index,
                                                          "target": item[field]}
            try:
                check_series(series, now, label=label)
            except DjangoValidationError as error:
                problems += [_problem(index, message, "samples") for message in error.messages]
                continue
            batch.append(series)
            indexes.append(index)
        return batch, problems + _clashes(batch, indexes)

    @staticmethod
    def _note_error(source, message: str) -> None:
        """Keep the latest refusal on the source, for its page: the sender sees only its
        own answers."""
        TelemetrySource.objects.filter(pk=source.pk).update(last_error=message[:2000])

    def _refuse(self, source, problems: list[dict]) -> Response:
        detail = ngettext("Nothing was stored: the batch has %(count)s problem.",
                          "Nothing was stored: the batch has %(count)s problems.",
                          len(problems)) % {"count": len(problems)}
        first = problems[0]
        where = "" if first["series"] is None else _("series %(index)s: ") % {
            "index": first["series"]}
        self._note_error(source, f"{detail} {where}{first['problem']}")
        return Response({"detail": detail, "problems": problems},
                        status=status.HTTP_400_BAD_REQUEST)

    def _too_large(self, source, count: int | None) -> Response:
        limit = max_samples()
        if count is None:
            detail = _("The body is too large: one batch holds at most %(limit)s samples.") % {
                "limit": limit}
        else:
            detail = _("The batch has %(count)s samples; one batch holds at most %(limit)s. "
                       "Send it in parts.") % {"count": count, "limit": limit}
        self._note_error(source, detail)
        return Response({"detail": detail, "max_samples": limit, "samples": count},
                        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
