"""The inventory pages: lists with filters and HTMX partials, scoped to the user."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext


def get(client, url: str, **headers):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_the_system_list_shows_the_contracts_systems_with_the_duplicate_marked(cast, client_for):
    html = get(client_for(cast.purchaser_admin), "/systems/?q=应用开发")
    assert "应用开发与管理平台（第27行）" in html and "same name as row 16" in html
    assert "国有资产损失监督追责" not in html


def test_an_htmx_request_gets_only_the_table(cast, client_for):
    html = get(client_for(cast.purchaser_admin), "/systems/?q=京企查", **{"HX-Request": "true"})
    assert "<html" not in html and "京企查" in html


def test_a_vendor_lists_only_its_own_systems_and_hosts(cast, client_for):
    client = client_for(cast.vendor_a)
    systems = get(client, "/systems/")
    assert cast.system_a1.label in systems and cast.system_a2.label not in systems
    hosts = get(client, "/hosts/")
    assert cast.host_a1.name in hosts and cast.host_a2.name not in hosts


def test_the_filter_form_offers_only_visible_contracts(cast, client_for):
    html = get(client_for(cast.purchaser_admin), "/hosts/")
    assert cast.contract_b.current_version.title not in html


def test_a_host_page_shows_its_resources(cast, client_for):
    html = get(client_for(cast.provider_operator), f"/hosts/{cast.host_a1.pk}/")
    assert "a1-web-01" in html and "麒麟 V10" in html and "10.0.0.1" in html


def test_filtering_hosts_by_status(cast, client_for):
    client = client_for(cast.provider_operator)
    assert cast.host_a1.name in get(client, "/hosts/?status=running")
    assert cast.host_a1.name not in get(client, "/hosts/?status=stopped")


def test_the_system_list_costs_the_same_queries_for_any_number_of_systems(cast, client_for):
    client = client_for(cast.purchaser_admin)
    get(client, "/systems/")
    with CaptureQueriesContext(connection) as one_row:
        get(client, "/systems/?q=京企查")
    with CaptureQueriesContext(connection) as all_rows:
        get(client, "/systems/")
    assert len(all_rows) == len(one_row)
