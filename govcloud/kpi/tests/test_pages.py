"""The KPI pages on hand-computed rollups: the dashboard's scorecard, charts' data, hosts to
watch, outages and maintenance; one host's usage; the monthly usage evaluation. Scope:
system-scoped people see their systems only, other tenants nothing."""

from __future__ import annotations

import json
import re

import pytest

from govcloud.kpi.periods import this_month
from govcloud.kpi.tests.rollups import HOUR, MAINTENANCE_HOURS, OUTAGE_SECONDS

DAY = 86400
OCTOBER_SECONDS = 31 * DAY


def chart_data(html: str, element_id: str) -> dict:
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>',
                      html, re.S)
    assert found, f"no {element_id} on the page"
    return json.loads(found.group(1))


def section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start:html.index("</section>", start)]


def row_of(html: str, number: str) -> str:
    return html.split(f'id="kpi-{number}"')[1].split("</tr>")[0]


def cell(value: float, digits: int) -> str:
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".")


# --- the dashboard ----------------------------------------------------------------------


def test_the_dashboard_shows_the_scorecard_of_october(cast, october, english_client_for):
    response = english_client_for(cast.purchaser_admin).get("/kpi/", {"period": "2025-10"})
    assert response.status_code == 200
    html = response.content.decode()
    scorecard = section(html, "scorecard")
    assert "Scorecard 2025-10 (2025-10-01 – 2025-10-31)" in scorecard
    observed = 3 * OCTOBER_SECONDS + OCTOBER_SECONDS - len(MAINTENANCE_HOURS) * HOUR
    availability = round((observed - OUTAGE_SECONDS) / observed * 100, 4)
    kpi6 = row_of(scorecard, "6")
    assert f"{cell(availability, 3)} %" in kpi6
    assert "≥ 90 %" in kpi6 and 'data-status="met"' in kpi6
    assert "downtime (minutes): 30.0" in kpi6
    assert "approved maintenance left out (minutes): 120.0" in kpi6
    kpi9 = row_of(scorecard, "9")
    assert "no data yet" in kpi9 and 'data-status="no_data"' in kpi9
    assert "govcloud has no data source for this KPI yet." in kpi9
    kpi12 = row_of(scorecard, "12")
    assert "by 2025-12-31" in kpi12


def test_the_dashboards_charts_get_their_figures_as_json(cast, october, english_client_for):
    html = english_client_for(cast.purchaser_admin).get(
        "/kpi/", {"period": "2025-10"}).content.decode()
    data = chart_data(html, "kpi-chart-data")
    assert data["names"] == [cast.system_a1.label, cast.system_a2.label]
    a1_observed = 3 * OCTOBER_SECONDS - len(MAINTENANCE_HOURS) * HOUR
    assert data["availability"][0] == round((a1_observed - OUTAGE_SECONDS) / a1_observed * 100,
                                            3)
    assert data["availability"][1] == 100.0
    assert data["cpu"][1] == 90.0 and data["memory"][1] == 60.0
    assert data["availability_target"] == 90.0 and data["utilization_limit"] == 80.0
    assert 'data-chart="system-availability"' in html and "kpi/charts.js" in html


def test_the_dashboard_names_the_hosts_to_watch(cast, october, english_client_for):
    html = english_client_for(cast.purchaser_admin).get(
        "/kpi/", {"period": "2025-10"}).content.decode()
    lowest = section(html, "lowest-hosts")
    assert lowest.index(cast.host_a1.name) < lowest.index(cast.host_a2.name)
    over = section(html, "hosts-over")
    assert "Hosts over 80 % (CPU or memory)" in over
    assert cast.host_a2.name in over and cast.host_a1.name not in over
    assert f"/hosts/{cast.host_a2.pk}/usage/" in over


def test_the_dashboard_lists_outages_and_the_maintenance_of_the_period(
        cast, october, english_client_for):
    html = english_client_for(cast.purchaser_admin).get(
        "/kpi/", {"period": "2025-10"}).content.decode()
    outages = section(html, "outages")
    assert "2025-10-10 10:00" in outages and "2025-10-10 10:30" in outages
    assert ">30<" in outages and cast.host_a1.name in outages
    maintenance = section(html, "maintenance")
    assert "十月数据库扩容" in maintenance and "2025-10-20 02:00" in maintenance
    assert "Approved" in maintenance


def test_the_dashboard_opens_on_the_latest_month_with_data(cast, october, english_client_for):
    response = english_client_for(cast.purchaser_admin).get("/kpi/")
    assert response.status_code == 200
    assert response.context["period"].label == "2025-10"
    assert "No data yet: nothing was observed in this period." not in \
        response.content.decode()


def test_the_dashboard_without_any_data_opens_on_this_month(cast, english_client_for):
    response = english_client_for(cast.purchaser_admin).get("/kpi/")
    assert response.context["period"] == this_month()
    assert "No data yet: nothing was observed in this period." in response.content.decode()


@pytest.mark.parametrize(("query", "message"), [
    ({"period": "2025-13"}, "2025-13: there is no month 13."),
    ({"period": "last week"}, "last week is not a period"),
    ({"from": "2025-10-01"}, "A custom range needs both its first and its last day."),
    ({"from": "2025-10-31", "to": "2025-10-01"}, "the range ends before it starts"),
])
def test_a_bad_period_is_named_on_the_page(query, message, cast, english_client_for):
    response = english_client_for(cast.purchaser_admin).get("/kpi/", query)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in section(html, "period-chooser")
    assert 'id="scorecard"' not in html


def test_a_custom_range_and_the_contract_term(cast, october, english_client_for):
    client = english_client_for(cast.purchaser_admin)
    response = client.get("/kpi/", {"from": "2025-10-01", "to": "2025-10-15"})
    assert response.context["period"].label == "2025-10-01..2025-10-15"
    assert "Scorecard 2025-10-01..2025-10-15" in response.content.decode()
    response = client.get("/kpi/", {"period": "term"})
    assert response.status_code == 200
    assert "Scorecard contract term (2025-07-29 – 2025-12-31)" in response.content.decode()


def test_a_vendor_sees_the_figures_of_its_own_systems(cast, october, english_client_for):
    response = english_client_for(cast.vendor_a).get("/kpi/", {"period": "2025-10"})
    html = response.content.decode()
    assert "Your systems only" in html
    assert chart_data(html, "kpi-chart-data")["names"] == [cast.system_a1.label]
    assert cast.host_a2.name not in html and cast.system_a2.label not in html
    a1_observed = 3 * OCTOBER_SECONDS - len(MAINTENANCE_HOURS) * HOUR
    kpi6 = row_of(html, "6")
    assert cell(round((a1_observed - OUTAGE_SECONDS) / a1_observed * 100, 4), 3) in kpi6


def test_another_tenants_contract_is_not_found(cast, english_client_for):
    client = english_client_for(cast.purchaser_admin)
    assert client.get("/kpi/", {"contract": cast.contract_b.pk}).status_code == 404
    assert client.get("/kpi/", {"contract": "x"}).status_code == 404
    assert client.get("/kpi/usage/", {"contract": cast.contract_b.pk}).status_code == 404
    outsider = english_client_for(cast.outsider)
    assert outsider.get("/kpi/", {"contract": cast.contract_a.pk}).status_code == 404


def test_the_platform_admins_read_no_kpis(cast, english_client_for):
    for person in (cast.system_admin, cast.security_admin, cast.audit_admin):
        client = english_client_for(person)
        for path in ("/kpi/", "/kpi/usage/", "/kpi/card/",
                     f"/systems/{cast.system_a1.pk}/figures/"):
            assert client.get(path).status_code in (403, 404), path


# --- one host's usage -------------------------------------------------------------------


def test_a_hosts_usage_over_october_has_hourly_points(cast, october, english_client_for):
    response = english_client_for(cast.purchaser_admin).get(
        f"/hosts/{cast.host_a1.pk}/usage/", {"period": "2025-10"})
    assert response.status_code == 200
    html = response.content.decode()
    data = chart_data(html, "host-chart-data")
    assert len(data["times"]) == 31 * 24 and data["times"][0] == "10-01 00:00"
    assert data["cpu_mean"][0] == 30.0 and data["cpu_mean"][9] == 60.0
    assert data["disk_used_gb"][0] == 40.0
    outage_hour = (10 - 1) * 24 + 10
    assert data["availability"][outage_hour] == 50.0
    outages = section(html, "host-outages")
    assert "2025-10-10 10:00" in outages and ">30<" in outages
    assert "one per hour" in html
    table = section(html, "series-table")
    assert table.count("<tr>") == 1 + 31 * 24  # the heading and one row an hour
    assert ('<tr><td>2025-10-10 10:00</td><td class="num">50</td><td class="num">60</td>'
            in table)


def test_a_hosts_usage_over_a_year_has_daily_points(cast, october, english_client_for):
    response = english_client_for(cast.purchaser_admin).get(
        f"/hosts/{cast.host_a2.pk}/usage/", {"period": "2025"})
    data = chart_data(response.content.decode(), "host-chart-data")
    assert len(data["times"]) == 31 and data["times"][0] == "2025-10-01"
    assert set(data["cpu_mean"]) == {90.0}


def test_a_hosts_usage_opens_on_its_last_seven_days_with_data(
        cast, october, english_client_for):
    response = english_client_for(cast.purchaser_admin).get(
        f"/hosts/{cast.host_a1.pk}/usage/")
    assert response.context["period"].label == "2025-10-25..2025-10-31"
    assert "No data yet: nothing was observed of this host" not in response.content.decode()


def test_a_hosts_usage_without_data_opens_on_the_last_seven_days(cast, english_client_for):
    response = english_client_for(cast.purchaser_admin).get(
        f"/hosts/{cast.host_a1.pk}/usage/")
    assert response.context["period"].days == 7
    assert "No data yet: nothing was observed of this host" in response.content.decode()


def test_a_hosts_usage_refuses_a_bad_period(cast, english_client_for):
    response = english_client_for(cast.purchaser_admin).get(
        f"/hosts/{cast.host_a1.pk}/usage/", {"period": "2025-02-30..2025-03-01"})
    assert response.status_code == 400
    assert "day is out of range for month" in response.content.decode()


def test_a_host_one_may_not_see_is_not_found(cast, english_client_for):
    assert english_client_for(cast.vendor_a).get(
        f"/hosts/{cast.host_a2.pk}/usage/").status_code == 404
    assert english_client_for(cast.outsider).get(
        f"/hosts/{cast.host_a1.pk}/usage/").status_code == 404
    assert english_client_for(cast.system_admin).get(
        f"/hosts/{cast.host_a1.pk}/usage/").status_code == 404


def test_the_host_page_links_to_its_usage(cast, english_client_for):
    html = english_client_for(cast.vendor_a).get(f"/hosts/{cast.host_a1.pk}/").content.decode()
    assert f'href="/hosts/{cast.host_a1.pk}/usage/"' in html


# --- the monthly usage evaluation -------------------------------------------------------


def test_the_usage_evaluation_names_idle_low_and_overloaded_hosts(
        cast, october, english_client_for):
    response = english_client_for(cast.purchaser_admin).get("/kpi/usage/",
                                                            {"period": "2025-10"})
    assert response.status_code == 200
    html = response.content.decode()
    overloaded = section(html, "overloaded-hosts")
    assert cast.host_a2.name in overloaded and "4 → 8" in overloaded
    assert "above 80 %" in overloaded
    # Idle needs low CPU, memory and network; govcloud measures no network traffic, so
    # the quiet host is resized, never reclaimed.
    idle = section(html, "idle-hosts")
    assert "a1-idle-01" not in idle and "under 5 %" in idle and "network" in idle
    low = section(html, "low-hosts")
    assert "a1-low-01" in low and "4 → 1" in low and "8 → 4" in low
    assert "a1-idle-01" in low and "8 → 1" in low and "16 → 4" in low
    assert "network traffic is not measured" in low
    assert "31 / 31" in low
    assert cast.host_a1.name not in overloaded + idle + low


def test_the_usage_evaluation_sums_what_it_would_free(cast, october, english_client_for):
    html = english_client_for(cast.purchaser_admin).get(
        "/kpi/usage/", {"period": "2025-10"}).content.decode()
    freed = section(html, "freed")
    # vCPU: quiet 8 - 1, low 4 - 1, overloaded 4 - 8; memory: quiet 16 - 4, low 8 - 4,
    # overloaded 0.
    rows = re.findall(r"<tr><td>(.*?)</td><td class=\"num[^\"]*\">(-?\d+) ", freed)
    freed_by_item = {name.split(". ")[0]: int(value) for name, value in rows}
    assert freed_by_item == {"1": 6, "2": 16}
    assert "1400" in freed and "2000" in freed


def test_the_usage_evaluation_opens_on_the_latest_month_with_data(
        cast, october, english_client_for):
    response = english_client_for(cast.purchaser_admin).get("/kpi/usage/")
    assert response.status_code == 200
    assert response.context["period"].label == "2025-10"
    assert "a1-low-01" in response.content.decode()


def test_a_vendor_evaluates_its_own_systems_only(cast, october, english_client_for):
    html = english_client_for(cast.vendor_b).get(
        "/kpi/usage/", {"period": "2025-10"}).content.decode()
    assert cast.host_a2.name in html and "a1-idle-01" not in html
    assert "Your systems only" in html
