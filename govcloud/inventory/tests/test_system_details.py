"""The purchaser keeps a system's details (department, contacts, data centers, availability):
through services.update_system_details and through its page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from govcloud.audit.models import AuditEvent
from govcloud.inventory.services import update_system_details

DETAILS = {"owner_department": "综合处", "business_contact": "王敏",
           "business_phone": "010-12345678", "primary_data_center": "亦庄机房",
           "high_availability": True}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_the_purchaser_staff_update_their_systems_details_and_it_is_audited(cast):
    update_system_details(cast.system_a1, actor=cast.purchaser_staff, values=DETAILS)
    cast.system_a1.refresh_from_db()
    assert cast.system_a1.owner_department == "综合处" and cast.system_a1.high_availability
    event = AuditEvent.objects.get(action="inventory.system_update")
    assert event.actor_username == cast.purchaser_staff.username
    assert event.details["before"]["owner_department"] == ""
    assert event.details["after"]["business_phone"] == "010-12345678"


def test_the_purchaser_admin_updates_any_system_of_the_contract(cast):
    update_system_details(cast.system_a2, actor=cast.purchaser_admin,
                          values={"technical_contact": " 李工 "})
    cast.system_a2.refresh_from_db()
    assert cast.system_a2.technical_contact == "李工"


@pytest.mark.parametrize(("actor", "system"), [
    ("purchaser_staff", "system_a2"), ("vendor_a", "system_a1"),
    ("provider_operator", "system_a1"), ("supervisor", "system_a1"),
    ("system_admin", "system_a1"), ("outsider", "system_a1"),
])
def test_no_one_else_updates_a_systems_details(cast, actor, system):
    with pytest.raises(PermissionDenied):
        update_system_details(getattr(cast, system), actor=getattr(cast, actor),
                              values=DETAILS)
    assert not AuditEvent.objects.filter(action="inventory.system_update").exists()


def test_only_the_details_change_and_bad_values_are_refused(cast):
    with pytest.raises(ValidationError, match="not details of a system: contract_row"):
        update_system_details(cast.system_a1, actor=cast.purchaser_admin,
                              values={"contract_row": 99})
    with pytest.raises(ValidationError) as refused:
        update_system_details(cast.system_a1, actor=cast.purchaser_admin,
                              values={"business_phone": "1" * 41})
    assert "business_phone" in refused.value.message_dict
    cast.system_a1.refresh_from_db()
    assert cast.system_a1.business_phone == ""


def test_saving_the_same_details_records_nothing(cast):
    update_system_details(cast.system_a1, actor=cast.purchaser_admin,
                          values={"owner_department": cast.system_a1.owner_department})
    assert not AuditEvent.objects.filter(action="inventory.system_update").exists()


# --- the page ---------------------------------------------------------------------------


def english_client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def form_data(**changes) -> dict:
    data = {"owner_department": "", "description": "", "business_contact": "",
            "business_phone": "", "technical_contact": "", "technical_phone": "",
            "primary_data_center": "", "backup_data_center": ""}
    return {**data, **changes}


def test_the_staff_edit_the_details_on_the_page(cast, client_for):
    client = english_client(client_for(cast.purchaser_staff))
    url = f"/systems/{cast.system_a1.pk}/edit/"
    assert 'name="owner_department"' in client.get(url).content.decode()
    response = client.post(url, form_data(owner_department="综合处", high_availability="on",
                                          backup_data_center="酒仙桥机房"))
    assert response.status_code == 302 and response["Location"] == f"/systems/{cast.system_a1.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "综合处" in page and "酒仙桥机房" in page and "are saved" in page


def test_a_bad_value_shows_the_form_again(cast, client_for):
    client = english_client(client_for(cast.purchaser_admin))
    response = client.post(f"/systems/{cast.system_a1.pk}/edit/",
                           form_data(technical_phone="9" * 41))
    assert response.status_code == 400
    assert "at most 40 characters" in response.content.decode()


def test_others_are_told_who_edits_and_refused_a_post(cast, client_for):
    url = f"/systems/{cast.system_a1.pk}/edit/"
    for name in ("vendor_a", "provider_operator", "supervisor"):
        client = english_client(client_for(getattr(cast, name)))
        page = client.get(url).content.decode()
        assert "Only the purchaser's admin and the staff" in page, name
        assert 'name="owner_department"' not in page, name
        assert client.post(url, form_data(owner_department="x")).status_code == 403, name
    staff = client_for(cast.purchaser_staff)
    assert staff.get(f"/systems/{cast.system_a2.pk}/edit/").status_code == 404
    assert staff.post(f"/systems/{cast.system_a2.pk}/edit/", form_data()).status_code == 404
