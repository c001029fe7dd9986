"""The ledger's host filter lists the hosts of the chosen system only (a fleet of thousands
is no list to pick from) and still accepts any host the user sees, on the page and in the
API (issue 11, item 8)."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def cast(shared_cast):
    return shared_cast


def host_options(html: str) -> list[str]:
    select = html[html.index('name="host"'):]
    select = select[:select.index("</select>")]
    return [value for value in re.findall(r'<option value="([^"]*)"', select) if value]


def test_the_ledger_lists_no_hosts_before_a_system_is_chosen(cast, client_for):
    response = client_for(cast.purchaser_admin).get("/inventory/ledger/")
    assert response.status_code == 200
    assert host_options(response.content.decode()) == []


def test_the_ledger_lists_the_hosts_of_the_chosen_system(cast, client_for):
    response = client_for(cast.purchaser_admin).get(
        "/inventory/ledger/", {"system": cast.system_a1.pk})
    offered = host_options(response.content.decode())
    expected = sorted(cast.system_a1.hosts.values_list("name", "pk"))
    assert offered == [str(pk) for _name, pk in expected]
    assert str(cast.host_a2.pk) not in offered


def test_the_ledger_filters_by_any_host_the_user_sees(cast, client_for):
    client = client_for(cast.purchaser_admin)
    response = client.get("/inventory/ledger/", {"host": cast.host_a2.pk})
    assert response.status_code == 200
    assert host_options(response.content.decode()) == [str(cast.host_a2.pk)]
    reply = client.get("/api/allocation-entries/", {"host": cast.host_a2.pk})
    assert reply.status_code == 200
    assert reply.json()["count"] >= 1
    assert {row["host"] for row in reply.json()["results"]} == {cast.host_a2.pk}


def test_the_ledger_offers_no_host_of_another_tenant(cast, client_for):
    other = cast.host_b1
    response = client_for(cast.purchaser_admin).get(
        "/inventory/ledger/", {"system": other.system_id, "host": other.pk})
    assert str(other.pk) not in host_options(response.content.decode())
