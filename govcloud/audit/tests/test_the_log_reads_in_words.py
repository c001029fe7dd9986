"""The audit pages and exports show actions, roles and details in the reader's language,
not the codes the chain stores."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings

import govcloud
from govcloud.audit.presenters import ACTION_LABELS, action_label, detail_items
from govcloud.audit.services import record_event


@pytest.fixture
def second_factor_event(cast):
    return record_event("auth.second_factor", actor=cast.provider_operator,
                        details={"enrolled": False})


def page(client, url: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_log_lists_actions_as_words_in_chinese_and_english(cast, client_for,
                                                               second_factor_event):
    record_event("auth.login", actor=cast.audit_admin)
    client = client_for(cast.audit_admin)
    chinese = page(client, "/audit/", "zh-hans")
    assert "第二重身份验证" in chinese and ">auth.second_factor<" not in chinese
    assert ">登录<" in chinese and "登录时间" not in chinese  # the action, not a column
    english = page(client, "/audit/", "en")
    assert ">Second factor<" in english


def test_a_record_shows_its_details_and_the_actors_role_as_words(cast, client_for,
                                                                second_factor_event):
    client = client_for(cast.audit_admin)
    chinese = page(client, f"/audit/{second_factor_event.pk}/", "zh-hans")
    assert "enrolled" not in chinese and "False" not in chinese
    assert "新绑定身份验证器" in chinese and "<dd>否</dd>" in chinese
    assert "服务商运维人员" in chinese and "provider_operator" not in chinese
    english = page(client, f"/audit/{second_factor_event.pk}/", "en")
    assert "Authenticator newly enrolled" in english and "<dd>No</dd>" in english
    assert "(Provider operator)" in english


def test_every_filter_of_the_log_is_labelled_in_chinese_even_after_an_english_page(
        cast, client_for):
    client = client_for(cast.audit_admin)
    page(client, "/audit/", "en")
    chinese = page(client, "/audit/", "zh-hans")
    labels = re.findall(r'<label for="id_[a-z_]+">([^<]*)</label>', chinese)
    assert labels == ["搜索", "操作人", "操作", "结果", "起始日期", "截止日期"]


def test_the_csv_export_names_actions_and_roles_in_the_readers_language(
        cast, client_for, second_factor_event):
    client = client_for(cast.audit_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get("/audit/export.csv?action=auth.second_factor").content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Action"] == "auth.second_factor"  # the code stays, for filtering
    assert row["What happened"] == "Second factor"
    assert row["Actor role"] == "Provider operator"
    assert row["Outcome"] == "Success"


def test_a_role_change_reads_as_the_two_roles(cast):
    items = dict(detail_items({"from": "purchaser_staff", "to": "app_vendor"}))
    assert items == {"From": "Purchaser staff", "To": "Application vendor"}


def test_an_action_without_a_label_is_shown_as_its_code():
    assert action_label("something.new") == "something.new"


def test_every_action_the_code_records_has_a_label():
    recorded = set()
    for path in Path(govcloud.__file__).parent.rglob("*.py"):
        if "tests" in path.parts or "testing" in path.parts:
            continue
        text = path.read_text()
        recorded |= set(re.findall(r'record_event\(\s*"([a-z_.]+)"', text))
        recorded |= set(re.findall(r'_event\(\s*"([a-z_.]+)"', text))
    missing = sorted(recorded - set(ACTION_LABELS))
    assert not missing, f"add these actions to govcloud/audit/presenters.py: {missing}"
