"""Figures of settled periods (telemetry/settled.py): computed once for the whole contract,
kept, and read back the same, whole or in part, whatever happens to the rollups later."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govcloud.kpi.engine import scorecard
from govcloud.kpi.periods import parse_period
from govcloud.kpi.usage import evaluate_usage
from govcloud.telemetry import bulk, figures, settled
from govcloud.telemetry.models import HostDaily, SettledFigures
from govcloud.telemetry.usage_profiles import usage_profiles

OCTOBER = (date(2025, 10, 1), date(2025, 10, 31))
#: A moment inside the raw retention after October: October has not settled yet.
UNSETTLED = timezone.make_aware(datetime(2025, 11, 20))
SETTLED = settled.settles_at(OCTOBER[1])


def test_a_period_settles_once_its_raw_samples_are_past_the_retention(settings):
    settings.GOVCLOUD_TELEMETRY_RAW_DAYS = 40
    assert settled.settles_at(OCTOBER[1]) == settled.day_end(OCTOBER[1]) + timedelta(days=40)
    assert not settled.is_settled(OCTOBER[1], SETTLED - timedelta(seconds=1))
    assert settled.is_settled(OCTOBER[1], SETTLED)


@pytest.mark.django_db
def test_a_settled_periods_figures_are_stored_once_and_read_back(cast, october):
    first = figures.host_figures(cast.contract_a, *OCTOBER, now=SETTLED)
    assert SettledFigures.objects.filter(kind="hosts").count() == 1
    HostDaily.objects.filter(host=cast.host_a2).delete()  # behind the store's back
    again = figures.host_figures(cast.contract_a, *OCTOBER, now=SETTLED)
    assert again == first
    assert cast.host_a2.pk in again.hosts
    live = figures.host_figures(cast.contract_a, *OCTOBER, now=UNSETTLED)
    assert cast.host_a2.pk not in live.hosts


@pytest.mark.django_db
def test_a_period_that_has_not_settled_is_not_stored(cast, october):
    figures.host_figures(cast.contract_a, *OCTOBER, now=UNSETTLED)
    figures.probe_figures(cast.contract_a, *OCTOBER, now=UNSETTLED)
    scorecard(cast.contract_a, parse_period("2025-10", cast.contract_a), now=UNSETTLED)
    assert not SettledFigures.objects.exists()


@pytest.mark.django_db
def test_the_stored_whole_and_a_computed_part_agree_to_the_last_bit(cast, october):
    """A vendor's view of a settled period is its systems' part of the stored whole; it is
    what computing the vendor's systems alone gives, every float equal."""
    systems = [cast.system_a1]
    part = figures.host_figures(cast.contract_a, *OCTOBER, systems, now=SETTLED)
    computed = figures.host_figures(cast.contract_a, *OCTOBER, systems, now=UNSETTLED)
    assert part == computed
    assert set(part.systems) == {cast.system_a1.pk}
    assert part.fleet.members == computed.fleet.members > 0
    for get in (figures.probe_figures, figures.availability_totals):
        assert get(cast.contract_a, *OCTOBER, systems, now=SETTLED) \
            == get(cast.contract_a, *OCTOBER, systems, now=UNSETTLED)
    low = 10.0
    assert usage_profiles(cast.contract_a, *OCTOBER, low, systems, now=SETTLED) \
        == usage_profiles(cast.contract_a, *OCTOBER, low, systems, now=UNSETTLED)
    start, end = (settled.day_end(OCTOBER[0] - timedelta(days=1)), settled.day_end(OCTOBER[1]))
    stored_outages = figures.outages(cast.contract_a, start, end, systems, now=SETTLED)
    assert stored_outages == figures.outages(cast.contract_a, start, end, systems,
                                             now=UNSETTLED)
    assert stored_outages  # host_a1's outage of 10 October


@pytest.mark.django_db
def test_the_usage_profile_is_stored_for_the_rule_it_was_computed_with(cast, october):
    usage_profiles(cast.contract_a, *OCTOBER, 10.0, now=SETTLED)
    strict = usage_profiles(cast.contract_a, *OCTOBER, 0.5, now=SETTLED)
    assert SettledFigures.objects.filter(kind="usage").count() == 2
    assert all(profile.low_days == 0 for profile in strict.values())


@pytest.mark.django_db
def test_a_scorecard_and_usage_evaluation_read_from_the_store_match_the_computed(
        cast, october):
    period = parse_period("2025-10", cast.contract_a)
    for systems in (None, cast.contract_a.systems.filter(pk=cast.system_a1.pk)):
        computed = scorecard(cast.contract_a, period, now=UNSETTLED + timedelta(days=400),
                             systems=systems)
        stored = scorecard(cast.contract_a, period, systems=systems)
        assert [row.as_json() for row in stored.rows] == [row.as_json() for row in computed.rows]
    evaluation = evaluate_usage(cast.contract_a, period)
    assert {item.host.name for item in evaluation.findings} \
        >= {"a1-idle-01", "a1-low-01", cast.host_a2.name}
    assert SettledFigures.objects.filter(kind="usage").exists()


@pytest.mark.django_db
def test_rollups_loaded_in_bulk_into_a_settled_period_forget_its_stored_figures(
        cast, october):
    figures.host_figures(cast.contract_a, *OCTOBER, now=SETTLED)
    figures.host_figures(cast.contract_a, date(2025, 9, 1), date(2025, 9, 30), now=SETTLED)
    day = (OCTOBER[0] - date(1970, 1, 1)).days + 3
    columns = {key: np.zeros(1) for key in bulk.column_keys(HostDaily)}
    columns.update(target=np.array([cast.host_b1.pk]), day=np.array([day]))
    bulk.write_rows(HostDaily, columns)
    assert list(SettledFigures.objects.values_list("first", flat=True)) == [date(2025, 9, 1)]


@pytest.mark.django_db
def test_the_settle_command_keeps_the_figures_of_every_settled_period_once(cast, october):
    out = StringIO()
    call_command("kpi", "settle", "--contract", cast.contract_a.code, stdout=out)
    kept = SettledFigures.objects.filter(contract=cast.contract_a)
    assert kept.filter(kind="hosts", first=OCTOBER[0], last=OCTOBER[1]).exists()
    assert {"hosts", "probes", "outages", "usage"} <= set(kept.values_list("kind", flat=True))
    assert not kept.filter(last__gte=timezone.localdate() - timedelta(days=30)).exists()
    count = kept.count()
    call_command("kpi", "settle", "--contract", cast.contract_a.code, stdout=StringIO())
    assert kept.count() == count
    assert f"{cast.contract_a.code}: the figures of" in out.getvalue()


@pytest.mark.django_db
def test_the_settle_command_names_a_contract_it_does_not_know(cast):
    with pytest.raises(CommandError, match="no contract with the code 'nope'"):
        call_command("kpi", "settle", "--contract", "nope", stdout=StringIO())


def without_tokens(html: str) -> str:
    """A page without its CSRF tokens (new at every request)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def _figure_queries(client, path: str, params: dict) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in queries.captured_queries
                                       if "telemetry_" in query["sql"]]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/kpi/", "/kpi/usage/"])
def test_a_settled_periods_page_renders_its_figures_once_per_scope_and_language(
        cast, october, client_for, path):
    admin = client_for(cast.purchaser_admin)
    first, computed = _figure_queries(admin, path, {"period": "2025-10"})
    again, read = _figure_queries(admin, path, {"period": "2025-10"})
    assert computed and not [sql for sql in read if "maintenance" not in sql]
    assert without_tokens(again) == without_tokens(first)
    assert "a1-idle-01" in first or "a1-low-01" in first
    vendor_a, computed = _figure_queries(client_for(cast.vendor_a), path, {"period": "2025-10"})
    assert computed and cast.host_a2.name not in vendor_a
    english = client_for(cast.purchaser_admin)
    english.cookies["django_language"] = "en"
    page, computed = _figure_queries(english, path, {"period": "2025-10"})
    assert computed and ("Rule:" in page or "Scorecard" in page)


@pytest.mark.django_db
def test_a_period_that_has_not_settled_is_computed_at_every_request(
        cast, october, client_for, settings):
    settings.GOVCLOUD_TELEMETRY_RAW_DAYS = 100_000
    admin = client_for(cast.purchaser_admin)
    _figure_queries(admin, "/kpi/", {"period": "2025-10"})
    _page, computed = _figure_queries(admin, "/kpi/", {"period": "2025-10"})
    assert any("telemetry_hostdaily" in sql for sql in computed)


@pytest.mark.django_db
def test_a_hosts_usage_page_of_a_settled_month_is_rendered_once(cast, october, client_for):
    path = f"/hosts/{cast.host_a1.pk}/usage/"
    admin = client_for(cast.purchaser_admin)
    first, computed = _figure_queries(admin, path, {"period": "2025-10"})
    again, read = _figure_queries(admin, path, {"period": "2025-10"})
    assert any("telemetry_hosthourly" in sql for sql in computed) and not read
    assert without_tokens(again) == without_tokens(first)
    assert "2025-10-10 10:00" in first  # host_a1's outage
    other, computed = _figure_queries(admin, f"/hosts/{cast.host_a2.pk}/usage/",
                                      {"period": "2025-10"})
    assert computed and cast.host_a2.name in other and cast.host_a1.name not in other
