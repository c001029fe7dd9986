"""Every response carries the security headers; cookies, CSRF and escaping hold."""

from __future__ import annotations

import runpy

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from govcloud.lib.env import ConfigurationError
from govcloud.testing.cast import PASSWORD
from govcloud.web.middleware import PERMISSIONS_POLICY

# The order of directives in the header is django-csp's, so they are compared as a set.
CSP = {
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'",
}
HEADERS = {
    "Permissions-Policy": PERMISSIONS_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def assert_hardened(response) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    assert {directive.strip() for directive in policy.split(";")} == CSP
    for header, value in HEADERS.items():
        assert response.headers.get(header) == value, header


def test_the_login_page_carries_every_header(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert_hardened(response)


def test_a_page_carries_every_header(cast, client_for):
    response = client_for(cast.purchaser_admin).get(reverse("system-list"))
    assert response.status_code == 200
    assert_hardened(response)


def test_an_api_response_carries_every_header(cast, client_for):
    response = client_for(cast.purchaser_admin).get(reverse("api:me"))
    assert response.status_code == 200
    assert_hardened(response)


def test_the_api_docs_page_carries_every_header_and_no_inline_script(cast, client_for):
    client = client_for(cast.purchaser_admin)
    page = client.get(reverse("api:docs"))
    assert page.status_code == 200
    assert_hardened(page)
    html = page.content.decode()
    assert "<script>" not in html and "<style>" not in html
    script = client.get(reverse("api:docs") + "?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_a_post_without_a_csrf_token_is_refused(cast):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "vendor-a", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_post_with_the_csrf_token_signs_in(cast):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(reverse("login"), {
        "username": "vendor-a", "password": PASSWORD, "csrfmiddlewaretoken": token,
    })
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.vendor_a.pk)


def test_an_api_write_with_a_session_and_no_csrf_token_is_refused(cast, client_for):
    client = client_for(cast.purchaser_admin)
    client.handler.enforce_csrf_checks = True
    response = client.post(reverse("api:system-list"), {}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_the_session_and_csrf_cookies_are_out_of_scripts_reach(cast):
    client = Client()
    client.get(reverse("login"))
    client.post(reverse("login"), {"username": "vendor-a", "password": PASSWORD})
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Strict"


def test_a_system_label_with_markup_is_escaped_on_the_system_list(cast, client_for):
    cast.system_a1.label = "<script>alert(1)</script>"
    cast.system_a1.save(update_fields=["label"])
    response = client_for(cast.purchaser_admin).get(reverse("system-list"))
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def settings_with(monkeypatch, **environment) -> dict:
    """Return the settings module's names as read with these environment variables."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(settings.PACKAGE_DIR / "settings.py")


def test_plain_http_by_default_has_no_redirect_and_no_hsts(monkeypatch):
    monkeypatch.delenv("GOVCLOUD_SECURE_COOKIES", raising=False)
    names = settings_with(monkeypatch)
    assert "SECURE_SSL_REDIRECT" not in names
    assert "SECURE_HSTS_SECONDS" not in names
    assert names["REST_FRAMEWORK"]["DEFAULT_THROTTLE_RATES"] == {
        "anon": "60/minute", "user": "600/minute", "telemetry_push": "600/minute",
    }


def test_secure_cookies_turn_on_https_redirect_and_hsts(monkeypatch):
    names = settings_with(monkeypatch, GOVCLOUD_SECURE_COOKIES="true",
                          GOVCLOUD_HSTS_SECONDS="600")
    assert names["SESSION_COOKIE_SECURE"] and names["CSRF_COOKIE_SECURE"]
    assert names["SECURE_SSL_REDIRECT"] is True
    assert names["SECURE_HSTS_SECONDS"] == 600
    assert names["SECURE_HSTS_SECONDS"] and not names["SECURE_HSTS_INCLUDE_SUBDOMAINS"]


def test_https_requests_get_hsts_in_production(cast, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    client = Client()
    assert client.get(reverse("login")).status_code == 301
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.parametrize("variable, value", [
    ("GOVCLOUD_API_RATE_USER", "lots"),
    ("GOVCLOUD_API_RATE_ANON", "0/minute"),
    ("GOVCLOUD_API_RATE_ANON", "10/fortnight"),
    ("GOVCLOUD_HSTS_SECONDS", "a year"),
])
def test_a_bad_hardening_value_stops_govcloud(monkeypatch, variable, value):
    monkeypatch.setenv("GOVCLOUD_SECURE_COOKIES", "true")
    with pytest.raises(ConfigurationError, match=variable):
        settings_with(monkeypatch, **{variable: value})



def test_not_found_and_not_permitted_pages_keep_the_layout_and_language(cast, client_for):
    staff = client_for(cast.purchaser_staff)
    missing = staff.get(f"/systems/{cast.system_a2.pk}/")
    assert missing.status_code == 404
    page = missing.content.decode()
    assert "未找到" in page and "mainnav" in page
    supervisor = client_for(cast.supervisor)
    supervisor.cookies["django_language"] = "en"
    refused = supervisor.post(f"/systems/{cast.system_a1.pk}/edit/")
    assert refused.status_code == 403
    assert "Not permitted" in refused.content.decode()
