"""API hardening that DRF and drf-spectacular take from settings: writes by role, bounded
pages and an honest schema of the error answers (docs/security.md).

Named in settings (REST_FRAMEWORK, SPECTACULAR_SETTINGS): it imports no viewset, so that
DRF can load it while its own modules are still loading.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

#: The most rows one API page returns, whatever ?limit= asks.
MAX_PAGE_SIZE = 500


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """Limit/offset pages whose ?limit= is capped: an unbounded one loads the whole table,
    and one past 2**63 crashed the database query (found by the schema fuzzer)."""

    max_limit = MAX_PAGE_SIZE


ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
INVALID_INPUT_SCHEMA = {
    "description": "The messages per field, or a list of messages.",
    "oneOf": [
        {"type": "object", "additionalProperties": True},
        {"type": "array", "items": {"type": "string"}},
    ],
}


def _error(description: str, schema: str = "Error") -> dict:
    content = {"schema": {"$ref": f"#/components/schemas/{schema}"}}
    return {"description": description, "content": {"application/json": content}}


def _takes_input(method: str, operation: dict) -> bool:
    return method != "get" or "requestBody" in operation or any(
        parameter.get("in") == "query" for parameter in operation.get("parameters", [])
    )


def document_error_responses(result: dict[str, Any], generator: Any, request: Any,
                             public: bool) -> dict[str, Any]:
    """Add the 400, 403, 404 and 429 answers every operation can give to the schema.

    403: not signed in, sign-in unfinished (second factor, password change), not
    permitted, or no CSRF token; 404: an object the person may not see; 429: past the
    rate limit; 400: query parameters or a body that do not validate. Without them a
    client (and govcloud/tests/test_api_schema.py) meets answers the schema never named.
    """
    result.setdefault("components", {}).setdefault("schemas", {}).update(
        Error=ERROR_SCHEMA, InvalidInput=INVALID_INPUT_SCHEMA,
    )
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            if _takes_input(method, operation):
                responses.setdefault("400", _error("Invalid input.", "InvalidInput"))
            responses.setdefault("403", _error("Not signed in, or not permitted."))
            if "{" in path:
                responses.setdefault("404", _error("No such object, or not yours to see."))
            responses.setdefault("429", _error("Too many requests: past the rate limit."))
    return result


class WriteRolesPermission(BasePermission):
    """Let a write through only for the roles the view names in ``write_roles``.

    Checked with the other permissions, before the view reads any input; a view that
    names no roles takes no writes by this permission's leave (read-only viewsets answer
    405 anyway).
    """

    message = "this role may not change this"

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in SAFE_METHODS:
            return True
        roles = getattr(view, "write_roles", None)
        user = request.user  # signed in: IsAuthenticated is checked first (settings)
        return roles is None or (user.is_authenticated and user.role in roles)
