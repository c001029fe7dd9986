"""The telemetry configuration pages of the provider's O&M team: sources with their push
tokens, and service endpoints."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from govcloud.audit.models import AuditEvent
from govcloud.telemetry.models import PushToken, ServiceEndpoint, TelemetrySource
from govcloud.telemetry.testing_sources import SOURCE_NAME
from govcloud.telemetry.tokens import authenticate_secret

SOURCE_FORM = {"name": "亦庄 Prometheus", "kind": "prometheus", "data_center": "",
               "url": "http://127.0.0.1:9090", "mapping": '{"host_label": "instance"}',
               "interval_seconds": "60", "enabled": "on"}


def page(client_for, user):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def source(cast) -> TelemetrySource:
    return TelemetrySource.objects.get(contract=cast.contract_a, name=SOURCE_NAME)


@pytest.fixture
def operator(cast, client_for):
    return page(client_for, cast.provider_operator)


def urls(source, endpoint) -> list[str]:
    return ["/telemetry/sources/", "/telemetry/sources/new/",
            f"/telemetry/sources/{source.pk}/", f"/telemetry/sources/{source.pk}/edit/",
            "/telemetry/endpoints/", "/telemetry/endpoints/new/",
            f"/telemetry/endpoints/{endpoint.pk}/edit/"]


@pytest.mark.parametrize("who", ["provider_operator", "provider_manager"])
def test_every_page_opens_for_the_providers_om_team(who, cast, client_for, source):
    client = page(client_for, getattr(cast, who))
    endpoint = ServiceEndpoint.objects.get(system=cast.system_a1)
    for url in urls(source, endpoint):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert cast.contract_b.code not in body and cast.system_b1.label not in body, url


@pytest.mark.parametrize("who", ["purchaser_admin", "supervisor"])
def test_the_contracts_other_readers_are_refused(who, cast, client_for, source):
    client = page(client_for, getattr(cast, who))
    endpoint = ServiceEndpoint.objects.get(system=cast.system_a1)
    for url in urls(source, endpoint):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("who", ["purchaser_staff", "vendor_a", "system_admin",
                                 "security_admin", "audit_admin"])
def test_the_other_roles_are_refused_and_learn_of_no_object(who, cast, client_for, source):
    client = page(client_for, getattr(cast, who))
    # The platform administrators' role pages leave these out: a 404, like any page not theirs.
    assert client.get("/telemetry/sources/").status_code in (403, 404)
    assert client.get("/telemetry/endpoints/").status_code in (403, 404)
    assert client.get(f"/telemetry/sources/{source.pk}/").status_code == 404


def test_the_other_tenant_finds_nothing(cast, client_for, source):
    client = page(client_for, cast.outsider)
    assert client.get(f"/telemetry/sources/{source.pk}/").status_code == 404
    token = PushToken.objects.get(source=source)
    assert client.post(f"/telemetry/tokens/{token.pk}/revoke/").status_code == 404


def test_a_stranger_is_sent_to_sign_in(client, source):
    response = client.get(f"/telemetry/sources/{source.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_menu_links_the_sources_for_the_providers_team_only(cast, client_for):
    assert 'href="/telemetry/sources/"' in page(client_for, cast.provider_operator).get(
        "/hosts/").content.decode()
    assert 'href="/telemetry/sources/"' not in page(client_for, cast.purchaser_admin).get(
        "/hosts/").content.decode()


def test_a_source_is_added_and_edited_through_the_pages(cast, operator):
    response = operator.post("/telemetry/sources/new/",
                             {**SOURCE_FORM, "contract": cast.contract_a.pk})
    assert response.status_code == 302, response.content.decode()
    created = TelemetrySource.objects.get(name=SOURCE_FORM["name"])
    assert response["Location"] == f"/telemetry/sources/{created.pk}/"
    assert created.mapping == {"host_label": "instance"} and created.enabled
    detail = operator.get(response["Location"]).content.decode()
    assert "http://127.0.0.1:9090" in detail and "host_label" in detail

    edited = operator.post(f"/telemetry/sources/{created.pk}/edit/",
                           {**SOURCE_FORM, "interval_seconds": "15", "enabled": ""})
    assert edited.status_code == 302
    created.refresh_from_db()
    assert created.interval_seconds == 15 and not created.enabled
    assert created.contract == cast.contract_a
    assert [event.action for event in AuditEvent.objects.filter(
        action__startswith="telemetry.source.").order_by("sequence")] == [
        "telemetry.source.create", "telemetry.source.update"]


@pytest.mark.parametrize(("change", "message"), [
    ({"url": ""}, "needs the URL"),
    ({"url": "ftp://x"}, "http://"),
    ({"mapping": '{"host_lable": "instance"}'}, "host_lable"),
    ({"mapping": "not json"}, "JSON"),
    ({"interval_seconds": "0"}, "interval"),
    ({"name": SOURCE_NAME}, "source of this name"),
])
def test_a_bad_source_is_shown_again_with_its_error(change, message, cast, operator):
    before = TelemetrySource.objects.count()
    response = operator.post("/telemetry/sources/new/",
                             {**SOURCE_FORM, "contract": cast.contract_a.pk, **change})
    assert response.status_code == 400
    assert message.lower() in response.content.decode().lower()
    assert TelemetrySource.objects.count() == before


def test_the_simulator_is_not_offered(operator):
    body = operator.get("/telemetry/sources/new/").content.decode()
    assert 'value="push"' in body and 'value="simulator"' not in body


def test_a_token_is_issued_with_its_secret_on_the_answer_only(cast, operator, source):
    response = operator.post(f"/telemetry/sources/{source.pk}/tokens/", {"name": "亦庄采集器"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"].split(", ")
    secret = re.search(r"<code>(gcp_[^<]+)</code>", response.content.decode()).group(1)
    token = authenticate_secret(secret)
    assert token is not None and token.name == "亦庄采集器"
    detail = operator.get(f"/telemetry/sources/{source.pk}/").content.decode()
    assert secret not in detail and token.prefix in detail


def test_a_token_without_a_name_is_not_issued(operator, source):
    response = operator.post(f"/telemetry/sources/{source.pk}/tokens/", {"name": ""})
    assert response.status_code == 400
    assert PushToken.objects.filter(source=source).count() == 1


def test_a_token_is_revoked_through_the_page(operator, source):
    token = PushToken.objects.get(source=source)
    response = operator.post(f"/telemetry/tokens/{token.pk}/revoke/", follow=True)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "revoked" in response.content.decode()


@pytest.mark.parametrize("who", ["purchaser_admin", "supervisor"])
def test_readers_issue_and_revoke_no_token(who, cast, client_for, source):
    client = page(client_for, getattr(cast, who))
    token = PushToken.objects.get(source=source)
    assert client.post(f"/telemetry/sources/{source.pk}/tokens/",
                       {"name": "x"}).status_code == 403
    assert client.post(f"/telemetry/tokens/{token.pk}/revoke/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None and PushToken.objects.count() == 2


def test_an_endpoint_is_added_and_edited_through_the_pages(cast, operator):
    response = operator.post("/telemetry/endpoints/new/", {
        "system": cast.system_a1.pk, "name": "门户", "kind": "tcp", "target": "10.0.0.5:443",
        "enabled": "on"})
    assert response.status_code == 302, response.content.decode()
    endpoint = ServiceEndpoint.objects.get(name="门户")
    listed = operator.get(response["Location"]).content.decode()
    assert "10.0.0.5:443" in listed
    edited = operator.post(f"/telemetry/endpoints/{endpoint.pk}/edit/", {
        "name": "门户", "kind": "http", "target": "https://10.0.0.5/health"})
    assert edited.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.kind, endpoint.target, endpoint.enabled) == (
        "http", "https://10.0.0.5/health", False)


def test_a_bad_endpoint_is_shown_again_with_its_error(cast, operator):
    response = operator.post("/telemetry/endpoints/new/", {
        "system": cast.system_a1.pk, "name": "门户", "kind": "tcp", "target": "10.0.0.5"})
    assert response.status_code == 400
    assert "host:port" in response.content.decode()
    assert not ServiceEndpoint.objects.filter(name="门户").exists()


def test_an_endpoint_of_another_system_cannot_be_chosen(cast, operator):
    response = operator.post("/telemetry/endpoints/new/", {
        "system": cast.system_b1.pk, "name": "x", "kind": "tcp", "target": "10.0.0.5:22"})
    assert response.status_code == 400
    assert not ServiceEndpoint.objects.filter(name="x").exists()
