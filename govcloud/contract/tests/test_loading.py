"""Loading contract files into the database: versions, idempotence and all-or-nothing."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from govcloud.contract.contract_file import ContractFileError, bundled_contract_path
from govcloud.contract.models import CatalogItem, Contract, ContractVersion, Organization
from govcloud.contract.services import load_contract
from govcloud.inventory.models import ApplicationSystem
from govcloud.testing.cast import OTHER_CONTRACT_PATH

pytestmark = pytest.mark.django_db


def bundled_text() -> str:
    return bundled_contract_path().read_text(encoding="utf-8")


def write(tmp_path, text: str, name: str = "contract.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def database_snapshot() -> dict:
    return {
        "contracts": list(Contract.objects.values_list("code", flat=True)),
        "versions": list(ContractVersion.objects.values_list("contract__code", "number",
                                                             "is_current")),
        "catalog": CatalogItem.objects.count(),
        "systems": list(ApplicationSystem.objects.values_list("label", flat=True)),
        "organizations": Organization.objects.count(),
    }


def test_loading_the_bundled_contract_stores_its_figures():
    result = load_contract(bundled_contract_path())
    version = result.version
    assert result.outcome == "created"
    assert version.total_including_tax == Decimal("3887026.00")
    assert version.total_excluding_tax == Decimal("3667005.66")
    milestones = list(version.paymentmilestones.values_list("amount", flat=True))
    assert milestones == [Decimal("2720918.20"), Decimal("1166107.80")]
    assert sum(milestones) == version.total_including_tax
    assert version.catalogitems.count() == 14
    assert version.kpis.exclude(number="availability").count() == 14
    assert result.contract.systems.count() == 27


def test_rows_16_and_27_are_two_systems_and_the_duplicate_is_reported():
    result = load_contract(bundled_contract_path())
    rows = dict(result.contract.systems.values_list("contract_row", "label"))
    assert rows[16] == "应用开发与管理平台"
    assert rows[27] == "应用开发与管理平台（第27行）"
    assert result.contract.systems.get(contract_row=27).duplicate_of_row == 16
    assert [(f["row"], f["duplicate_of_row"]) for f in result.version.findings] == [(27, 16)]


def test_kpi_1_targets_the_contract_amount_in_ten_thousand_yuan():
    version = load_contract(bundled_contract_path()).version
    assert version.kpis.get(number="1").effective_target == Decimal("388.7026")


def test_loading_the_same_file_twice_changes_nothing():
    load_contract(bundled_contract_path())
    before = database_snapshot()
    second = load_contract(bundled_contract_path())
    assert second.outcome == "unchanged"
    assert database_snapshot() == before


def test_a_change_of_comments_only_is_not_a_new_version(tmp_path):
    load_contract(bundled_contract_path())
    path = write(tmp_path, "# reformatted copy\n" + bundled_text().replace("#", "# note:"))
    assert load_contract(path).outcome == "unchanged"


def test_an_amended_file_stores_a_new_version_and_keeps_the_old_one(tmp_path):
    first = load_contract(bundled_contract_path()).version
    amended = bundled_text().replace(
        "signed_on: \"2025-07-29\"\n",
        "signed_on: \"2025-07-29\"\n  amendment: {title: 补充协议一, signed_on: \"2025-10-15\"}\n",
        1,
    ).replace("unit: 核, unit_en: core, quantity: 1400", "unit: 核, unit_en: core, quantity: 1600")
    result = load_contract(write(tmp_path, amended))
    assert result.outcome == "amended"
    assert result.version.number == 2
    assert result.version.amendment_title == "补充协议一"
    assert result.version.catalogitems.get(number=1).quantity == 1600
    first.refresh_from_db()
    assert not first.is_current
    assert first.catalogitems.get(number=1).quantity == 1400
    assert result.contract.current_version == result.version
    assert result.contract.systems.count() == 27


def test_a_system_dropped_by_an_amendment_is_kept_but_no_longer_listed(tmp_path):
    load_contract(bundled_contract_path())
    amended = bundled_text().replace("  - {row: 26, name: 京企查}\n", "")
    contract = load_contract(write(tmp_path, amended)).contract
    dropped = contract.systems.get(contract_row=26)
    assert not dropped.listed_in_contract
    assert contract.systems.filter(listed_in_contract=True).count() == 26


def test_a_bad_file_leaves_the_database_as_it_was(tmp_path):
    load_contract(bundled_contract_path())
    before = database_snapshot()
    broken = bundled_text().replace("percent: 30\n", "percent: 20\n").replace(
        "quantity: 1400", "quantity: 1600")
    with pytest.raises(ContractFileError):
        load_contract(write(tmp_path, broken))
    assert database_snapshot() == before


def test_the_load_command_reports_every_problem_with_file_and_field(tmp_path):
    broken = bundled_text().replace("percent: 30\n", "percent: 20\n").replace(
        "total_excluding_tax: 3667005.66", "total_excluding_tax: 3667005.00")
    path = write(tmp_path, broken, "broken.yaml")
    with pytest.raises(CommandError) as raised:
        call_command("contract", "load", str(path))
    message = str(raised.value)
    assert f"{path}: payments: the milestones add up to 70% + 20% = 90%, not 100%" in message
    assert f"{path}: money.total_excluding_tax: ¥3,667,005.00 disagrees" in message
    assert Contract.objects.count() == 0


def test_a_shape_problem_is_reported_with_its_field_path(tmp_path):
    path = write(tmp_path, bundled_text().replace("quantity: 1400}", "quantity: -5}"))
    with pytest.raises(CommandError, match=r"catalog\[0\]\.quantity: -5 is out of range"):
        call_command("contract", "load", str(path))
    assert Contract.objects.count() == 0


def test_the_show_command_prints_the_money_schedule_catalog_and_kpis(capsys):
    call_command("contract", "load", str(bundled_contract_path()))
    capsys.readouterr()
    call_command("contract", "show", "--language", "en")
    shown = capsys.readouterr().out
    for figure in ("¥3,887,026.00", "¥3,667,005.66", "¥2,720,918.20", "¥1,166,107.80",
                   "due 15 working days after receipt of the invoice",
                   "due 15 working days after acceptance and receipt of the invoice",
                   "30 days before end of the term — 2025-12-01",
                   "10 working days after end of the term — 2026-01-15"):
        assert figure in shown
    catalog = shown.split("Service catalog")[1].split("KPIs")[0]
    assert catalog.count("\n  ") == 14
    for quantity in ("1400 core", "2000 GB", "7840 GB", "23500 GB", "30000 GB", "5 IP",
                     "35 account", "300 account", "260 host", "50 host", "100 host", "15 set",
                     "1 set"):
        assert quantity in catalog
    kpis = shown.split("KPIs")[1].split("Hosted systems")[0]
    assert [line.split(".")[0].strip() for line in kpis.strip().splitlines()] == [
        *map(str, range(1, 15)), "availability"]


def test_the_show_command_prints_an_older_version(tmp_path, capsys):
    load_contract(bundled_contract_path())
    load_contract(write(tmp_path, bundled_text().replace("quantity: 1400", "quantity: 1600")))
    capsys.readouterr()
    call_command("contract", "show", "bj-sasac-2025", "--contract-version", "1", "--language", "en")
    assert "1400 core" in capsys.readouterr().out
    with pytest.raises(CommandError, match="has no version 7"):
        call_command("contract", "show", "bj-sasac-2025", "--contract-version", "7")


def test_the_show_command_refuses_an_unknown_contract():
    with pytest.raises(CommandError, match="no contract with id or code 'nope'"):
        call_command("contract", "show", "nope")


def test_the_list_command_lists_every_contract(capsys):
    call_command("contract", "load", str(bundled_contract_path()))
    capsys.readouterr()
    call_command("contract", "list")
    listed = capsys.readouterr().out
    assert "bj-sasac-2025" in listed and "¥3,887,026.00" in listed


def test_the_check_command_stores_nothing(capsys):
    call_command("contract", "check", str(bundled_contract_path()))
    assert "ok: bj-sasac-2025" in capsys.readouterr().out
    assert Contract.objects.count() == 0


def test_a_deadline_in_a_year_the_calendar_does_not_know_is_explained_not_guessed(
    tmp_path, capsys
):
    text = OTHER_CONTRACT_PATH.read_text(encoding="utf-8")
    acceptance = "acceptance:\n  due: {working_days: 10, after: [term_end]}\n"
    text = re.sub(r"acceptance:\n  due: \{[^}]*\}\n", acceptance, text)
    assert acceptance in text
    contract = load_contract(write(tmp_path, text)).contract
    capsys.readouterr()
    call_command("contract", "show", contract.code, "--language", "en")
    shown = capsys.readouterr().out
    assert "working-day calendar for 2027 is not known" in shown
    assert "upgrade the chinesecalendar package" in shown
