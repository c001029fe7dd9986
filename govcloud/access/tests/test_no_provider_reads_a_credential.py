"""C-18 "Checked by": no provider role reads a stored credential, by any route there is.

Every route of the URL configuration is opened (GET) by every person who is not a
purchaser role of the credential's contract, and the access routes that act are also
POSTed; the secret's plaintext must appear in no response.
"""

from __future__ import annotations

import pytest

from govcloud.access import services
from govcloud.access.choices import PURCHASER_ROLES
from govcloud.access.models import AccessRequest, AccessUse, SystemCredential
from govcloud.testing.routes import PUBLIC_ROUTES, all_routes, object_in_contract

SECRET_ASCII_PART = "ZEBRA-quartz-41c9e2"
SECRET = f"{SECRET_ASCII_PART}-绝密口令"
ROUTES = [route for route in all_routes() if route.name not in PUBLIC_ROUTES]
NOT_PURCHASER_ROLES = ["provider_operator", "provider_manager", "vendor_a", "vendor_b",
                       "supervisor", "system_admin", "security_admin", "audit_admin", "outsider"]
#: The routes that act and the body each is POSTed with.
POST_BODIES = {
    "access-request-decide": {"decision": "approve", "decide-note": "x"},
    "access-request-revoke": {"revoke-note": "x"},
    "access-request-use": {"use-action": "读取口令"},
    "credential-reveal": {},
    "credential-create": {"label": "x", "secret": "y"},
    "access-request-create": {"purpose": "x"},
    "api:access-request-decide": {"approve": True},
    "api:access-request-revoke": {},
    "api:access-request-uses": {"action": "读取口令"},
    "api:system-credential-reveal": {},
    "api:system-credential-list": {"label": "x", "secret": "y"},
}


@pytest.fixture
def stored(cast, approved):
    """A credential with a distinctive secret on each system of contract A."""
    return [services.store_credential(system, actor=cast.purchaser_admin, label=f"root-{n}",
                                      username="root", secret=SECRET)
            for n, system in enumerate((cast.system_a1, cast.system_a2))]


def object_for(route, cast, stored):
    model = route.model
    if model is None:
        return None
    if model is SystemCredential:
        return stored[0]
    if model in (AccessRequest, AccessUse):
        return model.objects.filter(**{model.scope_contract_field: cast.contract_a}).first()
    try:
        return object_in_contract(model, cast.contract_a)
    except (AssertionError, AttributeError, TypeError):
        return model.objects.order_by("pk").first()


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_the_walk_covers_every_credential_route():
    names = {route.name for route in ROUTES}
    assert {"credential-list", "credential-reveal", "api:system-credential-list",
            "api:system-credential-detail", "api:system-credential-reveal"} <= names
    assert set(POST_BODIES) <= names


def walk(client, cast, stored):
    """Open every route (and POST the acting ones); yield each route and response body."""
    for route in ROUTES:
        obj = object_for(route, cast, stored) if "pk" in route.parameters else None
        if "pk" in route.parameters and obj is None:
            continue
        url = route.url(obj)
        responses = [client.get(url)]
        if route.name in POST_BODIES and route.is_api:
            responses.append(client.post(url, POST_BODIES[route.name],
                                         content_type="application/json"))
        elif route.name in POST_BODIES:
            responses.append(client.post(url, POST_BODIES[route.name]))
        for response in responses:
            assert response.status_code != 500, route.name
            yield route, body_of(response)


def shows_the_secret(body: bytes) -> bool:
    return SECRET.encode() in body or SECRET_ASCII_PART.encode() in body


@pytest.mark.parametrize("role", NOT_PURCHASER_ROLES)
def test_no_route_shows_the_secret_to_anyone_but_the_purchaser(cast, client_for, stored, role):
    person = getattr(cast, role)
    assert person.role not in PURCHASER_ROLES or person.contracts.get() == cast.contract_b
    opened, credentials = 0, SystemCredential.objects.count()
    for route, body in walk(client_for(person), cast, stored):
        assert not shows_the_secret(body), f"{route.name} shows the secret to {role}"
        opened += 1
    assert opened > len(ROUTES)
    assert SystemCredential.objects.count() == credentials


def test_the_same_walk_finds_the_secret_for_the_purchaser_admin(cast, client_for, stored):
    """The walk can see a leak: the purchaser's own reveal routes do show the secret."""
    showing = {route.name for route, body in walk(client_for(cast.purchaser_admin), cast, stored)
               if shows_the_secret(body)}
    assert showing == {"credential-reveal", "api:system-credential-reveal"}
