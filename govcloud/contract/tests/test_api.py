"""The contract REST API: the same figures as the contract file, scoped to the user."""

from __future__ import annotations

from django.conf import settings

from govcloud.contract.contract_file import bundled_contract_path
from govcloud.contract.services import load_contract


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_purchaser_admin_lists_only_the_contracts_of_their_agency(cast, client_for):
    listed = results(client_for(cast.purchaser_admin).get("/api/contracts/"))
    assert [item["code"] for item in listed] == [cast.contract_a.code]


def test_the_contract_carries_money_as_exact_strings_and_its_key_dates(cast, client_for):
    client = client_for(cast.purchaser_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(f"/api/contracts/{cast.contract_a.pk}/")
    version = response.json()["current_version"]
    assert version["total_including_tax"] == "3887026.00"
    assert version["total_excluding_tax"] == "3667005.66"
    assert version["tax_amount"] == "220020.34"
    assert version["contract_number"] == "SXYSR 202506162"
    dates = {item["key"]: item["due_on"] for item in version["key_dates"]}
    assert dates == {"renewal": "2025-12-01", "acceptance": "2026-01-15",
                     "deemed_acceptance": None}
    [finding] = version["findings"]
    assert (finding["kind"], finding["row"], finding["duplicate_of_row"]) == (
        "duplicate_system_row", 27, 16)
    assert finding["message"].startswith("Rows 16 and 27 of the system table")


def test_payment_milestones_come_with_computed_amounts(cast, client_for):
    listed = results(client_for(cast.provider_manager).get(
        f"/api/payment-milestones/?contract={cast.contract_a.pk}"))
    assert [(item["key"], item["percent"], item["amount"]) for item in listed] == [
        ("first", "70.000", "2720918.20"), ("final", "30.000", "1166107.80")]
    assert listed[0]["due"] == {"working_days": 15, "after": ["invoice"]}
    assert listed[0]["due_on"] is None


def test_the_catalog_lists_the_current_version_unless_a_version_is_asked_for(
    cast, client_for, tmp_path
):
    old_version = cast.contract_a.current_version
    amended = tmp_path / "amended.yaml"
    amended.write_text(bundled_contract_path().read_text(encoding="utf-8").replace(
        "quantity: 1400", "quantity: 1600"), encoding="utf-8")
    load_contract(amended)
    client = client_for(cast.purchaser_admin)
    current = results(client.get(f"/api/catalog-items/?contract={cast.contract_a.pk}"))
    assert len(current) == 14 and current[0]["quantity"] == 1600
    older = results(client.get(f"/api/catalog-items/?version={old_version.pk}"))
    assert len(older) == 14 and older[0]["quantity"] == 1400


def test_kpis_carry_rule_target_and_the_derived_target(cast, client_for):
    listed = results(client_for(cast.supervisor).get(
        f"/api/kpis/?contract={cast.contract_a.pk}&limit=100"))
    by_number = {item["number"]: item for item in listed}
    assert len(by_number) == 15
    assert by_number["1"]["target_ref"] == "contract_total"
    assert by_number["1"]["effective_target"] == "388.702600"
    assert (by_number["2"]["rule"], by_number["2"]["target"]) == ("ge", "180.000000")
    assert by_number["12"]["target_date"] == "2025-12-31"


def test_filtering_by_another_tenants_contract_is_refused_like_an_unknown_one(cast, client_for):
    client = client_for(cast.purchaser_admin)
    for endpoint in ("catalog-items", "kpis", "systems", "hosts", "contract-versions"):
        foreign = client.get(f"/api/{endpoint}/?contract={cast.contract_b.pk}")
        unknown = client.get(f"/api/{endpoint}/?contract=999999")
        assert foreign.status_code == unknown.status_code == 400, endpoint
        assert "contract" in foreign.json()


def test_asking_for_another_tenants_version_is_refused_as_an_unknown_choice(cast, client_for):
    foreign = cast.contract_b.current_version
    response = client_for(cast.purchaser_admin).get(f"/api/catalog-items/?version={foreign.pk}")
    assert response.status_code == 400
    assert "version" in response.json()


def test_a_vendor_sees_its_own_systems_and_nothing_of_the_contract_as_a_whole(cast, client_for):
    client = client_for(cast.vendor_a)
    systems = results(client.get("/api/systems/"))
    assert [item["id"] for item in systems] == [cast.system_a1.pk]
    assert results(client.get("/api/catalog-items/")) == []
    assert results(client.get("/api/payment-milestones/")) == []
    contract = client.get(f"/api/contracts/{cast.contract_a.pk}/")
    assert contract.status_code == 200


def test_the_system_admin_sees_contracts_and_systems_but_no_money(cast, client_for):
    client = client_for(cast.system_admin)
    assert len(results(client.get("/api/contracts/"))) == 2
    assert len(results(client.get("/api/systems/?limit=100"))) > 2
    assert results(client.get("/api/payment-milestones/")) == []
    assert results(client.get("/api/contract-versions/")) == []


def test_the_audit_admin_sees_no_contract_data(cast, client_for):
    client = client_for(cast.audit_admin)
    assert results(client.get("/api/contracts/")) == []
    assert results(client.get("/api/systems/")) == []


def test_me_tells_the_user_their_role_and_scope(cast, client_for):
    me = client_for(cast.vendor_b).get("/api/me/").json()
    assert me["username"] == "vendor-b"
    assert me["role"] == "app_vendor"
    assert me["systems"] == [cast.system_a2.pk]


def test_the_openapi_schema_describes_every_endpoint(cast, client_for):
    response = client_for(cast.purchaser_admin).get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for endpoint in ("/api/contracts/", "/api/catalog-items/", "/api/kpis/",
                     "/api/payment-milestones/", "/api/obligations/", "/api/systems/",
                     "/api/hosts/", "/api/me/"):
        assert endpoint in paths


def test_the_api_docs_are_served_without_a_cdn(cast, client_for):
    page = client_for(cast.purchaser_admin).get("/api/docs/").content.decode()
    assert "swagger-ui" in page
    assert "cdn." not in page and "unpkg" not in page and "jsdelivr" not in page


def test_the_api_is_read_only_for_contracts(cast, client_for):
    client = client_for(cast.purchaser_admin)
    assert client.post("/api/contracts/", {"code": "x"}).status_code == 405
    assert client.delete(f"/api/contracts/{cast.contract_a.pk}/").status_code == 405
