"""The API's JSON parser: DRF's, with a limit on how deeply a body may nest.

Python's JSON reader recurses once per level, so a body of a few thousand brackets ran
out of stack (RecursionError, a 500). No request of govcloud nests more than a handful
of levels; anything past the limit is refused as a bad request naming the limit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

#: The deepest nesting of objects and lists a JSON body may have.
MAX_JSON_DEPTH = 32


def nested_deeper_than(data: dict | list, limit: int) -> bool:
    """Tell whether ``data`` nests lists and objects more than ``limit`` levels deep.

    A loop with its own stack, not recursion: the point is to survive any depth.
    """
    stack: list[tuple[dict | list, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children
                     if isinstance(child, dict | list))
    return False


def too_deep() -> ParseError:
    return ParseError(_("JSON parse error - the body is nested more than %(limit)s levels "
                        "deep; the API accepts at most %(limit)s.") % {"limit": MAX_JSON_DEPTH})


class DepthLimitedJSONParser(JSONParser):
    """Parse a JSON body, refusing one nested deeper than ``MAX_JSON_DEPTH``."""

    def parse(self, stream: IO[Any], media_type: str | None = None,
              parser_context: Mapping[str, Any] | None = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep() from None
        if isinstance(data, dict | list) and nested_deeper_than(data, MAX_JSON_DEPTH):
            raise too_deep()
        return data
