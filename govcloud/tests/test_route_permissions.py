"""Every page and API route refuses strangers and hides other tenants' objects."""

from __future__ import annotations

import pytest
from django.urls import resolve

from govcloud.lib.roles import Role
from govcloud.testing.routes import PUBLIC_ROUTES, all_routes, object_in_contract
from govcloud.web.pages import may_open

ROUTES = [route for route in all_routes() if route.name not in PUBLIC_ROUTES]
LIST_ROUTES = [route for route in ROUTES if "pk" not in route.parameters]
DETAIL_ROUTES = [route for route in ROUTES if "pk" in route.parameters]


def _role_limited(model) -> bool:
    """Whether only the roles of ``scope_roles`` may see the model at all."""
    return model is not None and getattr(model, "scope_roles", None) is not None


def _model_of_page(response):
    """Return the model of the route a response (after its redirects) came from."""
    match = resolve(response.request["PATH_INFO"])
    view = match.func
    view_class = getattr(view, "view_class", None) or getattr(view, "cls", None)
    model = getattr(view_class, "model", None) or getattr(view, "model", None)
    queryset = getattr(view_class, "queryset", None)
    return model or (queryset.model if queryset is not None else None)


def _platform_wide(model) -> bool:
    """Whether the model's rows belong to no contract (the audit log, the accounts)."""
    return model is not None and getattr(model, "scope_platform_wide", False)


ROLE_LIMITED_DETAIL_ROUTES = [route for route in DETAIL_ROUTES if _role_limited(route.model)]
ROLE_LIMITED_LIST_ROUTES = [route for route in LIST_ROUTES if _role_limited(route.model)]


def people_of_contract_a(cast) -> dict:
    """Everyone who works on contract A. The system administrator is left out: that role
    sees the models marked ``scope_visible_to_account_admin`` of every contract by design,
    and has tests of its own below."""
    people = cast.people()
    del people["outsider"], people["system_admin"]
    return people


def test_the_walker_finds_the_routes_it_must_cover():
    names = {route.name for route in ROUTES}
    assert {"contract-detail", "system-list", "host-detail", "api:contract-detail",
            "api:host-list", "api:schema", "api:docs", "api:me"} <= names


def test_every_detail_route_names_the_model_of_its_object():
    for route in DETAIL_ROUTES:
        assert route.model is not None, f"{route.name}: the walker cannot tell its model"
        assert hasattr(route.model, "scope_contract_field"), route.name


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_an_anonymous_request_is_refused(route, cast, client):
    obj = object_in_contract(route.model, cast.contract_a) if "pk" in route.parameters else None
    response = client.get(route.url(obj))
    if route.is_api:
        assert response.status_code in (401, 403), route.name
    else:
        assert response.status_code == 302, route.name
        assert response["Location"].startswith("/login/"), route.name


@pytest.mark.parametrize("route", DETAIL_ROUTES, ids=lambda route: route.name)
def test_nobody_on_contract_a_reads_an_object_of_contract_b(route, cast, client_for):
    if _platform_wide(route.model):
        pytest.skip(f"{route.model.__name__} belongs to no contract (see the scope_roles tests)")
    foreign = object_in_contract(route.model, cast.contract_b)
    for name, person in people_of_contract_a(cast).items():
        response = client_for(person).get(route.url(foreign))
        assert response.status_code == 404, f"{name} read {route.name} of contract B"


@pytest.mark.parametrize("route", DETAIL_ROUTES, ids=lambda route: route.name)
def test_the_other_tenant_reads_nothing_of_contract_a(route, cast, client_for):
    ours = object_in_contract(route.model, cast.contract_a)
    response = client_for(cast.outsider).get(route.url(ours))
    assert response.status_code == 404, route.name


def _markers_of_contract_b(cast) -> list[str]:
    version = cast.contract_b.current_version
    return [cast.contract_b.code, version.title, version.contract_number,
            cast.system_b1.label, cast.host_b1.name]


@pytest.mark.parametrize("route", LIST_ROUTES, ids=lambda route: route.name)
def test_no_list_shows_anything_of_contract_b(route, cast, client_for):
    markers = _markers_of_contract_b(cast)
    for name, person in people_of_contract_a(cast).items():
        response = client_for(person).get(route.url(), follow=True)
        if response.status_code in (401, 403, 404):
            # refused outright (401: a route that takes a token, not a session): it shows
            # nothing at all
            continue
        landed_on = _model_of_page(response)
        if _platform_wide(landed_on) and person.role in landed_on.scope_roles:
            continue  # it sees the whole platform-wide model by design, contract B included
        assert response.status_code == 200, f"{route.name} as {name}"
        body = response.content.decode()
        leaked = [marker for marker in markers if marker in body]
        assert not leaked, f"{route.name} shows {leaked} of contract B to {name}"


@pytest.mark.parametrize("route", DETAIL_ROUTES, ids=lambda route: route.name)
def test_a_vendor_reads_nothing_of_another_vendors_system(route, cast, client_for):
    model = route.model
    if getattr(model, "scope_system_field", None) is None:
        pytest.skip(f"{model.__name__} does not belong to one system")
    lookup = model.scope_system_field
    theirs = model.objects.filter(**{lookup: cast.system_a2.pk}).first()
    if theirs is None or theirs in model.objects.filter(**{lookup: cast.system_a1.pk}):
        pytest.skip(f"no {model.__name__} of vendor B's system alone")
    response = client_for(cast.vendor_a).get(route.url(theirs))
    assert response.status_code == 404, route.name


@pytest.mark.parametrize("route", DETAIL_ROUTES, ids=lambda route: route.name)
def test_the_system_admin_reads_only_what_scoping_accounts_needs(route, cast, client_for):
    if _platform_wide(route.model):
        pytest.skip(f"{route.model.__name__} belongs to no contract (see the scope_roles tests)")
    foreign = object_in_contract(route.model, cast.contract_b)
    response = client_for(cast.system_admin).get(route.url(foreign))
    # 200 only for what restrict() shows it on a page of its work (govcloud/web/pages.py)
    visible = getattr(route.model, "scope_visible_to_account_admin", False)
    expected = 200 if visible and may_open(Role.SYSTEM_ADMIN, route.name) else 404
    assert response.status_code == expected, route.name


@pytest.mark.parametrize("route", LIST_ROUTES, ids=lambda route: route.name)
def test_no_list_shows_a_host_to_the_system_admin(route, cast, client_for):
    body = client_for(cast.system_admin).get(route.url(), follow=True).content.decode()
    assert cast.host_a1.name not in body and cast.host_b1.name not in body, route.name


@pytest.mark.parametrize("route", ROLE_LIMITED_DETAIL_ROUTES, ids=lambda route: route.name)
def test_only_the_roles_a_model_names_open_its_objects(route, cast, client_for):
    model = route.model
    obj = object_in_contract(model, cast.contract_a)
    for name, person in cast.people().items():
        status = client_for(person).get(route.url(obj)).status_code
        if person.role not in model.scope_roles:
            assert status == 404, f"{name} opened {route.name}"
        elif model.objects.restrict(person).filter(pk=obj.pk).exists():
            # 405: an action route that takes no GET; visibility is what is checked here
            assert status in (200, 405), f"{name} was refused {route.name}: {status}"
        elif _platform_wide(model):
            raise AssertionError(f"{name} may see {model.__name__} but restrict() hides it")


def _rows_listed(response) -> int | None:
    """Return how many rows a list response shows; None if it is not a list."""
    if response.get("Content-Type", "").startswith("application/json"):
        data = response.json()
        if isinstance(data, dict) and "results" in data:
            return len(data["results"])
        return len(data) if isinstance(data, list) else None
    context = response.context
    if context is not None and "object_list" in context:
        return len(context["object_list"])
    return None


@pytest.mark.parametrize("route", ROLE_LIMITED_LIST_ROUTES, ids=lambda route: route.name)
def test_a_role_the_model_does_not_name_sees_none_of_its_rows(route, cast, client_for):
    model = route.model
    for name, person in cast.people().items():
        response = client_for(person).get(route.url())
        if person.role in model.scope_roles:
            assert response.status_code in (200, 405), f"{name} was refused {route.name}"
            continue
        if response.status_code == 404:
            continue
        assert response.status_code in (200, 405), f"{route.name} as {name}"
        assert not _rows_listed(response), f"{route.name} lists {model.__name__} to {name}"
