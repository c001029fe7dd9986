"""Administrators and the provider's people sign in with a second factor (TOTP)."""

from __future__ import annotations

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from govcloud.testing.cast import PASSWORD, current_code


def password_only(client: Client, username: str):
    return client.post("/login/", {"username": username, "password": PASSWORD})


def test_a_password_alone_does_not_open_anything_for_a_second_factor_role(cast):
    client = Client()
    response = password_only(client, "provider-operator")
    assert response.status_code == 302
    page = client.get(f"/contracts/{cast.contract_a.pk}/")
    assert page["Location"].startswith("/account/two-factor/")
    api = client.get("/api/contracts/")
    assert api.status_code == 403 and "second factor" in api.json()["detail"]


def test_the_right_code_finishes_the_sign_in(cast):
    client = Client()
    password_only(client, "provider-operator")
    response = client.post("/account/two-factor/", {"token": current_code(cast.provider_operator),
                                                    "next": "/api/contracts/"})
    assert response["Location"] == "/api/contracts/"
    assert client.get("/api/contracts/").status_code == 200


def test_a_wrong_code_is_refused(cast):
    client = Client()
    client.cookies["django_language"] = "en"
    password_only(client, "provider-operator")
    wrong = f"{(int(current_code(cast.provider_operator)) + 1) % 1000000:06d}"
    page = client.post("/account/two-factor/", {"token": wrong}).content.decode()
    assert "The code is incorrect" in page
    assert client.get("/api/contracts/").status_code == 403


def test_a_vendor_signs_in_with_a_password_alone(cast):
    client = Client()
    password_only(client, "vendor-a")
    assert client.get("/api/systems/").status_code == 200


def test_the_first_sign_in_enrols_an_authenticator(cast):
    TOTPDevice.objects.filter(user=cast.purchaser_admin).delete()
    client = Client()
    client.cookies["django_language"] = "en"
    password_only(client, "purchaser-admin")
    page = client.get("/account/two-factor/").content.decode()
    assert "<svg" in page and "Key" in page
    device = TOTPDevice.objects.get(user=cast.purchaser_admin, confirmed=False)
    code = f"{totp(device.bin_key):06d}"
    client.post("/account/two-factor/", {"token": code})
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/api/contracts/").status_code == 200


def test_a_password_alone_cannot_change_the_password_of_a_second_factor_account(cast):
    client = Client()
    password_only(client, "provider-operator")
    before = cast.provider_operator.password
    page = client.get("/account/password/")
    assert page.status_code == 302 and page["Location"].startswith("/account/two-factor/")
    response = client.post("/account/password/", {
        "old_password": PASSWORD, "new_password1": "Another-Secret-2026",
        "new_password2": "Another-Secret-2026"})
    assert response["Location"].startswith("/account/two-factor/")
    cast.provider_operator.refresh_from_db()
    assert cast.provider_operator.password == before


def test_an_initial_password_is_changed_after_the_second_factor(cast):
    cast.provider_operator.must_change_password = True
    cast.provider_operator.save(update_fields=["must_change_password"])
    client = Client()
    password_only(client, "provider-operator")
    assert client.get("/account/password/")["Location"].startswith("/account/two-factor/")
    client.post("/account/two-factor/", {"token": current_code(cast.provider_operator)})
    assert client.get("/account/password/").status_code == 200
    assert client.get("/api/contracts/").status_code == 403
    response = client.post("/account/password/", {
        "old_password": PASSWORD, "new_password1": "Another-Secret-2026",
        "new_password2": "Another-Secret-2026"})
    assert response.status_code == 302
    assert client.get("/api/contracts/").status_code == 200
