"""The audit administrator lists, filters and exports the log; nobody else sees it."""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings
from openpyxl import load_workbook

from govcloud.audit.exports import BEIJING
from govcloud.audit.models import AuditEvent
from govcloud.audit.services import record_event, verify_chain
from govcloud.contract.choices import OrganizationKind
from govcloud.contract.models import Organization


@pytest.fixture
def chinese_event(cast):
    return record_event("policy.change", actor=cast.security_admin, target=cast.system_a1,
                        outcome="denied", details={"策略": "口令最短12位"})


def _get(client, url: str, **headers):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(url, headers=headers)


def test_the_audit_admin_lists_the_log(cast, client_for, chinese_event):
    html = _get(client_for(cast.audit_admin), "/audit/").content.decode()
    assert "policy.change" in html and cast.system_a1.label in html and "security-admin" in html


def test_the_audit_admin_filters_by_actor_outcome_and_text(cast, client_for, chinese_event):
    client = client_for(cast.audit_admin)
    denied = _get(client, "/audit/?outcome=denied&actor=security").content.decode()
    assert "policy.change" in denied and "contract.load" not in denied
    loads = _get(client, "/audit/?action=contract.").content.decode()
    assert "contract.load" in loads and "policy.change" not in loads
    assert "policy.change" in _get(client, f"/audit/?q={cast.system_a1.label}").content.decode()


def test_the_audit_admin_filters_by_date(cast, client_for, chinese_event):
    client = client_for(cast.audit_admin)
    assert "policy.change" not in _get(client, "/audit/?date_to=2000-01-01").content.decode()
    assert "policy.change" in _get(client, "/audit/?date_from=2000-01-01").content.decode()


def test_an_htmx_request_gets_only_the_table(cast, client_for, chinese_event):
    html = _get(client_for(cast.audit_admin), "/audit/?q=policy",
                **{"HX-Request": "true"}).content.decode()
    assert "<html" not in html and "policy.change" in html


def test_a_record_page_shows_its_details_and_tags(cast, client_for, chinese_event):
    html = _get(client_for(cast.audit_admin), f"/audit/{chinese_event.pk}/").content.decode()
    assert "口令最短12位" in html and chinese_event.tag in html


def test_the_csv_export_holds_the_filtered_rows_in_chinese_and_beijing_time(
    cast, client_for, chinese_event
):
    response = _get(client_for(cast.audit_admin), "/audit/export.csv?outcome=denied")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    header, row = rows
    assert row[header.index("Target")] == cast.system_a1.label
    assert "口令最短12位" in row[header.index("Details")]
    expected = chinese_event.occurred_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
    assert row[header.index("Time (Beijing)")] == expected


def test_the_xlsx_export_holds_the_filtered_rows_in_chinese(cast, client_for, chinese_event):
    response = _get(client_for(cast.audit_admin), "/audit/export.xlsx?action=policy.change")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    header, row = rows
    assert row[header.index("Action")] == "policy.change"
    assert "口令最短12位" in row[header.index("Details")]
    expected = chinese_event.occurred_at.astimezone(BEIJING).replace(tzinfo=None, microsecond=0)
    assert row[header.index("Time (Beijing)")].replace(microsecond=0) == expected


def test_text_that_looks_like_a_formula_is_exported_as_text(cast, client_for):
    trap = Organization.objects.create(name='=HYPERLINK("http://evil.example")',
                                       kind=OrganizationKind.VENDOR)
    record_event("account.create", target=trap)
    client = client_for(cast.audit_admin)
    rows = list(csv.reader(io.StringIO(_get(client, "/audit/export.csv?action=account.create")
                                       .content.decode("utf-8-sig"))))
    assert rows[1][rows[0].index("Target")] == "'" + trap.name
    sheet = load_workbook(io.BytesIO(
        _get(client, "/audit/export.xlsx?action=account.create").content)).active
    assert sheet.cell(2, rows[0].index("Target") + 1).value == trap.name
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_every_export_is_itself_recorded(cast, client_for, chinese_event):
    client = client_for(cast.audit_admin)
    _get(client, "/audit/export.xlsx?outcome=denied")
    event = AuditEvent.objects.filter(action="export.audit_log").get()
    assert event.actor_username == "audit-admin"
    assert event.details == {"format": "xlsx", "filters": {"outcome": "denied"}, "rows": 1}
    assert verify_chain() == []


def test_a_bad_filter_exports_nothing(cast, client_for):
    response = _get(client_for(cast.audit_admin), "/audit/export.csv?date_from=yesterday")
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="export.audit_log").exists()


def test_the_verify_page_shows_the_result(cast, client_for):
    html = _get(client_for(cast.audit_admin), "/audit/verify/").content.decode()
    assert "Intact" in html


def test_the_api_lists_the_log_to_the_audit_admin(cast, client_for, chinese_event):
    data = client_for(cast.audit_admin).get("/api/audit-events/?outcome=denied").json()
    assert data["count"] == 1 and data["results"][0]["details"] == {"策略": "口令最短12位"}


@pytest.mark.parametrize("page", ["/audit/", "/audit/verify/", "/audit/export.csv",
                                  "/audit/export.xlsx"])
def test_every_other_role_gets_a_404_for_the_pages(cast, client_for, chinese_event, page):
    for name, person in cast.people().items():
        if name == "audit_admin":
            continue
        assert client_for(person).get(page).status_code == 404, name
        assert client_for(person).get(f"/audit/{chinese_event.pk}/").status_code == 404, name


def test_every_other_role_gets_nothing_from_the_api(cast, client_for, chinese_event):
    for name, person in cast.people().items():
        if name == "audit_admin":
            continue
        client = client_for(person)
        assert client.get("/api/audit-events/").json()["count"] == 0, name
        assert client.get(f"/api/audit-events/{chinese_event.pk}/").status_code == 404, name


def test_only_the_audit_admin_sees_the_nav_link(cast, client_for):
    assert "/audit/" in _get(client_for(cast.audit_admin), "/contracts/").content.decode()
    assert "/audit/" not in _get(client_for(cast.security_admin), "/contracts/").content.decode()
