"""No template carries code or style inline: the Content-Security-Policy would block it.

Scripts come from static files (<script src=…>), behaviour is bound in site.js with
addEventListener, and styles live in site.css.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import govcloud

PACKAGE = Path(govcloud.__file__).resolve().parent
TEMPLATES = sorted(
    path for path in PACKAGE.rglob("templates/**/*")
    if path.is_file() and path.suffix in {".html", ".htm", ".txt", ".xml", ".svg"}
)
# Template tags and comments are not HTML; blank them so the parser sees the markup only.
DJANGO_SYNTAX = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}|{%.*?%}",
                           re.DOTALL)


class InlineCodeFinder(HTMLParser):
    """Collect inline <script> bodies, <style> elements, on* handlers and style attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._open_script: tuple[int, bool] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        names = {name.lower() for name, _value in attrs}
        for name in sorted(names):
            if name.startswith("on"):
                self.problems.append(f"line {line}: <{tag} {name}=…> inline event handler")
            if name == "style":
                self.problems.append(f"line {line}: <{tag} style=…> inline style")
            if name.startswith("hx-on"):
                self.problems.append(f"line {line}: <{tag} {name}=…> htmx inline handler")
        if tag == "style":
            self.problems.append(f"line {line}: <style> element")
        if tag == "script":
            self._open_script = (line, "src" in names)
        if tag == "a":
            for name, value in attrs:
                if name == "href" and (value or "").strip().lower().startswith("javascript:"):
                    self.problems.append(f"line {line}: javascript: link")

    def handle_data(self, data: str) -> None:
        if self._open_script and not self._open_script[1] and data.strip():
            self.problems.append(f"line {self._open_script[0]}: inline <script> body")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open_script = None


def inline_code(source: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(DJANGO_SYNTAX.sub(lambda match: "\n" * match.group().count("\n"), source))
    finder.close()
    return finder.problems


def test_the_scanner_finds_every_kind_of_inline_code():
    source = """<div style="color: red" onclick="go()"><a href="javascript:go()">x</a></div>
<script>alert(1)</script><style>p {}</style><button hx-on:click="go()">b</button>"""
    assert len(inline_code(source)) == 6


def test_the_scanner_lets_script_files_and_template_tags_through():
    source = """{% load static %}<script src="{% static 'a.js' %}" defer></script>
<div class="{% if x %}on{% endif %}" data-online="1">{# style="x" #}</div>
{% comment %}<script>never rendered</script>{% endcomment %}"""
    assert inline_code(source) == []


def test_there_are_templates_to_scan():
    assert any(path.name == "base.html" for path in TEMPLATES)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_the_template_has_no_inline_code(path):
    assert inline_code(path.read_text(encoding="utf-8")) == []
