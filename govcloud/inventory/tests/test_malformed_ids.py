"""A malformed id in a query string is a 404 like an unknown one, never a 500."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("raw", ["²", "abc", "-1", "99999999999999999999"])
def test_the_allocation_page_answers_a_malformed_contract_with_a_404(cast, client_for, raw):
    response = client_for(cast.purchaser_admin).get("/inventory/allocation/", {"contract": raw})
    assert response.status_code == 404


@pytest.mark.parametrize("field", ["system", "host"])
@pytest.mark.parametrize("raw", ["²", "x1", "99999999999999999999"])
def test_the_change_form_answers_a_malformed_system_or_host_with_a_404(cast, client_for,
                                                                       field, raw):
    query = {"system": cast.system_a1.pk, field: raw}
    response = client_for(cast.vendor_a).get("/inventory/changes/new/", query)
    assert response.status_code == 404

