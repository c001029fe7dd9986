"""Passwords follow the security policy: length, character classes, no reuse, expiry."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from govcloud.accounts.policy import current_policy
from govcloud.accounts.services import change_own_password, update_security_policy
from govcloud.testing.cast import PASSWORD


@pytest.mark.parametrize(("password", "problem"), [
    ("Short-1a", "at least 12 characters"),
    ("alllowercaseletters", "mix at least 3"),
    ("ALLUPPERandlowercase", "mix at least 3"),
])
def test_a_new_password_that_breaks_the_policy_is_refused(cast, password, problem):
    with pytest.raises(ValidationError) as refused:
        change_own_password(cast.vendor_a, PASSWORD, password)
    assert problem in " ".join(refused.value.messages).lower()


def test_a_password_that_follows_the_policy_is_accepted_and_dated(cast):
    change_own_password(cast.vendor_a, PASSWORD, "Fresh-Password-2026")
    cast.vendor_a.refresh_from_db()
    assert cast.vendor_a.check_password("Fresh-Password-2026")
    assert timezone.now() - cast.vendor_a.password_changed_at < timedelta(minutes=1)
    assert not cast.vendor_a.must_change_password


def test_the_current_password_must_be_right(cast):
    with pytest.raises(ValidationError, match="current password is not correct"):
        change_own_password(cast.vendor_a, "wrong", "Fresh-Password-2026")


def test_neither_the_current_nor_the_last_five_passwords_may_be_used_again(cast):
    user = cast.vendor_a
    passwords = [PASSWORD, *(f"Rotation-Password-{n}x" for n in range(6))]
    for old, new in pairwise(passwords):
        change_own_password(user, old, new)
    for reused in passwords[2:]:
        with pytest.raises(ValidationError, match="used recently"):
            change_own_password(user, passwords[-1], reused)
    change_own_password(user, passwords[-1], PASSWORD)


def test_the_security_admin_tightens_the_policy_and_it_applies_at_once(cast):
    update_security_policy(cast.security_admin, {"password_min_length": 20})
    with pytest.raises(ValidationError, match="at least 20 characters"):
        change_own_password(cast.vendor_a, PASSWORD, "Nineteen-chars-2026")


def test_the_policy_refuses_values_below_its_floor(cast):
    with pytest.raises(ValidationError) as refused:
        update_security_policy(cast.security_admin, {"password_min_length": 4,
                                                     "login_failure_limit": "five"})
    assert set(refused.value.message_dict) == {"password_min_length", "login_failure_limit"}
    assert current_policy().password_min_length == 12


def test_an_initial_password_must_be_changed_before_anything_else(cast, client_for):
    cast.vendor_a.must_change_password = True
    cast.vendor_a.save()
    client = client_for(cast.vendor_a)
    response = client.get("/systems/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/password/")
    assert client.get("/api/systems/").status_code == 403
    client.post("/account/password/", {"old_password": PASSWORD,
                                       "new_password1": "My-Own-Password-2026",
                                       "new_password2": "My-Own-Password-2026"})
    assert client.get("/systems/").status_code == 200


def test_an_expired_password_must_be_changed(cast, client_for):
    cast.vendor_a.password_changed_at = timezone.now() - timedelta(days=91)
    cast.vendor_a.save()
    response = client_for(cast.vendor_a).get("/systems/")
    assert response["Location"].startswith("/account/password/")


def test_passwords_do_not_expire_when_the_policy_says_zero_days(cast, client_for):
    update_security_policy(cast.security_admin, {"password_max_age_days": 0})
    cast.vendor_a.password_changed_at = timezone.now() - timedelta(days=900)
    cast.vendor_a.save()
    assert client_for(cast.vendor_a).get("/systems/").status_code == 200


def test_the_password_page_explains_every_problem(cast, client_for):
    client = client_for(cast.vendor_a)
    client.cookies["django_language"] = "en"
    page = client.post("/account/password/", {"old_password": PASSWORD,
                                              "new_password1": "short",
                                              "new_password2": "other"}).content.decode()
    assert "at least 12 characters" in page and "The two new passwords differ" in page
