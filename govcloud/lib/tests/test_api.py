"""The API's filters narrow lists; one object is found by its id alone."""

from __future__ import annotations


def test_a_filter_narrows_the_list_but_not_the_lookup_of_one_object(cast, client_for):
    client = client_for(cast.purchaser_admin)
    other_system = {"system": cast.system_a2.pk}
    listed = client.get("/api/hosts/", other_system).json()["results"]
    assert cast.host_a1.pk not in {host["id"] for host in listed}
    assert cast.host_a2.pk in {host["id"] for host in listed}
    one = client.get(f"/api/hosts/{cast.host_a1.pk}/", other_system)
    assert one.status_code == 200 and one.json()["name"] == cast.host_a1.name


def test_another_tenants_object_is_still_a_404_by_id(cast, client_for):
    client = client_for(cast.purchaser_admin)
    assert client.get(f"/api/systems/{cast.system_b1.pk}/").status_code == 404
    assert client.get(f"/api/hosts/{cast.host_b1.pk}/",
                      {"system": cast.system_b1.pk}).status_code == 404
