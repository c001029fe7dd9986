"""API pages have a ceiling, and the schema names the error answers."""

from __future__ import annotations

from django.urls import reverse

from govcloud.lib.api_hardening import MAX_PAGE_SIZE


def test_a_huge_limit_is_capped_instead_of_crashing_the_query(cast, client_for):
    client = client_for(cast.purchaser_admin)
    response = client.get(reverse("api:system-list"), {"limit": 10**30})
    assert response.status_code == 200
    assert len(response.json()["results"]) <= MAX_PAGE_SIZE


def test_the_schema_names_the_error_answers_of_every_operation(cast, client_for):
    client = client_for(cast.purchaser_admin)
    schema = client.get(reverse("api:schema"),
                        HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    listing = schema["paths"]["/api/systems/"]["get"]["responses"]
    detail = schema["paths"]["/api/systems/{id}/"]["get"]["responses"]
    me = schema["paths"]["/api/me/"]["get"]["responses"]
    assert {"200", "400", "403", "429"} <= set(listing) and "404" not in listing
    assert {"200", "403", "404", "429"} <= set(detail) and "400" not in detail
    assert {"200", "403", "429"} <= set(me)
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
