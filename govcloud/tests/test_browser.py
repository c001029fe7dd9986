"""A person in a real browser signs in and reads the contract in Chinese, then English."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from govcloud.testing.cast import PASSWORD, current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def screenshot(page, name: str) -> None:
    """Keep a picture of the page when GOVCLOUD_SCREENSHOTS names a directory."""
    directory = os.environ.get("GOVCLOUD_SCREENSHOTS")
    if directory:
        page.screenshot(path=os.path.join(directory, f"{name}.png"), full_page=True)


def sign_in(page, user) -> None:
    """Sign in through the pages: password, then the second factor."""
    page.goto(f"{page.base_url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/account/two-factor/**")
    page.fill("#id_token", current_code(user))
    page.click("button[type=submit].primary")
    page.wait_for_url("**/contracts/*/")


def test_a_purchaser_admin_signs_in_and_switches_the_overview_to_english(page, cast):
    page.goto(f"{page.base_url}/")
    assert page.locator("h1").inner_text() == "登录"
    page.fill("#id_username", "purchaser-admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/account/two-factor/**")
    assert page.locator("h1").inner_text() == "第二重身份验证"
    page.fill("#id_token", current_code(cast.purchaser_admin))
    page.click("button[type=submit].primary")
    page.wait_for_url(f"**/contracts/{cast.contract_a.pk}/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("#payments h2").inner_text() == "付款计划"
    assert "¥2,720,918.20" in page.locator("#payments").inner_text()
    assert page.locator("#catalog tbody tr").count() == 14
    screenshot(page, "contract-overview-zh")

    assert page.locator("button[name=language][value=en]").inner_text() == "English"
    page.click("button[name=language][value=en]")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("#payments h2").inner_text() == "Payment schedule"
    assert page.locator("#kpis h2").inner_text() == "KPIs"
    screenshot(page, "contract-overview-en")


def test_filtering_the_system_list_swaps_the_table_in_place(page, cast):
    sign_in(page, cast.purchaser_admin)
    page.goto(f"{page.base_url}/systems/")
    assert page.locator("#results tbody tr").count() == 27
    page.fill("#id_q", "京企查")
    # A predicate string would need eval, which the Content-Security-Policy forbids.
    expect(page.locator("#results tbody tr")).to_have_count(1)
    assert "京企查" in page.locator("#results").inner_text()
    assert "q=" in page.url
    screenshot(page, "system-list-filtered")


def test_the_menu_follows_the_role_and_waits_for_the_second_factor(page, cast):
    page.goto(f"{page.base_url}/login/")
    page.fill("#id_username", cast.audit_admin.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/account/two-factor/**")
    assert page.locator("nav.mainnav").count() == 0
    page.fill("#id_token", current_code(cast.audit_admin))
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    menu = page.locator("nav.mainnav").inner_text()
    assert "审计日志" in menu
    assert "云主机" not in menu and "合同" not in menu
