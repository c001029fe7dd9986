"""Every filter of every list page is labelled in the reader's language, even after the
API schema (which builds the filters' fields in its own way) was read in English."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from govcloud.testing.routes import all_routes

FILTERED_PAGES = [route for route in all_routes() if not route.is_api and not route.parameters
                  and getattr(getattr(route.view, "view_class", None), "filterset_class", None)]


def test_the_walker_finds_the_filtered_pages():
    assert {"system-list", "host-list", "audit-event-list"} <= {r.name for r in FILTERED_PAGES}


@pytest.mark.parametrize("route", FILTERED_PAGES, ids=lambda route: route.name)
def test_each_filter_label_is_chinese_after_an_english_schema(route, cast, client_for):
    person = next(person for person in (cast.purchaser_admin, cast.provider_operator,
                                        cast.audit_admin, cast.purchaser_staff)
                  if client_for(person).get(route.url()).status_code == 200)
    client = client_for(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get("/api/schema/").status_code == 200
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    html = client.get(route.url()).content.decode()
    labels = re.findall(r'<label for="id_[a-z_]+">([^<]*)</label>', html)
    assert labels, route.name
    english = [label for label in labels if re.fullmatch(r"[A-Za-z ()]+", label)]
    assert not english, f"{route.name}: untranslated filter labels {english}"
