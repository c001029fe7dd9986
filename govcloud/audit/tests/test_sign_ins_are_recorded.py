"""Sign-ins, sign-outs and failed sign-ins are recorded with the source address."""

from __future__ import annotations

from django.test import Client

from govcloud.audit.models import AuditEvent
from govcloud.audit.services import verify_chain
from govcloud.testing.cast import PASSWORD


def _last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("sequence").last()


def test_a_sign_in_is_recorded_with_who_and_from_where(cast):
    client = Client(REMOTE_ADDR="10.20.30.40")
    client.post("/login/", {"username": "vendor-a", "password": PASSWORD})
    event = _last("auth.login")
    assert (event.actor_username, event.actor_role, event.actor_id) == (
        "vendor-a", "app_vendor", cast.vendor_a.pk)
    assert event.source_address == "10.20.30.40" and event.outcome == "success"


def test_a_failed_sign_in_records_the_name_tried_and_never_the_password(cast):
    client = Client(REMOTE_ADDR="2001:DB8::7")
    client.post("/login/", {"username": "mallory", "password": "Guess-Password-1"})
    event = _last("auth.login_failed")
    assert event.outcome == "failure" and event.actor_id is None
    assert event.details == {"username": "mallory"}
    assert event.source_address == "2001:db8::7"
    assert "Guess-Password-1" not in str(AuditEvent.objects.values_list())


def test_a_wrong_password_of_a_known_name_is_recorded_as_a_failure(cast):
    Client(REMOTE_ADDR="10.0.0.9").post("/login/", {"username": "vendor-a", "password": "x"})
    event = _last("auth.login_failed")
    assert event.details == {"username": "vendor-a"} and event.source_address == "10.0.0.9"


def test_a_sign_out_is_recorded(cast):
    client = Client(REMOTE_ADDR="10.20.30.41")
    client.post("/login/", {"username": "supervisor", "password": PASSWORD})
    client.post("/logout/")
    event = _last("auth.logout")
    assert event.actor_username == "supervisor" and event.source_address == "10.20.30.41"
    assert verify_chain() == []
