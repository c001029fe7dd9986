"""The push API: a sender with a push token posts batches of samples; a batch is stored
whole or not at all, and a batch sent twice counts once."""

from __future__ import annotations

import json
from datetime import UTC, timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from govcloud.telemetry.api.authentication import PushRateThrottle
from govcloud.telemetry.models import (
    HostDaily,
    HostHourly,
    ProbeHourly,
    PushToken,
    SampleBucket,
    TelemetrySource,
)
from govcloud.telemetry.testing_sources import PUSH_SECRET_A, PUSH_SECRET_B, SOURCE_NAME
from govcloud.telemetry.tokens import issue_token, revoke_token

URL = "/api/telemetry/push/"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def english_client() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def push(body, secret=PUSH_SECRET_A, client=None, raw: str | None = None):
    client = client or english_client()
    headers = {} if secret is None else {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    return client.post(URL, data=raw if raw is not None else json.dumps(body),
                       content_type="application/json", **headers)


def minutes_ago(*minutes: int) -> list[float]:
    """Whole-minute epoch seconds, the given minutes before now."""
    now = int(timezone.now().timestamp()) // 60 * 60
    return [float(now - 60 * minute) for minute in minutes]


def series(target="a1-web-01", metric="up", samples=None, key="host"):
    if samples is None:
        samples = [[moment, 1] for moment in minutes_ago(3, 2, 1)]
    return {key: target, "metric": metric, "samples": samples}


def stored_counts() -> tuple[int, ...]:
    return tuple(model.objects.count()
                 for model in (SampleBucket, HostHourly, HostDaily, ProbeHourly))


def hourly_rows() -> list[dict]:
    return list(HostHourly.objects.order_by("host", "hour").values())


def source_a(cast) -> TelemetrySource:
    return TelemetrySource.objects.get(contract=cast.contract_a, name=SOURCE_NAME)


# --- storing ------------------------------------------------------------------------------


def test_a_batch_is_stored_and_rolled_up(cast):
    times = minutes_ago(3, 2, 1)
    body = {"series": [
        series(samples=[[t, 1] for t in times]),
        series(metric="cpu", samples=[[t, 0.25] for t in times]),
        series(metric="memory", samples=[[t, 0.5] for t in times]),
        series(metric="disk_used", samples=[[t, 40e9] for t in times]),
    ]}
    response = push(body)
    assert response.status_code == 200, response.content
    result = response.json()
    assert result["received"] == 12 and result["stored"] == 12
    assert result["hours"] >= 1
    hour = HostHourly.objects.filter(host=cast.host_a1).order_by("-hour").first()
    assert hour.samples_up >= 1 and hour.cpu_max == pytest.approx(0.25)
    assert HostDaily.objects.filter(host=cast.host_a1).exists()


def test_the_same_batch_twice_counts_once(cast):
    body = {"series": [series(metric="cpu", samples=[[t, 0.4] for t in minutes_ago(5, 4)]),
                       series()]}
    first = push(body)
    assert first.status_code == 200 and first.json()["stored"] == 5
    rows = hourly_rows()
    buckets = stored_counts()
    second = push(body)
    assert second.status_code == 200
    assert second.json() == {"received": 5, "stored": 0, "hours": first.json()["hours"]}
    assert hourly_rows() == rows and stored_counts() == buckets


def test_times_may_be_given_in_iso_8601_with_their_offset(cast):
    now = timezone.localtime().replace(second=0, microsecond=0)
    samples = [[(now - timedelta(minutes=2)).isoformat(), 1],
               [(now - timedelta(minutes=1)).astimezone(UTC).isoformat()
                .replace("+00:00", "Z"), 0]]
    response = push({"series": [series(samples=samples)]})
    assert response.status_code == 200, response.content
    assert response.json()["stored"] == 2


def test_an_endpoint_is_named_by_its_system_and_name(cast):
    response = push({"series": [series(f"{cast.system_a1.label}/web", key="endpoint")]})
    assert response.status_code == 200, response.content
    assert ProbeHourly.objects.filter(endpoint__system=cast.system_a1).exists()


def test_a_host_is_also_named_by_its_system_and_name(cast):
    response = push({"series": [series(f"{cast.system_a2.label}/a2-db-01")]})
    assert response.status_code == 200, response.content
    assert HostHourly.objects.filter(host=cast.host_a2).exists()


def test_a_sender_needs_no_session_and_no_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    assert push({"series": [series()]}, client=client).status_code == 200
    assert not client.cookies


def test_the_interval_is_the_sources_unless_the_batch_gives_one(cast):
    push({"series": [series(samples=[[minutes_ago(1)[0], 1]])]})
    assert SampleBucket.objects.get(host=cast.host_a1).interval_seconds == 60
    push({"interval_seconds": 15, "series": [series(samples=[[minutes_ago(2)[0], 1]])]})
    assert SampleBucket.objects.get(host=cast.host_a1).interval_seconds == 15


def test_a_push_notes_when_the_token_was_used_and_the_source_last_heard(cast):
    assert push({"series": [series()]}).status_code == 200
    token = PushToken.objects.get(source=source_a(cast))
    assert token.last_used_at is not None
    source = source_a(cast)
    assert source.last_collected_at is not None and source.last_error == ""


# --- refusals: nothing stored -------------------------------------------------------------


def refused(response, code: int, series_index=None) -> dict:
    assert response.status_code == code, response.content
    body = response.json()
    if series_index is not None:
        assert series_index in [problem["series"] for problem in body["problems"]], body
    return body


BAD_SERIES = {
    "a string value": series(samples=[[minutes_ago(1)[0], "1"]]),
    "a true value": series(samples=[[minutes_ago(1)[0], True]]),
    "a null value": series(samples=[[minutes_ago(1)[0], None]]),
    "a sample of three": series(samples=[[minutes_ago(1)[0], 1, 2]]),
    "a sample that is a number": series(samples=[1.0]),
    "samples that are not a list": series(samples={"t": 1}),
    "a time without offset": series(samples=[["2025-10-01T08:00:00", 1]]),
    "a time that is no time": series(samples=[["yesterday", 1]]),
    "a true time": series(samples=[[True, 1]]),
    "no metric": {"host": "a1-web-01", "samples": [[minutes_ago(1)[0], 1]]},
    "an unknown metric": series(metric="temperature"),
    "no samples": {"host": "a1-web-01", "metric": "up"},
    "neither host nor endpoint": {"metric": "up", "samples": [[minutes_ago(1)[0], 1]]},
    "both host and endpoint": series() | {"endpoint": "x/web"},
    "an unknown host": series("no-such-host"),
    "an unknown endpoint": series("no-such-system/web", key="endpoint"),
    "a cpu metric for an endpoint": series("SYSTEM_A1/web", metric="cpu", key="endpoint"),
    "negative cpu": series(metric="cpu", samples=[[minutes_ago(1)[0], -0.1]]),
    "cpu above one": series(metric="cpu", samples=[[minutes_ago(1)[0], 1.5]]),
    "memory above one": series(metric="memory", samples=[[minutes_ago(1)[0], 1.01]]),
    "negative disk": series(metric="disk_used", samples=[[minutes_ago(1)[0], -1]]),
    "up above one": series(samples=[[minutes_ago(1)[0], 2]]),
    "a time far in the future": series(samples=[[minutes_ago(-60)[0], 1]]),
    "a time in milliseconds": series(samples=[[minutes_ago(1)[0] * 1000, 1]]),
    "a time older than the raw retention": series(samples=[[minutes_ago(60 * 24 * 400)[0], 1]]),
    "a huge integer value": series(samples=[[minutes_ago(1)[0], 10 ** 400]]),
}


@pytest.mark.parametrize("case", BAD_SERIES, ids=str)
def test_a_bad_series_refuses_the_whole_batch_naming_it(case, cast):
    bad = json.loads(json.dumps(BAD_SERIES[case]).replace("SYSTEM_A1", cast.system_a1.label))
    before = stored_counts()
    body = refused(push({"series": [series(), bad]}), 400, series_index=1)
    assert all(problem["problem"] for problem in body["problems"])
    assert body["detail"].startswith("Nothing was stored")
    assert stored_counts() == before
    assert "Nothing was stored" in source_a(cast).last_error


@pytest.mark.parametrize("body", [
    {}, {"series": []}, {"series": "up"}, {"series": [1]}, [], "up",
    {"interval_seconds": 0, "series": [series()]},
    {"interval_seconds": 3601, "series": [series()]},
    {"interval_seconds": True, "series": [series()]},
], ids=str)
def test_a_batch_of_the_wrong_shape_is_refused(body, cast):
    before = stored_counts()
    refused(push(body), 400)
    assert stored_counts() == before


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(literal, cast):
    sample = f"[[{minutes_ago(1)[0]}, {literal}]]"
    raw = '{"series": [{"host": "a1-web-01", "metric": "cpu", "samples": ' + sample + "}]}"
    before = stored_counts()
    body = refused(push(None, raw=raw), 400)
    assert body["problems"][0]["series"] is None
    assert stored_counts() == before


def test_a_body_that_is_not_json_is_refused(cast):
    refused(push(None, raw="{not json"), 400)


def test_a_host_of_another_contract_is_unknown(cast):
    before = stored_counts()
    body = refused(push({"series": [series(cast.host_b1.name)]}), 400, series_index=0)
    assert cast.host_b1.name in body["problems"][0]["problem"]
    assert stored_counts() == before


def test_another_contracts_token_cannot_push_to_this_contracts_host(cast):
    before = stored_counts()
    refused(push({"series": [series(cast.host_a1.name)]}, secret=PUSH_SECRET_B), 400, 0)
    assert stored_counts() == before
    response = push({"series": [series(cast.host_b1.name)]}, secret=PUSH_SECRET_B)
    assert response.status_code == 200, response.content


def test_a_source_of_one_data_center_knows_only_the_hosts_there(cast):
    source = source_a(cast)
    source.data_center = "亦庄机房"
    source.save()
    cast.host_a1.data_center = "亦庄机房"
    cast.host_a1.save()
    assert push({"series": [series(cast.host_a1.name)]}).status_code == 200
    body = refused(push({"series": [series(cast.host_a2.name)]}), 400, 0)
    assert "亦庄机房" in body["problems"][0]["problem"]


def test_two_hosts_of_one_name_must_be_named_with_their_system(cast):
    from govcloud.inventory.models import CloudHost

    CloudHost.objects.create(system=cast.system_a2, name=cast.host_a1.name, vcpu=1,
                             memory_gb=1)
    body = refused(push({"series": [series(cast.host_a1.name)]}), 400, 0)
    assert "system label" in body["problems"][0]["problem"]
    named = push({"series": [series(f"{cast.system_a1.label}/{cast.host_a1.name}")]})
    assert named.status_code == 200


def test_every_problem_of_a_batch_is_named(cast):
    body = refused(push({"series": [series("nowhere"), series(), series(metric="cpu",
                   samples=[[minutes_ago(1)[0], 7]])]}), 400)
    assert [problem["series"] for problem in body["problems"]] == [0, 2]


def test_a_batch_above_the_limit_is_refused_naming_it(cast, settings):
    settings.GOVCLOUD_PUSH_MAX_SAMPLES = 5
    before = stored_counts()
    samples = [[t, 1] for t in minutes_ago(6, 5, 4, 3)]
    response = push({"series": [series(samples=samples), series(samples=samples[:2])]})
    assert response.status_code == 413
    body = response.json()
    assert body["max_samples"] == 5 and body["samples"] == 6 and "5" in body["detail"]
    assert stored_counts() == before
    assert push({"series": [series(samples=samples)]}).status_code == 200


def test_a_body_far_above_the_limit_is_refused_unread(cast, settings):
    settings.GOVCLOUD_PUSH_MAX_SAMPLES = 1
    response = push(None, raw=" " * (2 << 20) + "{}")
    assert response.status_code == 413 and response.json()["samples"] is None


# --- the token ----------------------------------------------------------------------------


def unauthorized(response):
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("secret", [None, "", "gcp_wrong", "not-a-token", "gcp_" + "x" * 500])
def test_a_push_without_a_valid_token_is_refused(secret, cast):
    before = stored_counts()
    unauthorized(push({"series": [series()]}, secret=secret))
    assert stored_counts() == before


def test_other_schemes_and_malformed_headers_are_refused(cast):
    client = english_client()
    for header in (f"Basic {PUSH_SECRET_A}", f"Bearer {PUSH_SECRET_A} extra", "Bearer",
                   f"Token {PUSH_SECRET_A}"):
        response = client.post(URL, data=json.dumps({"series": [series()]}),
                               content_type="application/json", HTTP_AUTHORIZATION=header)
        unauthorized(response)


def test_a_revoked_token_is_refused(cast):
    token = PushToken.objects.get(source=source_a(cast))
    revoke_token(cast.provider_operator, token)
    unauthorized(push({"series": [series()]}))


def test_a_token_of_a_disabled_source_or_one_no_longer_pushing_is_refused(cast):
    source = source_a(cast)
    source.enabled = False
    source.save()
    unauthorized(push({"series": [series()]}))
    source.enabled, source.kind, source.url = True, "prometheus", "http://127.0.0.1:9090"
    source.save()
    unauthorized(push({"series": [series()]}))


def test_a_new_token_pushes_at_once(cast):
    _token, secret = issue_token(cast.provider_manager, source_a(cast), "collector 2")
    assert push({"series": [series()]}, secret=secret).status_code == 200


def test_a_signed_in_person_cannot_push_without_a_token(cast, client_for):
    client = client_for(cast.provider_operator)
    unauthorized(push({"series": [series()]}, secret=None, client=client))


def test_the_push_takes_posts_only(cast):
    response = english_client().get(URL, HTTP_AUTHORIZATION=f"Bearer {PUSH_SECRET_A}")
    assert response.status_code == 405


def test_pushes_are_limited_per_token(cast, monkeypatch):
    monkeypatch.setattr(PushRateThrottle, "THROTTLE_RATES", {"telemetry_push": "2/minute"})
    assert push({"series": [series()]}).status_code == 200
    assert push({"series": [series()]}).status_code == 200
    assert push({"series": [series()]}).status_code == 429
    other = push({"series": [series(cast.host_b1.name)]}, secret=PUSH_SECRET_B)
    assert other.status_code == 200


def test_a_deeply_nested_body_is_refused_naming_the_nesting_limit(cast):
    before = stored_counts()
    body = refused(push(None, raw='{"series": ' + "[" * 100_000 + "]" * 100_000 + "}"), 400)
    assert body["problems"][0]["series"] is None
    assert "nested more than" in body["problems"][0]["problem"]
    assert stored_counts() == before


def test_a_fractional_up_is_refused_naming_its_sample(cast):
    moments = minutes_ago(3, 2, 1)
    before = stored_counts()
    body = refused(push({"series": [series(samples=[[moments[0], 1], [moments[1], 0.5]])]}),
                   400, series_index=0)
    assert body["problems"][0]["problem"] == "Sample 1: up is 1 (up) or 0 (down), not 0.5."
    assert stored_counts() == before


def test_two_values_at_one_time_in_one_series_are_refused_naming_both(cast):
    moment = minutes_ago(1)[0]
    before = stored_counts()
    body = refused(push({"series": [series(metric="cpu",
                                           samples=[[moment, 0.2], [moment, 0.3]])]}), 400, 0)
    assert body["problems"][0]["problem"] == (
        "Sample 1: series 0, sample 0 gives the same time another value (0.3, not 0.2).")
    assert stored_counts() == before


def test_two_values_at_one_time_in_two_series_of_one_host_are_refused(cast):
    moment = minutes_ago(1)[0]
    iso = timezone.datetime.fromtimestamp(moment, UTC).isoformat()
    before = stored_counts()
    body = refused(push({"series": [series(samples=[[moment, 1]]), series("a2-db-01"),
                                    series(samples=[[iso, 0]])]}), 400, series_index=2)
    assert [problem["series"] for problem in body["problems"]] == [2]
    assert "series 0, sample 0" in body["problems"][0]["problem"]
    assert stored_counts() == before


def test_the_same_value_twice_at_one_time_is_accepted(cast):
    moment = minutes_ago(1)[0]
    response = push({"series": [series(samples=[[moment, 1], [moment, 1]]),
                                series(samples=[[moment, 1]])]})
    assert response.status_code == 200, response.content
    assert response.json()["received"] == 3
