"""KPI judgements a reader can follow (issue 11, items 9, 10 and 12): what a value is, units
in the reader's language, no raw None, a yearly promise over a month, months cut to the
service, the contract amount hidden from scoped roles, the overview's KPI card and the
figures panel of the system and host pages."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from govcloud.kpi.tests.rollups import fill
from govcloud.kpi.tests.test_pages import row_of, section

pytestmark = pytest.mark.django_db


def test_kpi_5_shows_its_value_is_the_fleets_mean_cpu(cast, october, english_client_for):
    html = english_client_for(cast.purchaser_admin).get(
        "/kpi/", {"period": "2025-10"}).content.decode()
    evidence = row_of(html, "5")
    assert "the value: mean CPU of the fleet, weighted by vCPU (%)" in evidence
    assert "hosts whose mean CPU or memory is over the limit: 1" in evidence


def test_kpi_evidence_never_shows_none(cast, october, english_client_for):
    html = english_client_for(cast.purchaser_admin).get(
        "/kpi/", {"period": "2025-11"}).content.decode()
    scorecard = section(html, "scorecard")
    assert "None" not in scorecard
    assert "mean memory used (%): —" in row_of(html, "5")


def test_kpi_units_are_in_the_readers_language(cast, english_client_for, client_for):
    english = english_client_for(cast.purchaser_admin).get(
        "/kpi/", {"period": "2025-10"}).content.decode()
    assert "≥ 180 hosts" in row_of(english, "2") and "台" not in row_of(english, "2")
    assert "≤ 5 minutes" in row_of(english, "9")
    chinese = client_for(cast.purchaser_admin).get(
        "/kpi/", {"period": "2025-10"}).content.decode()
    assert "≥ 180 台" in row_of(chinese, "2")


def test_a_month_shows_the_yearly_promise_year_to_date(cast, october, english_client_for):
    html = english_client_for(cast.purchaser_admin).get(
        "/kpi/", {"period": "2025-10"}).content.decode()
    row = row_of(html, "availability")
    assert "year to date: 2025-07-29 – 2025-10-31" in row
    assert "the year is judged on the year or the term" in row
    assert 'data-status="not_met"' not in row


def test_a_month_covers_only_the_days_of_the_service(cast, english_client_for):
    client = english_client_for(cast.purchaser_admin)
    period = client.get("/kpi/", {"period": "2025-07"}).context["period"]
    assert (period.first.isoformat(), period.last.isoformat()) == ("2025-07-29", "2025-07-31")
    response = client.get("/kpi/", {"period": "2025-06"})
    assert response.status_code == 400
    assert "2025-06 lies outside the contract&#x27;s service" in response.content.decode()
    body = client.get("/api/kpi/scorecard/", {"period": "2025-06"}).json()
    assert "lies outside the contract's service" in body["period"][0]


def test_scoped_roles_never_see_the_contract_amount(cast, english_client_for):
    amount_row = {"page": None, "api": None, "command": None}
    for person in (cast.vendor_a, cast.purchaser_staff):
        client = english_client_for(person)
        html = client.get("/kpi/", {"period": "2025-10"}).content.decode()
        amount_row["page"] = row_of(html, "1")
        rows = client.get("/api/kpi/scorecard/", {"period": "2025-10"}).json()["rows"]
        amount_row["api"] = next(row for row in rows if row["number"] == 1)
        out = StringIO()
        call_command("kpi", "scorecard", "--period", "2025-10", "--contract",
                     cast.contract_a.code, "--as", person.username, "--json", stdout=out)
        amount_row["command"] = next(row for row in json.loads(out.getvalue())
                                     if row["number"] == 1)
        assert "388.7026" not in amount_row["page"]
        assert "the contract amount" in amount_row["page"]
        assert amount_row["api"]["target"] is None
        assert amount_row["command"]["target"] is None
    rows = english_client_for(cast.purchaser_admin).get(
        "/api/kpi/scorecard/", {"period": "2025-10"}).json()["rows"]
    assert next(row for row in rows if row["number"] == 1)["target"] == 388.7026


def test_the_scorecard_command_refuses_an_unknown_or_foreign_person(cast):
    for username, message in (("nobody", "no account named 'nobody'"),
                              (cast.system_admin.username, "does not read the KPIs")):
        with pytest.raises(CommandError, match=message):
            call_command("kpi", "scorecard", "--period", "2025-10", "--contract",
                         cast.contract_a.code, "--as", username)


def test_the_contract_overview_card_shows_the_dashboards_values(
        cast, october, english_client_for):
    client = english_client_for(cast.purchaser_admin)
    overview = client.get(f"/contracts/{cast.contract_a.pk}/").content.decode()
    assert f'hx-get="/kpi/card/?contract={cast.contract_a.pk}"' in overview
    card = client.get("/kpi/card/", {"contract": cast.contract_a.pk})
    dashboard = client.get("/kpi/", {"contract": cast.contract_a.pk})
    assert card.context["period"] == dashboard.context["period"]
    assert [row.as_json() for row in card.context["figures"]["card"].rows] == \
        [row.as_json() for row in dashboard.context["figures"]["card"].rows]
    html = card.content.decode()
    assert "As on the KPI dashboard: 2025-10" in html
    assert row_of(html, "6") == row_of(dashboard.content.decode(), "6")


def test_system_and_host_pages_show_figures_for_a_chosen_period(
        cast, october, english_client_for):
    client = english_client_for(cast.purchaser_admin)
    system_page = client.get(f"/systems/{cast.system_a2.pk}/").content.decode()
    assert f'hx-get="/systems/{cast.system_a2.pk}/figures/"' in system_page
    host_page = client.get(f"/hosts/{cast.host_a2.pk}/").content.decode()
    assert f'hx-get="/hosts/{cast.host_a2.pk}/figures/"' in host_page
    panel = client.get(f"/systems/{cast.system_a2.pk}/figures/")
    assert panel.context["period"].label == "2025-10"
    assert panel.context["row"]["cpu"] == 90.0 and panel.context["row"]["memory"] == 60.0
    panel = client.get(f"/hosts/{cast.host_a1.pk}/figures/", {"period": "2025-11"})
    assert panel.context["row"] is None
    assert "nothing was observed in this period" in panel.content.decode()
    response = client.get(f"/hosts/{cast.host_a1.pk}/figures/", {"period": "2025-13"})
    assert response.status_code == 400
    assert "there is no month 13" in response.content.decode()


def test_the_figures_panel_of_another_vendors_host_is_not_found(cast, english_client_for):
    client = english_client_for(cast.vendor_a)
    assert client.get(f"/hosts/{cast.host_a2.pk}/figures/").status_code == 404
    assert client.get(f"/systems/{cast.system_a2.pk}/figures/").status_code == 404
    assert english_client_for(cast.outsider).get(
        f"/hosts/{cast.host_a1.pk}/figures/").status_code == 404


def test_a_range_before_the_service_has_no_year_to_date_and_no_error(cast):
    out = StringIO()
    call_command("kpi", "scorecard", "--period", "2025-01-01..2025-01-31", "--contract",
                 cast.contract_a.code, "--json", stdout=out)
    rows = {row["number"]: row for row in json.loads(out.getvalue())}
    assert rows["availability"]["status"] == "no_data"
    assert rows["availability"]["value"] is None


def test_the_usage_evaluation_skips_a_latest_month_too_young_to_evaluate(
        cast, october, english_client_for):
    """Two days of November are enough for the dashboard, not for a host to be evaluated
    (7 days): the evaluation opens on October."""
    fill(cast.host_a1, date(2025, 11, 1), 2)
    client = english_client_for(cast.purchaser_admin)
    assert client.get("/kpi/").context["period"].label == "2025-11"
    assert client.get("/kpi/usage/").context["period"].label == "2025-10"
    body = client.get("/api/kpi/usage-evaluation/").json()
    assert body["period"]["label"] == "2025-10" and body["hosts_evaluated"] == 4
