"""In a real browser the strict Content-Security-Policy breaks nothing and is never violated."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from govcloud.testing.cast import PASSWORD, current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's init scripts are not subject to the page's CSP, so this listener is in place
# before the page's own code runs and records every blocked script, style or image.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def watched_page(page):
    """The page, collecting CSP complaints from the console and the violation events."""
    page.csp_messages = []
    page.on("console", lambda message: (
        "Content Security Policy" in message.text and page.csp_messages.append(message.text)
    ))
    page.on("pageerror", lambda error: page.csp_messages.append(f"page error: {error}"))
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def assert_no_violation(page) -> None:
    assert page.csp_messages == []
    assert page.evaluate("window.__cspViolations") == []


def test_signed_in_pages_and_the_api_docs_work_under_the_policy(watched_page, cast):
    page = watched_page
    page.goto(f"{page.base_url}/login/")
    assert_no_violation(page)
    page.fill("#id_username", "purchaser-admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/account/two-factor/**")
    assert_no_violation(page)
    page.fill("#id_token", current_code(cast.purchaser_admin))
    page.click("button[type=submit].primary")
    page.wait_for_url(f"**/contracts/{cast.contract_a.pk}/")
    assert page.locator("#payments h2").inner_text() == "付款计划"
    assert_no_violation(page)

    page.goto(f"{page.base_url}/systems/")
    assert page.locator("#results tbody tr").count() == 27
    page.fill("#id_q", "京企查")
    # Not page.wait_for_function("…"): Playwright evals a string predicate in the page,
    # and the policy rightly refuses eval.
    expect(page.locator("#results tbody tr")).to_have_count(1)
    assert "京企查" in page.locator("#results").inner_text()
    assert "q=" in page.url
    # htmx was told not to inject its indicator <style>; site.css carries the rule.
    assert page.locator("head style").count() == 0
    assert_no_violation(page)

    page.goto(f"{page.base_url}/api/docs/")
    page.wait_for_selector("#swagger-ui .swagger-ui .info .title")
    page.wait_for_selector("#swagger-ui .opblock-tag")
    assert "govcloud API" in page.locator("#swagger-ui .info .title").inner_text()
    assert_no_violation(page)
