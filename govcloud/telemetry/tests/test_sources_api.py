"""Configuring telemetry through the API: sources, push tokens and service endpoints, by
the provider's O&M team of the contract; read by whoever sees the contract (or, for
endpoints, the system)."""

from __future__ import annotations

import json

import pytest
from django.conf import settings

from govcloud.audit.models import AuditEvent
from govcloud.telemetry.models import (
    ProbeHourly,
    PushToken,
    ServiceEndpoint,
    TelemetrySource,
)
from govcloud.telemetry.testing_sources import SOURCE_NAME

SOURCES = "/api/telemetry-sources/"
TOKENS = "/api/push-tokens/"
ENDPOINTS = "/api/service-endpoints/"
PROMETHEUS = {"name": "亦庄 Prometheus", "kind": "prometheus", "data_center": "亦庄机房",
              "url": "http://prometheus.yz:9090", "interval_seconds": 30,
              "mapping": {"host_label": "instance", "host_match": "ip", "node_job": "node",
                          "queries": {"cpu": "1 - avg by (instance) (rate(x[5m]))"},
                          "backfill_seconds": 3600}}


def api(client_for, user):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture
def source(cast) -> TelemetrySource:
    return TelemetrySource.objects.get(contract=cast.contract_a, name=SOURCE_NAME)


@pytest.fixture
def operator(cast, client_for):
    return api(client_for, cast.provider_operator)


# --- sources ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["purchaser_admin", "provider_operator", "provider_manager",
                                 "supervisor"])
def test_the_contract_wide_roles_read_the_sources_of_their_contract(who, cast, client_for):
    listed = results(api(client_for, getattr(cast, who)).get(SOURCES))
    assert {row["contract"] for row in listed} == {cast.contract_a.pk}
    assert listed[0]["push_tokens"] == 1


@pytest.mark.parametrize("who", ["purchaser_staff", "vendor_a", "system_admin",
                                 "security_admin", "audit_admin"])
def test_other_roles_read_no_source(who, cast, client_for, source):
    client = api(client_for, getattr(cast, who))
    assert results(client.get(SOURCES)) == []
    assert client.get(f"{SOURCES}{source.pk}/").status_code == 404


def test_the_other_tenant_reads_only_its_own_sources(cast, client_for, source):
    client = api(client_for, cast.outsider)
    assert {row["contract"] for row in results(client.get(SOURCES))} == {cast.contract_b.pk}
    assert client.get(f"{SOURCES}{source.pk}/").status_code == 404


def test_the_providers_om_team_configures_a_prometheus_source(cast, operator):
    response = post(operator, SOURCES, {"contract": cast.contract_a.pk, **PROMETHEUS})
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["mapping"] == PROMETHEUS["mapping"] and created["enabled"] is True
    event = AuditEvent.objects.get(action="telemetry.source.create")
    assert event.target_id == str(created["id"]) and event.details["kind"] == "prometheus"

    changed = patch(operator, f"{SOURCES}{created['id']}/",
                    {"interval_seconds": 60, "enabled": False, "contract": cast.contract_b.pk})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["interval_seconds"], changed.json()["enabled"]) == (60, False)
    assert changed.json()["contract"] == cast.contract_a.pk  # a source stays with its contract
    update = AuditEvent.objects.get(action="telemetry.source.update")
    assert update.details == {"before": {"interval_seconds": 30, "enabled": True},
                              "after": {"interval_seconds": 60, "enabled": False}}


@pytest.mark.parametrize(("change", "field"), [
    ({"url": ""}, "url"),
    ({"url": "prometheus.yz:9090"}, "url"),
    ({"url": "ftp://prometheus.yz"}, "url"),
    ({"url": "http://admin:secret@prometheus.yz:9090"}, "url"),
    ({"url": "http://prometheus.yz:99999"}, "url"),
    ({"mapping": ["instance"]}, "mapping"),
    ({"mapping": "instance"}, "mapping"),
    ({"mapping": {"host_lable": "instance"}}, "mapping"),
    ({"mapping": {"host_match": "mac"}}, "mapping"),
    ({"mapping": {"queries": "up"}}, "mapping"),
    ({"mapping": {"backfill_seconds": -1}}, "mapping"),
    ({"interval_seconds": 0}, "interval_seconds"),
    ({"interval_seconds": 3601}, "interval_seconds"),
    ({"interval_seconds": "often"}, "interval_seconds"),
    ({"kind": "simulator"}, "kind"),
    ({"kind": "snmp"}, "kind"),
    ({"name": ""}, "name"),
    ({"name": SOURCE_NAME}, "name"),
])
def test_a_source_with_a_bad_field_is_refused_naming_it(change, field, cast, operator):
    before = TelemetrySource.objects.count()
    response = post(operator, SOURCES, {"contract": cast.contract_a.pk, **PROMETHEUS, **change})
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert TelemetrySource.objects.count() == before
    assert not AuditEvent.objects.filter(action="telemetry.source.create").exists()


def test_node_exporter_and_push_sources_need_no_url(cast, operator):
    for kind, mapping in (("node_exporter", {"port": 9100, "scheme": "http",
                                             "path": "/metrics", "probe_endpoints": True,
                                             "targets": {"a1-web-01": "10.0.0.1:9100"}}),
                          ("push", {})):
        response = post(operator, SOURCES, {"contract": cast.contract_a.pk, "name": kind,
                                            "kind": kind, "mapping": mapping})
        assert response.status_code == 201, response.content


@pytest.mark.parametrize("who", ["purchaser_admin", "supervisor", "purchaser_staff",
                                 "vendor_a"])
def test_roles_other_than_the_providers_om_team_configure_no_source(who, cast, client_for,
                                                                     source):
    client = api(client_for, getattr(cast, who))
    assert post(client, SOURCES, {"contract": cast.contract_a.pk, **PROMETHEUS}
                ).status_code == 403
    expected = 403 if who in ("purchaser_admin", "supervisor") else 404
    assert patch(client, f"{SOURCES}{source.pk}/", {"enabled": False}).status_code == expected
    assert client.delete(f"{SOURCES}{source.pk}/").status_code == expected
    source.refresh_from_db()
    assert source.enabled


def test_the_providers_team_configures_nothing_of_another_contract(cast, operator):
    response = post(operator, SOURCES, {"contract": cast.contract_b.pk, **PROMETHEUS})
    assert response.status_code == 400 and "contract" in response.json()
    foreign = TelemetrySource.objects.get(contract=cast.contract_b)
    assert patch(operator, f"{SOURCES}{foreign.pk}/", {"enabled": False}).status_code == 404
    assert operator.delete(f"{SOURCES}{foreign.pk}/").status_code == 404


def test_deleting_a_source_removes_its_tokens_and_is_audited(cast, operator, source):
    assert operator.delete(f"{SOURCES}{source.pk}/").status_code == 204
    assert not TelemetrySource.objects.filter(pk=source.pk).exists()
    assert not PushToken.objects.filter(source_id=source.pk).exists()
    event = AuditEvent.objects.get(action="telemetry.source.delete")
    assert event.details["push_tokens"] == 1 and event.details["name"] == SOURCE_NAME


def test_the_api_has_no_put_for_sources(operator, source):
    assert operator.put(f"{SOURCES}{source.pk}/", "{}",
                        content_type="application/json").status_code == 405


# --- push tokens --------------------------------------------------------------------------


def test_a_token_is_issued_with_its_secret_shown_once(cast, operator, source):
    response = post(operator, TOKENS, {"source": source.pk, "name": "亦庄采集器"})
    assert response.status_code == 201, response.content
    assert "no-store" in response["Cache-Control"].split(", ")
    issued = response.json()
    secret = issued["secret"]
    assert secret.startswith("gcp_") and issued["prefix"] == secret[:12] and issued["active"]

    listed = operator.get(TOKENS).content.decode() + operator.get(
        f"{TOKENS}{issued['id']}/").content.decode()
    token = PushToken.objects.get(pk=issued["id"])
    assert secret not in listed and token.secret_hash not in listed
    assert '"secret"' not in listed

    pushed = operator.post("/api/telemetry/push/", json.dumps({"series": []}),
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert pushed.status_code == 400  # authenticated: only the empty batch is refused


def test_a_revoked_token_is_listed_as_revoked_and_pushes_nothing(cast, operator, source):
    issued = post(operator, TOKENS, {"source": source.pk, "name": "x"}).json()
    revoked = operator.post(f"{TOKENS}{issued['id']}/revoke/")
    assert revoked.status_code == 200, revoked.content
    assert revoked.json()["revoked_at"] and not revoked.json()["active"]
    again = operator.post(f"{TOKENS}{issued['id']}/revoke/")
    assert again.status_code == 400
    pushed = operator.post("/api/telemetry/push/", json.dumps({"series": []}),
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {issued['secret']}")
    assert pushed.status_code == 401
    assert [row["id"] for row in results(operator.get(TOKENS, {"revoked": "true"}))] == [
        issued["id"]]
    assert issued["id"] not in [row["id"] for row in
                                results(operator.get(TOKENS, {"revoked": "false"}))]


def test_tokens_are_issued_for_push_sources_only(cast, operator):
    created = post(operator, SOURCES, {"contract": cast.contract_a.pk, **PROMETHEUS}).json()
    response = post(operator, TOKENS, {"source": created["id"], "name": "x"})
    assert response.status_code == 400 and "source" in response.json()


@pytest.mark.parametrize("who", ["purchaser_admin", "supervisor"])
def test_readers_of_the_contract_see_tokens_but_issue_and_revoke_none(who, cast, client_for,
                                                                      source):
    client = api(client_for, getattr(cast, who))
    token = PushToken.objects.get(source=source)
    assert [row["id"] for row in results(client.get(TOKENS))] == [token.pk]
    assert post(client, TOKENS, {"source": source.pk, "name": "x"}).status_code == 403
    assert client.post(f"{TOKENS}{token.pk}/revoke/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_tokens_of_another_contract_are_unknown(cast, operator, client_for):
    foreign = PushToken.objects.get(source__contract=cast.contract_b)
    assert operator.post(f"{TOKENS}{foreign.pk}/revoke/").status_code == 404
    source_b = foreign.source
    assert post(operator, TOKENS, {"source": source_b.pk, "name": "x"}).status_code == 400
    vendor = api(client_for, cast.vendor_a)
    assert results(vendor.get(TOKENS)) == []


# --- service endpoints --------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "target"), [
    ("tcp", "10.0.0.5:443"), ("tcp", "db.internal:3306"), ("tcp", "[2001:db8::5]:443"),
    ("http", "https://10.0.0.5/health"), ("http", "http://portal.gov:8080/"),
])
def test_an_endpoint_is_added_with_a_valid_target(kind, target, cast, operator):
    response = post(operator, ENDPOINTS, {"system": cast.system_a1.pk, "name": "portal",
                                          "kind": kind, "target": target})
    assert response.status_code == 201, response.content
    assert response.json()["contract"] == cast.contract_a.pk
    assert AuditEvent.objects.get(action="telemetry.endpoint.create").details["target"] == target


@pytest.mark.parametrize(("kind", "target"), [
    ("tcp", "10.0.0.5"), ("tcp", "10.0.0.5:0"), ("tcp", "10.0.0.5:65536"), ("tcp", ":443"),
    ("tcp", "db.internal:https"), ("tcp", "2001:db8::5:443"), ("tcp", "a b:80"),
    ("tcp", "http://10.0.0.5:80"), ("tcp", "[not-ipv6]:80"), ("tcp", ""),
    ("http", "10.0.0.5:443"), ("http", "ftp://10.0.0.5/"), ("http", "https://"),
    ("http", "https://10.0.0.5:0/"),
])
def test_an_endpoint_with_a_bad_target_is_refused(kind, target, cast, operator):
    before = ServiceEndpoint.objects.count()
    response = post(operator, ENDPOINTS, {"system": cast.system_a1.pk, "name": "portal",
                                          "kind": kind, "target": target})
    assert response.status_code == 400, response.content
    assert "target" in response.json()
    assert ServiceEndpoint.objects.count() == before


def test_an_endpoint_name_is_unique_within_its_system(cast, operator):
    response = post(operator, ENDPOINTS, {"system": cast.system_a1.pk, "name": "web",
                                          "kind": "tcp", "target": "10.0.0.1:80"})
    assert response.status_code == 400 and "name" in response.json()


def test_an_endpoint_is_changed_but_stays_with_its_system(cast, operator):
    endpoint = ServiceEndpoint.objects.get(system=cast.system_a1)
    response = patch(operator, f"{ENDPOINTS}{endpoint.pk}/",
                     {"kind": "tcp", "target": "10.0.0.1:443", "system": cast.system_a2.pk})
    assert response.status_code == 200, response.content
    assert response.json()["system"] == cast.system_a1.pk
    endpoint.refresh_from_db()
    assert (endpoint.kind, endpoint.target) == ("tcp", "10.0.0.1:443")
    event = AuditEvent.objects.get(action="telemetry.endpoint.update")
    assert event.details["after"] == {"kind": "tcp", "target": "10.0.0.1:443"}
    bad = patch(operator, f"{ENDPOINTS}{endpoint.pk}/", {"kind": "http"})
    assert bad.status_code == 400 and "target" in bad.json()


def test_an_endpoint_with_probe_data_is_disabled_not_deleted(cast, operator):
    from django.utils import timezone

    endpoint = ServiceEndpoint.objects.get(system=cast.system_a1)
    ProbeHourly.objects.create(endpoint=endpoint, hour=timezone.now().replace(
        minute=0, second=0, microsecond=0), samples=60, samples_up=60)
    refused = operator.delete(f"{ENDPOINTS}{endpoint.pk}/")
    assert refused.status_code == 400 and "KPI 7" in json.dumps(refused.json())
    assert ServiceEndpoint.objects.filter(pk=endpoint.pk).exists()
    other = ServiceEndpoint.objects.get(system=cast.system_a2)
    assert operator.delete(f"{ENDPOINTS}{other.pk}/").status_code == 204
    assert AuditEvent.objects.get(action="telemetry.endpoint.delete").target_id == str(other.pk)


def test_the_system_scoped_roles_read_the_endpoints_of_their_own_systems(cast, client_for):
    for who in ("vendor_a", "purchaser_staff"):
        client = api(client_for, getattr(cast, who))
        assert {row["system"] for row in results(client.get(ENDPOINTS))} == {cast.system_a1.pk}
    theirs = ServiceEndpoint.objects.get(system=cast.system_a2)
    assert api(client_for, cast.vendor_a).get(f"{ENDPOINTS}{theirs.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["vendor_a", "purchaser_staff", "purchaser_admin",
                                 "supervisor"])
def test_only_the_providers_om_team_changes_endpoints(who, cast, client_for):
    client = api(client_for, getattr(cast, who))
    endpoint = ServiceEndpoint.objects.get(system=cast.system_a1)
    assert post(client, ENDPOINTS, {"system": cast.system_a1.pk, "name": "x", "kind": "tcp",
                                    "target": "10.0.0.1:22"}).status_code == 403
    assert patch(client, f"{ENDPOINTS}{endpoint.pk}/", {"enabled": False}).status_code == 403
    assert client.delete(f"{ENDPOINTS}{endpoint.pk}/").status_code == 403
    endpoint.refresh_from_db()
    assert endpoint.enabled


def test_an_endpoint_of_another_contract_is_unknown(cast, operator, client_for):
    foreign = ServiceEndpoint.objects.get(system=cast.system_b1)
    assert patch(operator, f"{ENDPOINTS}{foreign.pk}/", {"enabled": False}).status_code == 404
    response = post(operator, ENDPOINTS, {"system": cast.system_b1.pk, "name": "x",
                                          "kind": "tcp", "target": "10.0.0.1:22"})
    assert response.status_code == 400 and "system" in response.json()
    outsider = api(client_for, cast.outsider)
    ours = ServiceEndpoint.objects.get(system=cast.system_a1)
    assert outsider.get(f"{ENDPOINTS}{ours.pk}/").status_code == 404
