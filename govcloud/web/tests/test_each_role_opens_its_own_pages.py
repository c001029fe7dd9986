"""The menu offers each role its own pages; platform administrators are refused the rest,
the supervisor has no work queue, and a refusal says whom to ask in words that fit."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from govcloud.lib.roles import Role
from govcloud.web.pages import MENU, PLATFORM_ADMIN_PAGES, may_open

DOMAIN_LISTS = ["host-list", "change-request-list", "change-queue", "allocation", "ledger",
                "kpi-dashboard", "maintenance-list", "telemetry-source-list",
                "access-request-list", "credential-list"]


def menu_of(client) -> list[str]:
    html = client.get(reverse("my-account")).content.decode()
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S).group(0)
    return re.findall(r'href="([^"]+)"', nav)


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize("role", ["system_admin", "security_admin", "audit_admin"])
def test_a_platform_admin_is_refused_every_domain_list(role, cast, client_for):
    client = client_for(getattr(cast, role))
    for name in DOMAIN_LISTS:
        assert client.get(reverse(name)).status_code == 404, name


def test_the_system_admin_keeps_the_lists_it_scopes_accounts_with(cast, client_for):
    client = client_for(cast.system_admin)
    for name in ("account-list", "contract-list", "system-list"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("system-detail", args=[cast.system_a1.pk])).status_code == 200
    assert client.get(reverse("system-edit", args=[cast.system_a1.pk])).status_code == 404
    assert menu_of(client) == [reverse(name) for name in (
        "contract-list", "system-list", "account-list", "api:docs")]


def test_the_security_and_audit_admins_see_only_their_work(cast, client_for):
    security = client_for(cast.security_admin)
    assert security.get(reverse("contract-list")).status_code == 404
    assert security.get(reverse("security-policy")).status_code == 200
    assert menu_of(security) == [reverse(name) for name in (
        "account-list", "security-policy", "api:docs")]
    audit = client_for(cast.audit_admin)
    assert audit.get(reverse("system-list")).status_code == 404
    assert audit.get(reverse("audit-event-list")).status_code == 200
    assert menu_of(audit) == [reverse("audit-event-list"), reverse("api:docs")]


def test_platform_admins_keep_their_own_account_and_the_api(cast, client_for):
    for role in ("system_admin", "security_admin", "audit_admin"):
        client = client_for(getattr(cast, role))
        assert client.get(reverse("my-account")).status_code == 200, role
        assert client.get(reverse("account-password")).status_code == 200, role
        assert client.get("/api/contracts/").status_code == 200, role


def test_every_menu_entry_of_every_role_opens(cast, client_for):
    for person in cast.people().values():
        if person.role in PLATFORM_ADMIN_PAGES or person.username == "outsider":
            continue
        client = client_for(person)
        for url in menu_of(client):
            assert client.get(url, follow=True).status_code == 200, (person.username, url)


def test_the_table_names_only_pages_that_exist():
    for item in MENU:
        reverse(item.url_name)
    assert may_open(Role.SUPERVISOR, "change-queue")  # the queue view refuses it itself
    assert not may_open(Role.AUDIT_ADMIN, "contract-list")


def test_the_supervisor_has_no_work_queue(cast, client_for):
    client = client_for(cast.supervisor)
    assert reverse("change-queue") not in menu_of(client)
    assert reverse("change-request-list") in menu_of(client)
    assert client.get(reverse("change-queue")).status_code in (403, 404)
    operator = client_for(cast.provider_operator)
    assert reverse("change-queue") in menu_of(operator)


def test_a_refusal_tells_the_purchaser_admin_whom_to_ask(cast, client_for):
    client = english(client_for(cast.purchaser_admin))
    response = client.get(reverse("telemetry-source-create"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your role (Purchaser admin) may not do this." in html
    assert "ask the purchaser admin" not in html
    assert "ask the security administrator" in html


def test_a_refusal_sends_purchaser_staff_to_their_purchaser_admin(cast, client_for):
    client = client_for(cast.purchaser_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.get(reverse("telemetry-source-create"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "您的角色（采购人业务人员）无权进行此操作。" in html
    assert "请联系本合同的采购人管理员" in html
