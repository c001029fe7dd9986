"""Every write is refused to strangers, to other tenants and to the read-only roles.

Each route gets every write method with an empty body. A refusal must come before the
input is looked at: a 400 or a form shown again with errors would mean the role got past
authorization, and only bad input stopped it.
"""

from __future__ import annotations

import pytest

from govcloud.testing.routes import PUBLIC_ROUTES, all_routes, object_in_contract

#: Routes every signed-in person may write to: their own password and second factor.
OWN_ACCOUNT_ROUTES = frozenset({"account-password", "account-two-factor"})
ROUTES = [route for route in all_routes() if route.name not in PUBLIC_ROUTES]
WRITE_METHODS = ("post", "put", "patch", "delete")
READ_ONLY_ROLES = ("supervisor", "audit_admin")


def send(client, route, obj, method):
    url = route.url(obj)
    return getattr(client, method)(url, data={}, content_type="application/json") \
        if route.is_api else getattr(client, method)(url)


def target_in(route, contract):
    return object_in_contract(route.model, contract) if "pk" in route.parameters else None


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_a_stranger_writes_nothing(route, cast, client):
    obj = target_in(route, cast.contract_a)
    for method in WRITE_METHODS:
        response = send(client, route, obj, method)
        if route.is_api:
            assert response.status_code in (401, 403), f"{method} {route.name}"
        else:
            assert response.status_code == 302, f"{method} {route.name}"
            assert response["Location"].startswith("/login/"), f"{method} {route.name}"


@pytest.mark.parametrize("route", [r for r in ROUTES if "pk" in r.parameters],
                         ids=lambda route: route.name)
def test_the_other_tenant_writes_nothing_of_contract_a(route, cast, client_for):
    if getattr(route.model, "scope_platform_wide", False):
        pytest.skip(f"{route.model.__name__} belongs to no contract")
    obj = object_in_contract(route.model, cast.contract_a)
    client = client_for(cast.outsider)
    for method in WRITE_METHODS:
        assert send(client, route, obj, method).status_code == 404, f"{method} {route.name}"


@pytest.mark.parametrize("route", [r for r in ROUTES if r.name not in OWN_ACCOUNT_ROUTES],
                         ids=lambda route: route.name)
@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_a_read_only_role_is_refused_before_its_input_is_read(route, role, cast, client_for):
    person = getattr(cast, role)
    client = client_for(person)
    obj = target_in(route, cast.contract_a)
    for method in WRITE_METHODS:
        response = send(client, route, obj, method)
        # 401: a route that takes no session, only a token of its own (the push API)
        refused = response.status_code in (401, 403, 404, 405) or (
            response.status_code == 302 and not route.is_api)
        assert refused, f"{role} {method} {route.name} answered {response.status_code}"
