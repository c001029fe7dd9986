"""In a real browser, the top bar keeps its menu on one row for the role with the longest
menu, in both languages, and the hosts table stays inside its card."""

from __future__ import annotations

import pytest

from govcloud.tests.test_browser import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MENU_ROWS = """() => new Set([...document.querySelectorAll('nav.mainnav a')]
    .map(link => Math.round(link.getBoundingClientRect().top))).size"""
TOOLS_ROWS = """() => new Set([...document.querySelectorAll('.topbar-row > *, .topbar-right > *')]
    .map(item => Math.round(item.getBoundingClientRect().top + item.offsetHeight / 2))).size"""
MENU_FITS = """() => { const nav = document.querySelector('nav.mainnav');
    return nav.scrollWidth <= nav.clientWidth; }"""
TABLE_FITS = """() => { const wrap = document.querySelector('#results .table-wrap');
    return wrap.scrollWidth <= wrap.clientWidth; }"""


def check_the_top_bar(page) -> None:
    assert page.evaluate(MENU_ROWS) == 1
    assert page.evaluate(TOOLS_ROWS) == 1
    assert page.evaluate(MENU_FITS)


def test_the_provider_operators_top_bar_and_hosts_fit_in_both_languages(page, cast):
    sign_in(page, cast.provider_operator)
    for width in (1366, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{page.base_url}/hosts/")
        check_the_top_bar(page)
        assert page.evaluate(TABLE_FITS)
    screenshot(page, "hosts-zh")
    page.click("button[name=language][value=en]")
    page.wait_for_selector("html[lang=en]")
    for width in (1366, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{page.base_url}/hosts/")
        check_the_top_bar(page)
        assert page.evaluate(TABLE_FITS)
    screenshot(page, "hosts-en")
