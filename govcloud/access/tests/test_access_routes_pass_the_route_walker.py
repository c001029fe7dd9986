"""The project's route walker, run on the access routes with access objects in the cast.

``govcloud/tests/test_route_permissions.py`` needs an object of each detail route's model
in both contracts; until the shared cast calls ``add_access_objects``, this module proves
the access routes pass every one of its checks.
"""

from __future__ import annotations

import pytest

from govcloud.access.models import AccessRequest, AccessUse, SystemCredential
from govcloud.access.testing import CAST_SECRET, add_access_objects
from govcloud.tests import test_route_permissions as walker

ACCESS_MODELS = (AccessRequest, AccessUse, SystemCredential)
PREFIXES = ("access-", "credential-", "api:access-request", "api:system-credential")
ROUTES = [route for route in walker.ROUTES
          if route.model in ACCESS_MODELS or route.name.startswith(PREFIXES)]
LIST_ROUTES = [route for route in ROUTES if "pk" not in route.parameters]
DETAIL_ROUTES = [route for route in ROUTES if "pk" in route.parameters]
CREDENTIAL_DETAIL_ROUTES = [route for route in DETAIL_ROUTES if route.model is SystemCredential]
CREDENTIAL_LIST_ROUTES = [route for route in LIST_ROUTES if route.model is SystemCredential]


@pytest.fixture
def cast(cast):
    add_access_objects(cast)
    return cast


def test_the_walker_sees_every_access_route():
    assert len(ROUTES) == 9 + 8
    assert {route.model for route in DETAIL_ROUTES} == {AccessRequest, SystemCredential}


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_an_anonymous_request_is_refused(route, cast, client):
    walker.test_an_anonymous_request_is_refused(route, cast, client)


@pytest.mark.parametrize("route", DETAIL_ROUTES, ids=lambda route: route.name)
def test_nobody_on_contract_a_reads_an_object_of_contract_b(route, cast, client_for):
    walker.test_nobody_on_contract_a_reads_an_object_of_contract_b(route, cast, client_for)


@pytest.mark.parametrize("route", DETAIL_ROUTES, ids=lambda route: route.name)
def test_the_other_tenant_reads_nothing_of_contract_a(route, cast, client_for):
    walker.test_the_other_tenant_reads_nothing_of_contract_a(route, cast, client_for)


@pytest.mark.parametrize("route", LIST_ROUTES, ids=lambda route: route.name)
def test_no_list_shows_anything_of_contract_b(route, cast, client_for):
    walker.test_no_list_shows_anything_of_contract_b(route, cast, client_for)


@pytest.mark.parametrize("route", DETAIL_ROUTES, ids=lambda route: route.name)
def test_a_vendor_reads_nothing_of_another_vendors_system(route, cast, client_for):
    walker.test_a_vendor_reads_nothing_of_another_vendors_system(route, cast, client_for)


@pytest.mark.parametrize("route", DETAIL_ROUTES, ids=lambda route: route.name)
def test_the_system_admin_reads_only_what_scoping_accounts_needs(route, cast, client_for):
    walker.test_the_system_admin_reads_only_what_scoping_accounts_needs(route, cast, client_for)


@pytest.mark.parametrize("route", CREDENTIAL_DETAIL_ROUTES, ids=lambda route: route.name)
def test_only_the_roles_a_model_names_open_its_objects(route, cast, client_for):
    walker.test_only_the_roles_a_model_names_open_its_objects(route, cast, client_for)


@pytest.mark.parametrize("route", CREDENTIAL_LIST_ROUTES, ids=lambda route: route.name)
def test_a_role_the_model_does_not_name_sees_none_of_its_rows(route, cast, client_for):
    walker.test_a_role_the_model_does_not_name_sees_none_of_its_rows(route, cast, client_for)


@pytest.mark.parametrize("route", LIST_ROUTES, ids=lambda route: route.name)
def test_no_list_shows_the_cast_secret_to_anyone(route, cast, client_for):
    for name, person in cast.people().items():
        body = client_for(person).get(route.url(), follow=True).content.decode()
        assert CAST_SECRET not in body, f"{route.name} shows a secret to {name}"
