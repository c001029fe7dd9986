"""The contract pages: the overview shows the whole contract to those who may see it."""

from __future__ import annotations

import pytest
from django.conf import settings

from govcloud.contract.contract_file import bundled_contract_path
from govcloud.contract.services import load_contract


def page(client, url: str, language: str | None = None) -> str:
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_home_page_opens_the_only_contract_of_the_user(cast, client_for):
    response = client_for(cast.purchaser_admin).get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/contracts/{cast.contract_a.pk}/"


def test_the_home_page_opens_each_administrators_own_work(cast, client_for):
    assert client_for(cast.system_admin).get("/")["Location"] == "/accounts/"
    assert client_for(cast.security_admin).get("/")["Location"] == "/accounts/"
    assert client_for(cast.audit_admin).get("/")["Location"] == "/audit/"


def test_the_overview_shows_money_payments_catalog_kpis_and_systems(cast, client_for):
    html = page(client_for(cast.purchaser_admin), f"/contracts/{cast.contract_a.pk}/", "en")
    for text in ("SXYSR 202506162", "¥3,887,026.00", "¥3,667,005.66", "¥2,720,918.20",
                 "¥1,166,107.80", "叁佰捌拾捌万柒仟零贰拾陆元整", "2025-12-01", "2026-01-15",
                 "Payment schedule", "Service catalog", "23500", "/kpi/card/?contract=",
                 "应用开发与管理平台（第27行）", "same name as row 16"):
        assert text in html, text
    assert html.count('<td class="num">availability</td>') == 0


def test_the_overview_speaks_chinese_by_default(cast, client_for):
    html = page(client_for(cast.purchaser_admin), f"/contracts/{cast.contract_a.pk}/")
    assert '<html lang="zh-CN">' in html
    assert "付款计划" in html and "服务清单" in html and "绩效指标" in html
    assert "Payment schedule" not in html


def test_a_browser_asking_for_english_still_gets_chinese_until_the_switch(cast, client_for):
    client = client_for(cast.purchaser_admin)
    url = f"/contracts/{cast.contract_a.pk}/"
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "付款计划" in html and "Payment schedule" not in html
    client.post("/i18n/setlang/", {"language": "en", "next": url})
    assert "Payment schedule" in client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()


def test_the_overview_hides_money_from_a_vendor(cast, client_for):
    html = page(client_for(cast.vendor_a), f"/contracts/{cast.contract_a.pk}/", "en")
    assert cast.system_a1.label in html
    assert cast.system_a2.label not in html
    assert "¥3,887,026.00" not in html and "Payment schedule" not in html


def test_an_older_version_is_shown_on_request_and_a_bad_one_is_not_found(cast, client_for):
    client = client_for(cast.purchaser_admin)
    url = f"/contracts/{cast.contract_a.pk}/"
    assert "SXYSR 202506162" in page(client, f"{url}?version=1")
    assert client.get(f"{url}?version=9").status_code == 404
    assert client.get(f"{url}?version=abc").status_code == 404


@pytest.mark.parametrize("version", ["²", "-1", "1.0", " 1", "0x1", "", "99999999999999999999999"])
def test_a_malformed_version_number_is_not_found(cast, client_for, version):
    client = client_for(cast.purchaser_admin)
    url = f"/contracts/{cast.contract_a.pk}/"
    assert client.get(url, {"version": version}).status_code == 404


def test_the_contract_list_shows_the_users_contracts(cast, client_for):
    html = page(client_for(cast.provider_operator), "/contracts/", "en")
    assert "SXYSR 202506162" in html and "¥3,887,026.00" in html


def test_signing_in_with_a_password_opens_the_contract(cast, client):
    response = client.post("/login/", {"username": "purchaser-admin",
                                       "password": "Cast-Password-2025"})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code in (200, 302)


def test_a_wrong_password_is_refused_with_a_message(cast, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post("/login/", {"username": "purchaser-admin", "password": "wrong"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_switching_the_language_sets_english(cast, client_for):
    client = client_for(cast.purchaser_admin)
    url = f"/contracts/{cast.contract_a.pk}/"
    response = client.post("/i18n/setlang/", {"language": "en", "next": url})
    assert response.status_code == 302
    assert "Payment schedule" in client.get(url).content.decode()


def test_an_older_version_lists_the_systems_of_its_own_file(cast, client_for, tmp_path):
    amended = tmp_path / "amended.yaml"
    amended.write_text(bundled_contract_path().read_text(encoding="utf-8").replace(
        "  - {row: 26, name: 京企查}\n", ""), encoding="utf-8")
    load_contract(amended)
    client = client_for(cast.purchaser_admin)
    url = f"/contracts/{cast.contract_a.pk}/"
    assert "京企查" in page(client, f"{url}?version=1")
    assert "京企查" not in page(client, url)
