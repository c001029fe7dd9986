"""The KPI API on hand-computed rollups: the scorecard as the engine gives it, availability
by system and host, one host's series, the usage evaluation; scope and refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from govcloud.kpi.engine import scorecard
from govcloud.kpi.periods import parse_period
from govcloud.kpi.tests.rollups import HOUR, MAINTENANCE_HOURS, OUTAGE_SECONDS

DAY = 86400


def test_the_scorecard_rows_are_the_engines(cast, october, english_client_for):
    response = english_client_for(cast.purchaser_admin).get(
        "/api/kpi/scorecard/", {"contract": cast.contract_a.pk, "period": "2025-10"})
    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {"label": "2025-10", "first": "2025-10-01", "last": "2025-10-31"}
    assert body["whole_contract"] is True
    card = scorecard(cast.contract_a, parse_period("2025-10"),
                     now=datetime(2026, 1, 1, tzinfo=UTC))
    assert body["rows"] == card.as_json()
    numbers = [row["number"] for row in body["rows"]]
    assert numbers == [*range(1, 15), "availability"]
    no_data = next(row for row in body["rows"] if row["number"] == 9)
    assert no_data["value"] is None and no_data["status"] == "no_data"


def test_the_scorecard_takes_the_first_contract_and_this_month_by_default(
        cast, english_client_for):
    body = english_client_for(cast.purchaser_admin).get("/api/kpi/scorecard/").json()
    assert body["contract"] == cast.contract_a.pk
    assert body["period"]["first"].endswith("-01")


@pytest.mark.parametrize(("query", "field"), [
    ({"period": "2025-13"}, "period"),
    ({"period": "2025-Q5"}, "period"),
    ({"period": "2025-10-31..2025-10-01"}, "period"),
    ({"contract": "x"}, "contract"),
    ({"period": "x" * 41}, "period"),
])
def test_a_bad_query_is_a_400_naming_the_problem(query, field, cast, english_client_for):
    client = english_client_for(cast.purchaser_admin)
    for url in ("/api/kpi/scorecard/", "/api/kpi/availability/",
                "/api/kpi/usage-evaluation/"):
        response = client.get(url, query)
        assert response.status_code == 400, url
        assert field in response.json(), url
    if field == "period":
        response = client.get(f"/api/hosts/{cast.host_a1.pk}/usage/", query)
        assert response.status_code == 400 and "period" in response.json()


def test_the_period_error_says_what_a_period_is(cast, english_client_for):
    response = english_client_for(cast.purchaser_admin).get(
        "/api/kpi/scorecard/", {"period": "October"})
    assert "write a month (2025-10)" in response.json()["period"][0]


def test_availability_by_system_and_by_host(cast, october, english_client_for):
    client = english_client_for(cast.purchaser_admin)
    body = client.get("/api/kpi/availability/", {"period": "2025-10"}).json()
    observed = 4 * 31 * DAY - len(MAINTENANCE_HOURS) * HOUR
    assert body["fleet"]["availability"] == round((observed - OUTAGE_SECONDS) / observed * 100,
                                                  3)
    assert body["fleet"]["downtime_minutes"] == 30.0
    assert body["fleet"]["maintenance_minutes"] == 120.0
    systems = {row["id"]: row for row in body["rows"]}
    assert systems[cast.system_a2.pk]["availability"] == 100.0
    assert systems[cast.system_a2.pk]["cpu"] == 90.0
    unobserved = [row for row in body["rows"] if row["id"] not in
                  (cast.system_a1.pk, cast.system_a2.pk)]
    assert unobserved and all(row["availability"] is None for row in unobserved)
    body = client.get("/api/kpi/availability/", {"period": "2025-10", "by": "host"}).json()
    hosts = {row["name"]: row for row in body["rows"]}
    assert set(hosts) == {cast.host_a1.name, cast.host_a2.name, "a1-idle-01", "a1-low-01"}
    a1 = hosts[cast.host_a1.name]
    assert a1["system"] == cast.system_a1.pk and a1["downtime_minutes"] == 30.0
    assert client.get("/api/kpi/availability/", {"by": "rack"}).status_code == 400


def test_a_vendor_gets_its_own_systems_only(cast, october, english_client_for):
    client = english_client_for(cast.vendor_a)
    body = client.get("/api/kpi/availability/", {"period": "2025-10", "by": "host"}).json()
    assert body["whole_contract"] is False
    assert {row["name"] for row in body["rows"]} == {cast.host_a1.name, "a1-idle-01",
                                                     "a1-low-01"}
    body = client.get("/api/kpi/availability/", {"period": "2025-10"}).json()
    assert [row["id"] for row in body["rows"]] == [cast.system_a1.pk]
    card = client.get("/api/kpi/scorecard/", {"period": "2025-10"}).json()
    utilization = next(row for row in card["rows"] if row["number"] == 5)
    assert utilization["value"] < 80  # host_a2's 90 % is not vendor A's
    evaluation = client.get("/api/kpi/usage-evaluation/", {"period": "2025-10"}).json()
    assert {row["host_name"] for row in evaluation["findings"]} == {"a1-idle-01", "a1-low-01"}


def test_another_tenants_contract_is_not_found(cast, english_client_for):
    client = english_client_for(cast.purchaser_admin)
    for url in ("/api/kpi/scorecard/", "/api/kpi/availability/",
                "/api/kpi/usage-evaluation/"):
        assert client.get(url, {"contract": cast.contract_b.pk}).status_code == 404
        assert client.get(url, {"contract": 999999}).status_code == 404
    outsider = english_client_for(cast.outsider)
    assert outsider.get("/api/kpi/scorecard/",
                        {"contract": cast.contract_a.pk}).status_code == 404


def test_the_platform_admins_read_no_kpis(cast, english_client_for):
    for person in (cast.system_admin, cast.security_admin, cast.audit_admin):
        client = english_client_for(person)
        assert client.get("/api/kpi/scorecard/").status_code == 403
        assert client.get("/api/kpi/availability/").status_code == 403
        assert client.get("/api/kpi/usage-evaluation/").status_code == 403
        assert client.get(f"/api/hosts/{cast.host_a1.pk}/usage/").status_code == 404


def test_a_hosts_series(cast, october, english_client_for):
    client = english_client_for(cast.purchaser_admin)
    body = client.get(f"/api/hosts/{cast.host_a1.pk}/usage/", {"period": "2025-10"}).json()
    assert body["resolution"] == "hour" and len(body["points"]) == 31 * 24
    first = body["points"][0]
    assert first["at"] == "2025-10-01T00:00:00+08:00"
    assert (first["cpu_mean"], first["memory_mean"], first["availability"]) == (30.0, 50.0,
                                                                                 100.0)
    assert first["disk_used_bytes"] == 40 * 1024 ** 3
    assert body["outages"] == [{"started_at": "2025-10-10T10:00:00+08:00",
                                "ended_at": "2025-10-10T10:30:00+08:00", "minutes": 30.0}]
    body = client.get(f"/api/hosts/{cast.host_a1.pk}/usage/", {"period": "2025-Q4"}).json()
    assert body["resolution"] == "day" and len(body["points"]) == 31
    body = client.get(f"/api/hosts/{cast.host_a1.pk}/usage/").json()
    assert body["period"]["label"] == "2025-10-25..2025-10-31"
    assert len(body["points"]) == 7 * 24 and body["resolution"] == "hour"


def test_a_host_one_may_not_see_is_not_found(cast, english_client_for):
    assert english_client_for(cast.vendor_a).get(
        f"/api/hosts/{cast.host_a2.pk}/usage/").status_code == 404
    outsider = english_client_for(cast.outsider)
    assert outsider.get(f"/api/hosts/{cast.host_a1.pk}/usage/").status_code == 404
    assert outsider.post(f"/api/hosts/{cast.host_a1.pk}/usage/").status_code == 404


def test_the_usage_evaluation(cast, october, english_client_for):
    body = english_client_for(cast.supervisor).get(
        "/api/kpi/usage-evaluation/", {"period": "2025-10"}).json()
    assert body["hosts_evaluated"] == 4
    findings = {row["host_name"]: row for row in body["findings"]}
    assert {name: row["finding"] for name, row in findings.items()} == {
        cast.host_a2.name: "overloaded", "a1-idle-01": "low", "a1-low-01": "low"}
    overloaded = findings[cast.host_a2.name]
    assert (overloaded["suggested_vcpu"], overloaded["freed_vcpu"]) == (8, -4)
    assert overloaded["cpu_p95"] == 90.0 and "above 80 %" in overloaded["reason"]
    quiet = findings["a1-idle-01"]
    assert (quiet["freed_vcpu"], quiet["freed_memory_gb"]) == (7, 12)
    assert {row["meter"]: (row["freed"], row["contracted"]) for row in body["freed"]} == {
        "vcpu": (6, 1400), "memory_gb": (16, 2000)}
