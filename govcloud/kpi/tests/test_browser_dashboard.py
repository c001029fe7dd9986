"""The KPI pages in a real browser: the charts draw on a canvas under the CSP, with no
console error. GOVCLOUD_SCREENSHOTS=/some/dir keeps a picture of each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from govcloud.kpi.tests.rollups import october_2025
from govcloud.tests.test_browser import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_the_dashboard_draws_its_charts_without_console_errors(page, cast):
    october_2025(cast)
    errors = watch_errors(page)
    sign_in(page, cast.purchaser_admin)
    page.goto(f"{page.base_url}/kpi/?period=2025-10")
    expect(page.locator("#availability-chart canvas")).to_have_count(1)
    expect(page.locator("#utilization-chart canvas")).to_have_count(1)
    assert page.locator("#availability-chart canvas").bounding_box()["height"] > 100
    assert page.locator("#scorecard tbody tr").count() == 15
    screenshot(page, "kpi-dashboard")
    assert errors == []


def test_the_host_usage_and_the_usage_evaluation_pages(page, cast):
    october_2025(cast)
    errors = watch_errors(page)
    sign_in(page, cast.purchaser_admin)
    page.goto(f"{page.base_url}/hosts/{cast.host_a1.pk}/usage/?period=2025-10")
    for chart in ("cpu-chart", "memory-chart", "host-availability-chart", "disk-chart"):
        expect(page.locator(f"#{chart} canvas")).to_have_count(1)
    screenshot(page, "kpi-host-usage")
    page.goto(f"{page.base_url}/kpi/usage/?period=2025-10")
    # No host is idle without network figures; the quiet host is among the low ones.
    expect(page.locator("#idle-hosts tbody tr.flagged")).to_have_count(0)
    expect(page.locator("#low-hosts tbody tr.flagged")).to_have_count(2)
    screenshot(page, "kpi-usage-evaluation")
    assert errors == []
