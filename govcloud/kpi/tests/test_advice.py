"""Usage advice where changes are decided (C-10 → C-9): a resize's page shows the host's
usage and the evaluation's finding; a finding opens the change form with its advice."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from govcloud.inventory import changes
from govcloud.inventory.choices import ChangeKind


def _links(html: str) -> list[dict]:
    found = re.findall(r'href="(/inventory/changes/new/\?[^"]+)"', html)
    return [{key: values[0] for key, values in parse_qs(urlsplit(unescape(link)).query).items()}
            for link in found]


def test_a_requester_may_start_a_change_from_a_finding(cast, october, english_client_for):
    html = english_client_for(cast.vendor_a).get(
        "/kpi/usage/", {"period": "2025-10"}).content.decode()
    proposals = {link["host"]: link for link in _links(html)}
    low = next(host for host in cast.host_a1.system.hosts.all() if host.name == "a1-low-01")
    proposal = proposals[str(low.pk)]
    assert proposal["kind"] == ChangeKind.RESIZE
    assert (proposal["vcpu"], proposal["memory_gb"]) == ("1", "4")
    assert proposal["reason"].startswith("Usage evaluation 2025-10:")
    form = english_client_for(cast.vendor_a).get("/inventory/changes/new/", proposal)
    page = form.content.decode()
    assert form.status_code == 200 and 'name="vcpu" value="1"' in page
    assert "Usage evaluation 2025-10:" in page


def test_who_does_not_ask_for_changes_gets_no_link(cast, october, english_client_for):
    for person in (cast.purchaser_admin, cast.provider_operator, cast.supervisor):
        html = english_client_for(person).get(
            "/kpi/usage/", {"period": "2025-10"}).content.decode()
        assert "a1-low-01" in html and not _links(html)


def test_a_resize_shows_the_hosts_usage_and_the_evaluations_advice(cast, october,
                                                                  english_client_for):
    change = changes.create_change(
        actor=cast.vendor_b, system=cast.host_a2.system, kind=ChangeKind.RESIZE,
        host=cast.host_a2, requested={"vcpu": 8, "memory_gb": 8}, reason="忙",
        risk_assessment="低", fallback_plan="回退")
    admin = english_client_for(cast.purchaser_admin)
    page = admin.get(f"/inventory/changes/{change.pk}/").content.decode()
    assert f'hx-get="/hosts/{cast.host_a2.pk}/advice/"' in page
    panel = admin.get(f"/hosts/{cast.host_a2.pk}/advice/")
    html = panel.content.decode()
    assert panel.status_code == 200
    assert "(2025-10-02 – 2025-10-31)" in html
    assert "Usage evaluation: overloaded" in html and "4 → 8 vCPU" in html


def test_a_change_without_a_resize_shows_no_usage(cast, english_client_for):
    change = changes.create_change(
        actor=cast.vendor_a, system=cast.host_a1.system, kind=ChangeKind.SERVICES,
        host=cast.host_a1, requested={"services": []}, reason="r", risk_assessment="r",
        fallback_plan="f")
    page = english_client_for(cast.vendor_a).get(
        f"/inventory/changes/{change.pk}/").content.decode()
    assert "/advice/" not in page


def test_the_advice_of_a_host_one_may_not_see_is_not_found(cast, english_client_for):
    assert english_client_for(cast.vendor_a).get(
        f"/hosts/{cast.host_a2.pk}/advice/").status_code == 404
    assert english_client_for(cast.purchaser_admin).get(
        f"/hosts/{cast.host_b1.pk}/advice/").status_code == 404
    assert english_client_for(cast.audit_admin).get(
        f"/hosts/{cast.host_a1.pk}/advice/").status_code in (403, 404)
