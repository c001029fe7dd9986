"""In a real browser: the purchaser staff ask for a resize, the purchaser admin approves it,
the provider operator carries it out, the staff verify it; the host and the ledger show it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from govcloud.inventory.models import ChangeRequest
from govcloud.testing.cast import PASSWORD, current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Where the pictures of the pages go; GOVCLOUD_SCREENSHOTS overrides it.
SHOTS = Path(os.environ.get("GOVCLOUD_SCREENSHOTS") or "/tmp/inventory-shots")

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def screenshot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def open_as(browser, live_server):
    """Return a function that gives a signed-in page for a person, one context each."""
    contexts = []

    def signed_in(user, locale="zh-CN"):
        context = browser.new_context(locale=locale, viewport={"width": 1366, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.base_url = live_server.url
        page.problems = []
        page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
        page.on("console", lambda message: (
            "Content Security Policy" in message.text and page.problems.append(message.text)))
        page.add_init_script(RECORD_VIOLATIONS)
        page.goto(f"{page.base_url}/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit].primary")
        page.wait_for_load_state()
        if "/account/two-factor/" in page.url:
            page.fill("#id_token", current_code(user))
            page.click("button[type=submit].primary")
            page.wait_for_url("**/contracts/*/")
        return page

    yield signed_in
    for context in contexts:
        context.close()


def assert_no_violation(page) -> None:
    assert page.problems == []
    assert page.evaluate("window.__cspViolations") == []


def test_a_resize_from_the_form_to_verified_in_the_browser(open_as, cast):
    host = cast.host_a1
    staff = open_as(cast.purchaser_staff)
    staff.goto(f"{staff.base_url}/hosts/{host.pk}/")
    staff.click("a[href*='kind=resize']")
    staff.wait_for_url("**/inventory/changes/new/**")
    expect(staff.locator("#id_vcpu")).to_have_value("4")

    # The kind select swaps the value fields in place (htmx), keeping what was typed.
    staff.fill("#id_reason", "业务高峰期 CPU 使用率持续超过 85%")
    staff.select_option("#id_kind", "storage")
    expect(staff.locator("#id_standard_storage_gb")).to_be_visible()
    expect(staff.locator("#id_vcpu")).to_have_count(0)
    assert "kind=storage" in staff.url
    staff.select_option("#id_kind", "resize")
    expect(staff.locator("#id_vcpu")).to_be_visible()
    expect(staff.locator("#id_reason")).to_have_value("业务高峰期 CPU 使用率持续超过 85%")

    staff.fill("#id_vcpu", "8")
    staff.fill("#id_memory_gb", "16")
    staff.fill("#id_risk_assessment", "在线扩容需重启一次，约 5 分钟")
    staff.fill("#id_fallback_plan", "扩容失败则回退到 4 核 8G")
    screenshot(staff, "change-request-form")
    staff.click("button[name=action][value=draft]")
    staff.wait_for_url("**/inventory/changes/*/")
    change = ChangeRequest.objects.get(reason__startswith="业务高峰期")
    assert change.status == "draft"
    expect(staff.locator("#planned")).to_contain_text("+4")
    staff.click(f"form[action='/inventory/changes/{change.pk}/submit/'] button")
    staff.wait_for_load_state()
    change.refresh_from_db()
    assert change.status == "submitted"

    admin = open_as(cast.purchaser_admin)
    admin.goto(f"{admin.base_url}/inventory/changes/queue/")
    expect(admin.locator("#queue-decide")).to_contain_text(host.name)
    admin.click(f"#queue-decide a[href='/inventory/changes/{change.pk}/'] >> nth=0")
    admin.fill("#id_decide-note", "同意，请在晚间窗口实施")
    admin.click("button[name=decision][value=approve]")
    admin.wait_for_load_state()
    change.refresh_from_db()
    assert change.status == "approved"

    operator = open_as(cast.provider_operator)
    operator.goto(f"{operator.base_url}/inventory/changes/queue/")
    expect(operator.locator("#queue-start")).to_contain_text(host.name)
    screenshot(operator, "queue-provider")
    operator.click(f"#queue-start a[href='/inventory/changes/{change.pk}/'] >> nth=0")
    operator.click(f"form[action='/inventory/changes/{change.pk}/start/'] button")
    operator.wait_for_selector("#id_finish-note")
    operator.fill("#id_finish-note", "已在控制台调整为 8 核 16G")
    operator.click("button[name=outcome][value=done]")
    operator.wait_for_load_state()
    change.refresh_from_db()
    assert change.status == "done"

    staff.goto(f"{staff.base_url}/inventory/changes/{change.pk}/")
    staff.fill("#id_verify-note", "已确认规格")
    staff.click(f"form[action='/inventory/changes/{change.pk}/verify/'] button")
    staff.wait_for_load_state()
    change.refresh_from_db()
    assert change.status == "verified"
    expect(staff.locator("#timeline li")).to_have_count(6)
    screenshot(staff, "change-request-detail")
    assert_no_violation(staff)

    staff.goto(f"{staff.base_url}/hosts/{host.pk}/")
    size = staff.locator("#size").inner_text()
    assert "8" in size and "16" in size
    screenshot(staff, "host-detail")
    staff.goto(f"{staff.base_url}/inventory/ledger/?host={host.pk}")
    rows = staff.locator("#results tbody tr", has_text=f"#{change.pk}")
    expect(rows).to_have_count(2)  # vCPU +4, memory +8
    expect(rows.first).to_contain_text("+")
    screenshot(staff, "ledger")
    staff.goto(f"{staff.base_url}/systems/{host.system_id}/")
    screenshot(staff, "system-detail")

    admin.goto(f"{admin.base_url}/inventory/changes/queue/")
    screenshot(admin, "queue-purchaser-admin")
    admin.goto(f"{admin.base_url}/inventory/allocation/")
    admin.wait_for_selector("#allocation-chart canvas")
    admin.hover("#allocation-chart", position={"x": 400, "y": 60})  # the tooltip, too
    screenshot(admin, "allocation")
    assert_no_violation(admin)
    staff.goto(f"{staff.base_url}/inventory/allocation/")
    staff.wait_for_selector("#allocation-chart canvas")
    screenshot(staff, "allocation-own-systems")
    assert_no_violation(staff)
