"""The heaviest pages ask the database a fixed number of questions, whatever the size of
the fleet or the length of the period (issue 11, item 8). Counted through the pages, never
timed: bench/pages.py measures the time."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govcloud.inventory.ledger import register_host
from govcloud.kpi.tests.rollups import OCTOBER_FIRST, fill

#: The heavy pages and the most queries each may take for the purchaser admin (session,
#: user and second factor included).
HEAVY_PAGES = {
    "/kpi/?period=2025-10": 34,  # + the yearly promise's year to date (two sums)
    "/kpi/?period=2025": 32,
    "/kpi/?period=term": 32,
    "/kpi/usage/?period=2025-10": 28,
    "/kpi/usage/?period=term": 28,
    "/inventory/allocation/": 20,
    "/inventory/ledger/": 18,
    "/hosts/": 16,
}
HOST_USAGE_QUERIES = 17  # a settled month: its stored outages, then the host's part


def _more_hosts(cast, count: int) -> None:
    """``count`` more hosts over two systems, each with ten days of October's rollups and
    an outage, so that every per-host figure, row and outage of the pages grows."""
    for index in range(count):
        system = (cast.system_a1, cast.system_a2)[index % 2]
        host = register_host(system, name=f"grown-{index:02d}", vcpu=2, memory_gb=4,
                             reason="test")
        fill(host, OCTOBER_FIRST, 10, cpu=0.02 + index / 40,
             down={(date(2025, 10, 3), 4 + index % 12): 600.0})


def _count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries.captured_queries)


@pytest.mark.parametrize("path", list(HEAVY_PAGES))
def test_a_heavy_page_answers_in_a_bounded_number_of_queries(
        cast, october, client_for, django_assert_max_num_queries, path):
    client = client_for(cast.purchaser_admin)
    client.get(path)  # the first request of a session also stores the session
    with django_assert_max_num_queries(HEAVY_PAGES[path]):
        assert client.get(path).status_code == 200


def test_the_host_usage_page_answers_in_a_bounded_number_of_queries(
        cast, october, client_for, django_assert_max_num_queries):
    client = client_for(cast.purchaser_admin)
    path = f"/hosts/{cast.host_a1.pk}/usage/?period=2025-10"
    client.get(path)
    with django_assert_max_num_queries(HOST_USAGE_QUERIES):
        assert client.get(path).status_code == 200


def test_the_heavy_pages_ask_no_more_queries_for_a_larger_fleet(cast, october, client_for):
    client = client_for(cast.purchaser_admin)
    paths = [*HEAVY_PAGES, f"/hosts/{cast.host_a1.pk}/usage/?period=2025-10"]
    for path in paths:
        client.get(path)
    before = {path: _count(client, path) for path in paths}
    _more_hosts(cast, 12)
    after = {path: _count(client, path) for path in paths}
    assert after == before


def test_a_system_scoped_dashboard_asks_no_more_queries_for_a_larger_fleet(
        cast, october, client_for):
    client = client_for(cast.vendor_a)
    path = "/kpi/?period=2025-10"
    client.get(path)
    before = _count(client, path)
    _more_hosts(cast, 8)
    assert _count(client, path) == before


def test_the_dashboard_lists_the_worst_hosts_over_the_limit_and_says_how_many_there_are(
        cast, october, english_client_for, monkeypatch):
    from govcloud.kpi import views

    hot = register_host(cast.system_a1, name="a1-hot-01", vcpu=2, memory_gb=4, reason="test")
    fill(hot, OCTOBER_FIRST, 31, cpu=0.95, memory=0.5)
    monkeypatch.setattr(views, "HOSTS_OVER_SHOWN", 1)
    html = english_client_for(cast.purchaser_admin).get(
        "/kpi/", {"period": "2025-10"}).content.decode()
    over = html[html.index('id="hosts-over"'):]
    over = over[:over.index("</section>")]
    assert "The first 1 of 2 are listed." in over
    assert "a1-hot-01" in over and cast.host_a2.name not in over
