"""Every way a request, a decision or a use is refused (C-18)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from govcloud.access import services
from govcloud.access.models import AccessRequest, AccessUse
from govcloud.access.tests.conftest import ask
from govcloud.audit.models import AuditEvent


@pytest.fixture(autouse=True)
def in_english():
    """The services speak the active language; these tests read their English messages."""
    with translation.override("en"):
        yield


def use(access_request, actor):
    return services.record_access_use(access_request, actor=actor, action="查看")


def move_window(access_request, start, end):
    AccessRequest.objects.filter(pk=access_request.pk).update(window_start=start, window_end=end)
    access_request.refresh_from_db()


@pytest.mark.parametrize("role", ["purchaser_admin", "purchaser_staff", "vendor_a",
                                  "supervisor", "audit_admin", "outsider"])
def test_only_a_provider_on_the_contract_may_request_access(cast, role):
    with pytest.raises(PermissionDenied):
        ask(cast, actor=getattr(cast, role))


def test_it_refuses_a_window_that_ends_before_it_starts(cast):
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        ask(cast, start=now + timedelta(hours=2), end=now + timedelta(hours=1))
    assert "window_end" in refused.value.message_dict


def test_it_refuses_a_window_that_has_already_ended(cast):
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        ask(cast, start=now - timedelta(hours=2), end=now - timedelta(hours=1))
    assert refused.value.message_dict == {"window_end": ["The window must end in the future."]}


def test_it_refuses_a_system_of_another_contract(cast):
    before = AccessRequest.objects.count()
    with pytest.raises(ValidationError) as refused:
        ask(cast, systems=[cast.system_a1, cast.system_b1])
    assert "systems" in refused.value.message_dict
    assert AccessRequest.objects.count() == before


@pytest.mark.parametrize("role", ["provider_operator", "provider_manager", "purchaser_staff",
                                  "supervisor", "outsider"])
def test_only_the_purchaser_admin_of_the_contract_decides(cast, pending, role):
    with pytest.raises(PermissionDenied):
        services.decide_access(pending, actor=getattr(cast, role), approve=True)


def test_a_request_cannot_be_decided_twice(cast, approved):
    with pytest.raises(ValidationError, match="is Approved now; this step is not possible"):
        services.decide_access(approved, actor=cast.purchaser_admin, approve=False)


def test_only_the_purchaser_admin_revokes(cast, approved):
    with pytest.raises(PermissionDenied):
        services.revoke_access(approved, actor=cast.provider_manager)


def test_a_use_is_refused_before_the_window_starts(cast):
    now = timezone.now()
    later = ask(cast, start=now + timedelta(hours=1), end=now + timedelta(hours=2))
    services.decide_access(later, actor=cast.purchaser_admin, approve=True)
    with pytest.raises(ValidationError, match="not started"):
        use(later, cast.provider_operator)


def test_a_use_is_refused_after_the_window_ends(cast, approved):
    now = timezone.now()
    move_window(approved, now - timedelta(days=2), now - timedelta(seconds=1))
    assert approved.state == "expired"
    with pytest.raises(ValidationError, match="has ended"):
        use(approved, cast.provider_operator)


def test_a_use_is_refused_after_revocation(cast, approved):
    services.revoke_access(approved, actor=cast.purchaser_admin)
    with pytest.raises(ValidationError, match="Revoked"):
        use(approved, cast.provider_operator)


def test_a_use_is_refused_while_pending_and_when_refused(cast, pending):
    with pytest.raises(ValidationError, match="Pending"):
        use(pending, cast.provider_operator)
    services.decide_access(pending, actor=cast.purchaser_admin, approve=False, note="不同意")
    with pytest.raises(ValidationError, match="Refused"):
        use(pending, cast.provider_operator)


@pytest.mark.parametrize("role", ["vendor_a", "purchaser_admin", "purchaser_staff",
                                  "supervisor", "outsider"])
def test_a_use_by_anyone_but_a_provider_is_refused_and_logged_as_denied(cast, approved, role):
    with pytest.raises(PermissionDenied):
        use(approved, getattr(cast, role))
    assert not AccessUse.objects.filter(request=approved).exists()
    denied = AuditEvent.objects.filter(action="access.use", outcome="denied").get()
    assert denied.actor_username == getattr(cast, role).username


def test_pages_refuse_a_decision_by_the_provider_and_a_second_decision(cast, client_for,
                                                                      approved, settings):
    url = f"/access/{approved.pk}/decide/"
    assert client_for(cast.provider_operator).post(url, {"decision": "refuse"}).status_code == 403
    admin = client_for(cast.purchaser_admin)
    admin.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = admin.post(url, {"decision": "refuse"})
    assert response.status_code == 400
    assert "is Approved now; this step is not possible" in response.content.decode()


def test_the_request_form_names_the_field_of_each_error(cast, client_for, settings):
    client = client_for(cast.provider_operator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    now = timezone.now()
    html = client.post("/access/new/", {
        "contract": cast.contract_a.pk, "systems": [cast.system_a1.pk], "purpose": "x",
        "scope": "", "window_start": timezone.localtime(now + timedelta(hours=3)).isoformat(),
        "window_end": timezone.localtime(now + timedelta(hours=1)).isoformat(),
    }).content.decode()
    assert "Scope: This field is required." in html
    html = client.post("/access/new/", {
        "contract": cast.contract_a.pk, "systems": [cast.system_a1.pk], "purpose": "x",
        "scope": "y", "window_start": timezone.localtime(now + timedelta(hours=3)).isoformat(),
        "window_end": timezone.localtime(now + timedelta(hours=1)).isoformat(),
    }).content.decode()
    assert "Window end: The window must end after it starts." in html


@pytest.mark.parametrize("role", ["vendor_a", "purchaser_staff", "supervisor"])
def test_the_request_form_sends_non_providers_back_to_the_list(cast, client_for, role):
    response = client_for(getattr(cast, role)).get("/access/new/")
    assert response.status_code == 302 and response["Location"] == "/access/"


def test_the_access_pages_are_not_the_audit_admins(cast, client_for):
    client = client_for(cast.audit_admin)
    assert client.get("/access/new/").status_code == 404
    assert client.get("/access/").status_code == 404


def test_the_api_refuses_writes_by_read_only_roles_and_hides_other_tenants(cast, client_for,
                                                                          pending):
    body = {"approve": True}
    for role in ("supervisor", "provider_operator"):
        response = client_for(getattr(cast, role)).post(
            f"/api/access-requests/{pending.pk}/decide/", body, content_type="application/json")
        assert response.status_code == 403, role
    for role in ("outsider", "audit_admin", "vendor_a"):
        response = client_for(getattr(cast, role)).post(
            f"/api/access-requests/{pending.pk}/decide/", body, content_type="application/json")
        assert response.status_code == 404, role
    response = client_for(cast.supervisor).post("/api/access-requests/", {
        "contract": cast.contract_a.pk, "systems": [cast.system_a1.pk], "purpose": "x",
        "scope": "y", "window_start": timezone.now().isoformat(),
        "window_end": (timezone.now() + timedelta(hours=1)).isoformat(),
    }, content_type="application/json")
    assert response.status_code == 403


def test_the_api_treats_another_tenants_contract_as_unknown(cast, client_for):
    response = client_for(cast.provider_operator).post("/api/access-requests/", {
        "contract": cast.contract_b.pk, "systems": [cast.system_b1.pk], "purpose": "x",
        "scope": "y", "window_start": timezone.now().isoformat(),
        "window_end": (timezone.now() + timedelta(hours=1)).isoformat(),
    }, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"contract", "systems"}


def test_the_api_refuses_a_window_ending_before_it_starts_naming_the_field(cast, client_for):
    now = timezone.now()
    response = client_for(cast.provider_operator).post("/api/access-requests/", {
        "contract": cast.contract_a.pk, "systems": [cast.system_a1.pk], "purpose": "x",
        "scope": "y", "window_start": (now + timedelta(hours=2)).isoformat(),
        "window_end": (now + timedelta(hours=1)).isoformat(),
    }, content_type="application/json")
    assert response.status_code == 400 and "window_end" in response.json()


def test_the_page_offers_a_use_only_inside_the_approved_window(cast, client_for, approved):
    provider = client_for(cast.provider_operator)
    assert 'name="use-action"' in provider.get(f"/access/{approved.pk}/").content.decode()
    now = timezone.now()
    move_window(approved, now - timedelta(days=2), now - timedelta(seconds=1))
    assert 'name="use-action"' not in provider.get(f"/access/{approved.pk}/").content.decode()
    move_window(approved, now + timedelta(hours=1), now + timedelta(hours=2))
    assert 'name="use-action"' not in provider.get(f"/access/{approved.pk}/").content.decode()
