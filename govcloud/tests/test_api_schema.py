"""Schemathesis fuzzes every API operation as a signed-in purchaser admin: no answer is a
server error and every answer is one the OpenAPI schema describes (status code, content
type, body)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
import schemathesis
from django.conf import settings
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import (
    FailureGroup,
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 10
EXAMPLES_FOR_AN_OBJECT = 5
# Operations left out, by label ("POST /api/…"), each with the reason. Empty: every
# operation of the schema, reads and writes, is fuzzed; whatever a write changes is
# rolled back with the test's transaction.
EXCLUDED: dict[str, str] = {}
# Django's CSRF check takes the bare 32-character secret in the header as well as masked.
CSRF_SECRET = "schemathesisFuzzesTheApi0123456Z"


@contextlib.contextmanager
def same_database_connection() -> Iterator[None]:
    """Keep Django from closing the test's connection after each request, as its test
    client does: the requests must see the cast inside the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def no_rate_limit(monkeypatch):
    """The fuzzer sends a few hundred requests; the user rate limit is tested elsewhere."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": None, "anon": None})
    cache.clear()
    yield
    cache.clear()


def existing_id(client, operation) -> int | None:
    """Return the id of an object the operation's list shows the person, if any."""
    collection = operation.path.split("{id}")[0]
    response = client.get(collection, {"limit": 1})
    if response.status_code != 200 or not response.json().get("results"):
        return None
    return response.json()["results"][0].get("id")


def run_operation(operation, *, cookies: dict, headers: dict, examples: int,
                  path_parameters: dict | None = None) -> list[str]:
    """Send the generated cases of one operation; return the failures, at most one each."""
    failures: list[str] = []
    app = WSGIHandler()
    strategy = operation.as_strategy(cookies=cookies, path_parameters=path_parameters)

    @hypothesis_settings(max_examples=examples, deadline=None, derandomize=True,
                         database=None, phases=[Phase.explicit, Phase.generate],
                         suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def fuzz(case):
        if failures:
            return
        try:
            case.call_and_validate(app=app, headers=headers, checks=CHECKS)
        except (FailureGroup, Exception) as error:  # the checks' failures, or the app's own
            failures.append(f"{operation.label}: {error}")

    fuzz()
    return failures


def test_every_api_operation_answers_within_its_schema(cast, client_for, no_rate_limit):
    client = client_for(cast.purchaser_admin)
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = schemathesis.openapi.from_dict(response.json())
    cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
               settings.CSRF_COOKIE_NAME: CSRF_SECRET}
    headers = {"X-CSRFToken": CSRF_SECRET}

    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [operation for operation in operations if operation.label not in EXCLUDED]
    # Random ids mostly miss; a few more cases aim at an object that exists. Looked up
    # first: the test client reconnects the signals same_database_connection() cuts.
    known_ids = {operation.label: existing_id(client, operation)
                 for operation in operations if "{id}" in operation.path}
    failures = []
    with same_database_connection():
        for operation in operations:
            failures += run_operation(operation, cookies=cookies, headers=headers,
                                      examples=EXAMPLES_PER_OPERATION)
            if known_ids.get(operation.label) is not None:
                failures += run_operation(operation, cookies=cookies, headers=headers,
                                          examples=EXAMPLES_FOR_AN_OBJECT,
                                          path_parameters={"id": known_ids[operation.label]})
    assert "GET /api/systems/{id}/" in [operation.label for operation in operations]
    assert failures == [], "\n\n".join(failures)
