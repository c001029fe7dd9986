"""The quick select writes what Django's templates write, byte for byte."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from govcloud.lib.form_rendering import QuickSelectRenderer

CHOICES = [
    ("", "---------"),
    ("a", 'Quotes " and <tags> & ampersands'),
    (3, 3),
    ("Group <one>", [("g1", "In a group"), ("g2", mark_safe("<b>safe</b>"))]),
    ("lazy", gettext_lazy("Contract")),
    (2.5, 2.5),
]


def widgets():
    yield forms.Select(choices=CHOICES), "a"
    yield forms.Select(choices=CHOICES, attrs={"class": "x<y", "disabled": True,
                                               "data-off": False, "data-n": 7}), "g2"
    yield forms.SelectMultiple(choices=CHOICES), ["a", "g1", 3]
    yield forms.NullBooleanSelect(), True
    yield forms.Select(choices=[]), None
    yield forms.Select(choices=CHOICES), mark_safe('"odd" <value>')


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("case", range(6))
def test_a_quick_select_is_written_as_the_templates_write_it(case, language):
    widget, value = list(widgets())[case]
    with override(language):
        expected = widget.render("field", value, attrs={"id": "id_field"},
                                 renderer=DjangoTemplates())
        written = widget.render("field", value, attrs={"id": "id_field"},
                                renderer=QuickSelectRenderer())
    assert written == expected


def test_a_select_with_option_templates_of_its_own_goes_through_them():
    class RadioLikeSelect(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = RadioLikeSelect(choices=CHOICES[:3])
    written = widget.render("field", "a", renderer=QuickSelectRenderer())
    assert written == widget.render("field", "a", renderer=DjangoTemplates())
    assert "<option" not in written


def test_the_pages_use_the_quick_renderer(settings):
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), QuickSelectRenderer)
