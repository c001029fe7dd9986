"""Django's form renderer, with a select written without a template per option.

Django writes each ``<option>`` of a select through two template includes: a list page's
filter form with a few hundred options (hosts, systems, catalog items) spent more on them
than on its table. The markup written here is the same as Django's templates write, byte
for byte (``govcloud/lib/tests/test_form_rendering.py`` compares them); a select with
templates of its own still goes through them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # no stub

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


class QuickSelectRenderer(DjangoTemplates):
    """The default renderer, but a plain select is written in Python."""

    def render(self, template_name: str, context: dict[str, Any],
               request: HttpRequest | None = None) -> str:
        widget = context.get("widget")
        if template_name == SELECT_TEMPLATE and widget is not None and all(
            option["template_name"] == OPTION_TEMPLATE
            for _name, options, _index in widget["optgroups"] for option in options
        ):
            return select_markup(widget)
        return super().render(template_name, context, request)


def select_markup(widget: Mapping[str, Any]) -> SafeString:
    """Write a select's context as ``select.html`` and ``select_option.html`` do (the
    option template's closing newline included)."""
    parts = [f'<select name="{_text(widget["name"])}"{attributes(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            parts.append(f'\n  <option value="{conditional_escape(option["value"])}"'
                         f'{attributes(option["attrs"])}>{_text(option["label"])}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # every value above is escaped


def attributes(attrs: Mapping[str, Any]) -> str:
    """Write attributes as ``attrs.html`` does: False leaves one out, True writes its name."""
    written = []
    for name, value in attrs.items():
        if value is False:
            continue
        written.append(f" {_text(name)}" if value is True
                       else f' {_text(name)}="{conditional_escape(value)}"')
    return "".join(written)


def _text(value: Any) -> str:
    """A value as ``{{ value }}`` writes it: in local time, localized, then escaped."""
    return conditional_escape(str(localize(template_localtime(value))))
