"""Repeated failures lock the account; idle sessions end; sign-ins are kept as history."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govcloud.accounts.services import update_security_policy
from govcloud.testing.cast import PASSWORD


def sign_in(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password},
                       REMOTE_ADDR="192.0.2.7")


def test_five_failures_lock_the_account_even_for_the_right_password(cast):
    client = Client()
    for _attempt in range(4):
        assert sign_in(client, "vendor-a", "wrong").status_code == 200
    assert sign_in(client, "vendor-a", "wrong").status_code == 429
    locked = sign_in(client, "vendor-a", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_ends_after_the_policy_time(cast):
    client = Client()
    for _attempt in range(5):
        sign_in(client, "vendor-a", "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    assert sign_in(client, "vendor-a", PASSWORD).status_code == 302


def test_the_failure_limit_is_the_security_admins(cast):
    update_security_policy(cast.security_admin, {"login_failure_limit": 3})
    client = Client()
    sign_in(client, "vendor-a", "wrong")
    sign_in(client, "vendor-a", "wrong")
    assert sign_in(client, "vendor-a", "wrong").status_code == 429


def test_a_lockout_of_one_account_leaves_the_others_alone(cast):
    client = Client()
    for _attempt in range(5):
        sign_in(client, "vendor-a", "wrong")
    assert sign_in(Client(), "vendor-b", PASSWORD).status_code == 302


def test_a_session_lasts_the_policys_idle_time_from_the_last_request(cast, client_for):
    client = client_for(cast.vendor_a)
    client.get("/systems/")
    assert client.session.get_expiry_age() == 30 * 60
    update_security_policy(cast.security_admin, {"session_idle_minutes": 10})
    client.get("/systems/")
    assert client.session.get_expiry_age() == 10 * 60


def test_the_idle_timeout_slides_at_most_once_a_minute_and_never_late(cast, client_for):
    client = client_for(cast.vendor_a)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.get("/systems/")
        stored = Session.objects.filter(session_key=client.session.session_key)
        ends = stored.get().expire_date
        clock.shift(30)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/systems/").status_code == 200
        assert not [query for query in queries.captured_queries
                    if query["sql"].startswith("UPDATE") and "django_session" in query["sql"]]
        assert stored.get().expire_date == ends  # 30 seconds early at most, never late
        clock.shift(31)
        client.get("/systems/")
        assert stored.get().expire_date == ends + timedelta(seconds=61)


def test_an_idle_session_is_over(cast, client_for):
    client = client_for(cast.vendor_a)
    client.get("/systems/")
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/systems/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_my_account_lists_my_sign_ins_and_failures(cast):
    client = Client()
    sign_in(client, "vendor-a", "wrong")
    sign_in(client, "vendor-a", PASSWORD)
    client.cookies["django_language"] = "en"
    page = client.get("/account/").content.decode()
    assert page.count("192.0.2.7") == 2
    assert "Failed sign-ins" in page
