"""Whatever text the log holds, the exports stay files a spreadsheet opens safely."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook

from govcloud.audit.models import AuditEvent
from govcloud.lib.roles import Role
from govcloud.lib.sheets import REPLACEMENT_CHARACTER

BELL_NAME = "Bell\x07Ringer\x1b[31m"
SHOWN_NAME = f"Bell{REPLACEMENT_CHARACTER}Ringer{REPLACEMENT_CHARACTER}[31m"


@pytest.fixture
def bell_account(cast):
    """An account whose display name holds control characters, created by the command."""
    call_command("account", "create", "bell-ringer", "--role", Role.SUPERVISOR,
                 "--display-name", BELL_NAME, "--as", cast.system_admin.username,
                 stdout=io.StringIO())
    return AuditEvent.objects.get(action="account.create", target_repr=BELL_NAME)


def _target_cell(content: bytes):
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows())
    headings = [cell.value for cell in rows[0]]
    return next(row[headings.index("Target")] for row in rows[1:]
                if row[headings.index("Action")].value == "account.create")


def test_the_command_exports_a_logged_control_character_as_a_visible_mark(bell_account,
                                                                          tmp_path):
    output = tmp_path / "audit.xlsx"
    with translation.override("en"):
        call_command("audit", "export", "--format", "xlsx", "--output", str(output),
                     "--action", "account.create", stdout=io.StringIO())
    assert _target_cell(output.read_bytes()).value == SHOWN_NAME


def test_the_export_page_exports_a_logged_control_character_as_a_visible_mark(
    cast, client_for, bell_account
):
    client = client_for(cast.audit_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/audit/export.xlsx?action=account.create")
    assert response.status_code == 200
    assert _target_cell(response.content).value == SHOWN_NAME


def test_the_csv_export_keeps_the_logged_text_as_it_is(cast, client_for, bell_account):
    client = client_for(cast.audit_admin)
    response = client.get("/audit/export.csv?action=account.create")
    assert BELL_NAME in response.content.decode("utf-8-sig")


@pytest.mark.parametrize("name", ["=1+2", "+1", "-1", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_formula_like_text_is_exported_as_quoted_text(cast, client_for, name):
    call_command("account", "create", "formula", "--role", Role.SUPERVISOR,
                 "--display-name", name, "--as", cast.system_admin.username,
                 stdout=io.StringIO())
    client = client_for(cast.audit_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    cell = _target_cell(client.get("/audit/export.xlsx?action=account.create").content)
    assert (cell.data_type, cell.quotePrefix) == ("s", True)
    assert cell.value == name.replace("\r", "\n")  # an XML reader reads a bare CR as LF
