"""The account and security-policy pages are laid out like the others and offer only what
the service accepts."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def chinese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return client


def test_a_platform_admins_account_offers_no_scope_form(cast, client_for):
    client = chinese(client_for(cast.system_admin))
    html = client.get(reverse("account-detail", args=[cast.security_admin.pk])).content.decode()
    assert reverse("account-scope", args=[cast.security_admin.pk]) not in html
    assert "平台管理员不限定合同或系统范围" in html
    assert reverse("account-disable", args=[cast.security_admin.pk]) in html


def test_a_purchaser_staff_account_offers_its_scope_form(cast, client_for):
    client = chinese(client_for(cast.system_admin))
    html = client.get(reverse("account-detail", args=[cast.purchaser_staff.pk])).content.decode()
    assert reverse("account-scope", args=[cast.purchaser_staff.pk]) in html
    assert 'class="stacked"' in html
    assert cast.system_a1.label in html


def test_the_security_policy_is_a_styled_form_in_two_cards(cast, client_for):
    html = chinese(client_for(cast.security_admin)).get(reverse("security-policy")).content.decode()
    assert '<form method="post" class="stacked">' in html
    assert html.count('<section class="card">') == 2
    assert "<h2>密码</h2>" in html and "<h2>登录与会话</h2>" in html
    assert html.count('class="field') == 7


def test_my_account_shows_the_account_and_a_change_password_button(cast, client_for):
    html = chinese(client_for(cast.purchaser_staff)).get(reverse("my-account")).content.decode()
    assert f'<a class="button" href="{reverse("account-password")}">' in html
    assert "<dt>应用系统</dt>" in html and cast.system_a1.label in html
    assert "采购人业务人员" in html
