"""A second agency's contract loads, shows and computes its own numbers beside the first."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings


def test_the_other_agency_sees_its_own_figures_on_the_overview(cast, client_for):
    client = client_for(cast.outsider)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(f"/contracts/{cast.contract_b.pk}/").content.decode()
    version = cast.contract_b.current_version
    assert version.title in html and "¥1,234,567.89" in html
    assert "¥370,370.37" in html and "¥493,827.15" in html
    assert "¥3,887,026.00" not in html and "SXYSR 202506162" not in html


def test_the_other_contracts_milestones_add_up_to_its_total_through_the_api(cast, client_for):
    response = client_for(cast.outsider).get("/api/payment-milestones/")
    amounts = [Decimal(item["amount"]) for item in response.json()["results"]]
    assert amounts == [Decimal("370370.37"), Decimal("493827.15"), Decimal("370370.37")]
    assert sum(amounts) == cast.contract_b.current_version.total_including_tax


def test_each_contract_has_its_own_catalog(cast, client_for):
    ours = client_for(cast.purchaser_admin).get("/api/catalog-items/").json()
    theirs = client_for(cast.outsider).get("/api/catalog-items/").json()
    assert ours["count"] == 14
    assert theirs["count"] == cast.contract_b.current_version.catalogitems.count() != 14
