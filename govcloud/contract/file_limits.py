"""The limits of a contract file, so that what ``contract check`` accepts ``contract load``
stores: a size, a nesting depth and a number of YAML nodes once aliases are expanded
(an alias bomb stops while the file is composed, not after gigabytes), numbers the database
holds, and text without invisible or unstorable characters.

Every limit is named in the message that refuses a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import yaml

#: The largest contract file read; the bundled contract is about 15 KB.
MAX_FILE_BYTES = 1 << 20
#: The deepest nesting of mappings and lists; a contract file needs about six levels.
MAX_DEPTH = 32
#: The most YAML nodes a file may hold once every alias (*name) is expanded.
MAX_NODES = 100_000
#: Whole numbers (quantities, numbers, rows) are stored as 32-bit integers.
MAX_WHOLE_NUMBER = 2_147_483_647
#: Other numbers (targets, percents) are stored with at most 12 digits before the point
#: and 6 after it.
MAX_INTEGER_DIGITS = 12
MAX_DECIMAL_PLACES = 6

#: Characters that change how text reads without being seen: right-to-left and other
#: direction controls, zero-width characters and the byte-order mark.
INVISIBLE = {
    **{code: "a text direction control" for code in (
        0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))},
    **{code: "a zero-width character" for code in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)},
}
#: What text may not hold: surrogates (unstorable), control characters but tab and line
#: breaks (descriptions have them), and the invisible characters above.
FORBIDDEN = re.compile(
    "[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    + "".join(chr(code) for code in INVISIBLE) + "]"
)


if TYPE_CHECKING:
    _Loader = yaml.SafeLoader
else:
    _Loader = object


class LimitedComposer(_Loader):
    """A YAML loader mixin that stops composing past ``MAX_DEPTH`` levels or ``MAX_NODES``
    expanded nodes, before anything is constructed."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"it nests deeper than {MAX_DEPTH} levels (the limit)",
                    self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self) -> yaml.Node | None:
        node = super().compose_document()
        if node is not None:
            _refuse_expansion(node)
        return node


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _refuse_expansion(root: yaml.Node) -> None:
    """Count the nodes of the document as if every alias were copied out; refuse past
    ``MAX_NODES`` or an alias inside what it names (an endless document).

    Each node is counted once and its size remembered, so this takes time in the size of
    the file, however far its aliases would expand.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            open_nodes.discard(key)
            sizes[key] = min(MAX_NODES + 1, 1 + sum(sizes[id(c)] for c in _children(node)))
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise yaml.composer.ComposerError(
                None, None, "an alias refers to the node it is part of", node.start_mark)
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)
    if sizes[id(root)] > MAX_NODES:
        raise yaml.composer.ComposerError(
            None, None, f"with its aliases expanded it has more than {MAX_NODES} nodes "
            "(the limit)", root.start_mark)


def value_problems(raw: Any) -> Iterator[tuple[list, str]]:
    """Yield (field path parts, problem) for each number the database cannot hold and
    each text with a character that cannot be stored or is not seen."""
    stack: list[tuple[list, Any]] = [([], raw)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(([*path, key], item) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(([*path, index], item) for index, item in reversed(
                list(enumerate(value))))
        elif isinstance(value, str):
            problem = text_problem(value)
            if problem:
                yield path, problem
        elif isinstance(value, int) and not isinstance(value, bool):
            if abs(value) > MAX_WHOLE_NUMBER:
                yield path, (f"{value} is too large: whole numbers are at most "
                             f"{MAX_WHOLE_NUMBER}")
        elif isinstance(value, Decimal):
            problem = decimal_problem(value)
            if problem:
                yield path, problem


def text_problem(text: str) -> str:
    """Name the first character of ``text`` that may not be stored; "" if none."""
    found = FORBIDDEN.search(text)
    if found is None:
        return ""
    character = found.group()
    code = ord(character)
    if 0xD800 <= code <= 0xDFFF:
        kind = "a lone surrogate, which is not a character"
    elif code in INVISIBLE:
        kind = INVISIBLE[code]
    elif character == "\0":
        kind = "a NUL character"
    else:
        kind = "a control character"
    return f"character {found.start() + 1} is U+{code:04X}, {kind}; text may not contain it"


def decimal_problem(value: Decimal) -> str:
    """Say why the database cannot hold ``value`` exactly; "" if it can."""
    _sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # "n", "N" or "F": the loader turns these into None
        return f"{value} is not a finite number"
    places = max(0, -exponent)
    whole_digits = len(digits) + exponent if value else 0
    if whole_digits > MAX_INTEGER_DIGITS:
        return (f"{value} is too large: numbers have at most {MAX_INTEGER_DIGITS} digits "
                "before the point")
    if places > MAX_DECIMAL_PLACES and value != value.quantize(Decimal(1).scaleb(
            -MAX_DECIMAL_PLACES)):
        return f"{value} has more than {MAX_DECIMAL_PLACES} decimal places"
    return ""
