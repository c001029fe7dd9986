"""A JSON body nested past the limit is a 400 naming the limit, on every API route."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from govcloud.lib.parsers import MAX_JSON_DEPTH

DEPTHS = {"far past the stack": 100_000, "one past the limit": MAX_JSON_DEPTH + 1}


@pytest.fixture
def cast(shared_cast, db):
    return shared_cast


def nested(depth: int) -> str:
    return '{"contracts": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


@pytest.mark.parametrize("depth", DEPTHS.values(), ids=DEPTHS.keys())
def test_a_deep_body_for_a_new_account_is_a_bad_request(depth, cast, client_for):
    client = client_for(cast.system_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("api:account-list"), nested(depth),
                           content_type="application/json")
    assert response.status_code == 400
    assert f"at most {MAX_JSON_DEPTH}" in response.json()["detail"]


def test_a_deep_body_for_the_security_policy_is_a_bad_request(cast, client_for):
    client = client_for(cast.security_admin)
    response = client.patch(reverse("api:security-policy"), nested(50_000),
                            content_type="application/json")
    assert response.status_code == 400
    assert str(MAX_JSON_DEPTH) in response.json()["detail"]


def test_a_body_at_the_limit_is_read(cast, client_for):
    client = client_for(cast.security_admin)
    response = client.patch(reverse("api:security-policy"), nested(MAX_JSON_DEPTH),
                            content_type="application/json")
    assert response.status_code == 200
