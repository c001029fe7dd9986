"""Signed-in pages, exports and every API answer forbid caching."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse


@pytest.fixture
def cast(shared_cast, db):
    return shared_cast


def assert_not_stored(response) -> None:
    assert response.status_code == 200, response.status_code
    assert "no-store" in response.headers.get("Cache-Control", "")


def test_a_signed_in_page_is_not_stored(cast, client_for):
    assert_not_stored(client_for(cast.purchaser_admin).get(reverse("system-list")))


def test_an_export_is_not_stored(cast, client_for):
    response = client_for(cast.audit_admin).get(reverse("audit-export-csv"))
    assert_not_stored(response)
    assert response["Content-Disposition"].startswith("attachment")


def test_an_inventory_export_is_not_stored(cast, client_for):
    response = client_for(cast.purchaser_admin).get(
        reverse("inventory-export"), {"contract": cast.contract_a.pk})
    assert_not_stored(response)


def test_an_api_answer_is_not_stored(cast, client_for):
    assert_not_stored(client_for(cast.purchaser_admin).get(reverse("api:contract-list")))


def test_an_api_refusal_to_a_stranger_is_not_stored(db):
    response = Client().get(reverse("api:contract-list"))
    assert response.status_code == 403
    assert "no-store" in response["Cache-Control"]

