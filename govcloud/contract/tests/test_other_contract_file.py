"""A second, invented contract reads with its own figures: nothing of Beijing 2025 is built in."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from govcloud.contract.contract_file import bundled_contract_path, read_contract_file
from govcloud.lib.money import excluding_tax_agrees

FIXTURE = Path(__file__).parent / "fixtures" / "other-agency-2026.yaml"


@pytest.fixture(scope="module")
def document():
    return read_contract_file(FIXTURE)


@pytest.fixture(scope="module")
def data(document):
    return document.data


def test_it_reads_as_the_qinghe_district_contract_of_2026(document):
    assert document.code == "qinghe-data-2026"
    assert document.data["identity"]["contract_number"] == "QHSJ 2026-015"
    assert document.data["identity"]["signed_on"] == "2026-01-20"
    assert document.data["parties"]["purchaser"]["name"] == "临川市青河区数据资源管理局"
    assert document.data["parties"]["provider"]["name"] == "澄明数智云服务有限公司"


def test_its_term_is_the_rest_of_2026_without_a_transition(data):
    assert data["term"] == {"start": "2026-02-01", "end": "2026-12-31"}


def test_its_total_is_1234567_89_with_the_tax_exclusive_amount_within_a_fen(data):
    money = data["money"]
    assert money["total_including_tax"] == "1234567.89"
    assert money["total_excluding_tax"] == "1164686.69"
    assert excluding_tax_agrees(Decimal("1234567.89"), Decimal("1164686.69"), Decimal("0.06"))
    assert money["total_in_words"] == "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"


def test_its_three_milestones_split_the_leftover_fen_by_largest_remainder(data):
    """123456789 fen at 30/40/30 is 37037036.7 + 49382715.6 + 37037036.7 fen: the floors
    leave 2 fen, which go to the two shares with remainder .7, not to the 40 % share."""
    amounts = [payment["amount"] for payment in data["payments"]]
    assert amounts == ["370370.37", "493827.15", "370370.37"]
    assert sum(Decimal(amount) for amount in amounts) == Decimal("1234567.89")


def test_only_the_first_milestone_states_its_amount_and_it_agrees(data):
    assert [payment.get("stated_amount") for payment in data["payments"]] == [
        "370370.37", None, None]


def test_its_milestones_have_their_own_deadlines(data):
    assert [payment["due"] for payment in data["payments"]] == [
        {"working_days": 10, "after": ["signing", "invoice"]},
        {"working_days": 20, "after": ["invoice"]},
        {"days": 30, "after": ["acceptance", "invoice"]},
    ]


def test_its_acceptance_and_renewal_count_calendar_days_from_the_end_of_the_term(data):
    assert data["acceptance"]["due"] == {"days": 20, "after": ["term_end"]}
    assert data["renewal"]["due"] == {"days": 60, "before": ["term_end"]}


def test_its_five_systems_have_no_duplicates_and_give_no_findings(document):
    systems = document.data["systems"]
    assert [system["row"] for system in systems] == [1, 2, 3, 4, 5]
    assert [system["label"] for system in systems] == [
        "青河区一网通办平台", "基层治理综合信息系统", "区级数据共享交换平台",
        "12345 热线工单系统", "电子证照库",
    ]
    assert document.findings == []


def test_its_catalog_has_six_items_with_its_own_quantities(data):
    rows = [(item["number"], item["category"], item["meter"], item["unit_en"], item["quantity"])
            for item in data["catalog"]]
    assert rows == [
        (1, "compute", "vcpu", "core", 320),
        (2, "compute", "memory_gb", "GB", 640),
        (3, "storage", "performance_storage_gb", "GB", 12000),
        (4, "storage", "backup_gb", "GB", 20000),
        (5, "network", "vpn_account", "account", 40),
        (6, "security", "database_audit", "set", 3),
    ]


def target(kpi):
    return Decimal(str(kpi["target"])) if "target" in kpi else None


def test_its_kpis_have_their_own_rules_and_targets(data):
    rows = [(kpi["number"], kpi["rule"], target(kpi), kpi.get("target_date"))
            for kpi in data["kpis"]]
    assert rows == [
        (1, "ge", 60, None),
        (2, "le", 70, None),
        (3, "le", 15, None),
        (4, "done", None, None),
        (5, "by", None, "2026-12-15"),
        ("availability", "ge", Decimal("99.95"), None),
    ]
    assert data["kpis"][3]["obligation"] == "penetration_test"


def test_its_obligations_have_their_own_counts_and_limits(data):
    by_key = {item["key"]: item for item in data["obligations"]}
    assert list(by_key) == ["vulnerability_scan", "penetration_test", "restore_drill",
                            "notice_network_cut", "return_confidential_material"]
    assert (by_key["vulnerability_scan"]["min_count"], by_key["vulnerability_scan"]["per"]) == (
        2, "year")
    assert (by_key["restore_drill"]["min_count"], by_key["restore_drill"]["per"]) == (1, "quarter")
    assert by_key["notice_network_cut"]["within"] == {"minutes": 30}
    assert by_key["notice_network_cut"]["channels"] == ["phone", "email"]
    assert by_key["return_confidential_material"]["due"] == {"days": 10,
                                                             "after": ["written_request"]}


def test_it_has_a_fingerprint_of_its_own(document):
    bundled = read_contract_file(bundled_contract_path())
    assert len(document.fingerprint) == 64
    assert document.fingerprint != bundled.fingerprint


def test_the_contract_check_command_accepts_it():
    output = StringIO()
    call_command("contract", "check", str(FIXTURE), stdout=output)
    assert output.getvalue() == "ok: qinghe-data-2026\n"
