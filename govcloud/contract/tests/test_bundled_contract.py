"""The bundled Beijing SASAC 2025 contract carries every figure of the brief (C-1 … C-8)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govcloud.contract.contract_file import bundled_contract_path, read_contract_file


@pytest.fixture(scope="module")
def document():
    return read_contract_file(bundled_contract_path())


@pytest.fixture(scope="module")
def data(document):
    return document.data


def number(value) -> Decimal:
    return Decimal(str(value))


def test_the_bundled_file_is_the_beijing_sasac_2025_contract(document):
    assert bundled_contract_path().name == "beijing-sasac-2025.yaml"
    assert document.source == str(bundled_contract_path())
    assert document.code == "bj-sasac-2025"
    assert document.data["format"] == "govcloud-contract/1"


def test_it_names_the_project_and_the_contract_c1(data):
    identity = data["identity"]
    assert identity["project_name"] == "市国资委政务云资源租用服务项目"
    assert identity["project_number"] == "0686-2511BE080986Z"
    assert identity["contract_number"] == "SXYSR 202506162"
    assert identity["signed_on"] == "2025-07-29"


def test_the_term_runs_from_signing_to_the_end_of_2025_then_transition_service_c1(data):
    term = data["term"]
    assert term["start"] == "2025-07-29"
    assert term["end"] == "2025-12-31"
    assert term["transition"]["start"] == "2026-01-01"
    assert term["transition"]["until"] == "市国资委完成市国资委政务云资源租用服务项目公开招标工作"


def test_the_parties_are_the_beijing_sasac_and_capinfo_cloud(data):
    assert data["parties"]["purchaser"]["name"] == "北京市人民政府国有资产监督管理委员会"
    assert data["parties"]["provider"]["name"] == "首信云技术有限公司"
    assert data["parties"]["supervisor"]["short_name"] == "市经信局"


def test_the_total_is_3887026_yuan_including_six_percent_vat_c2(data):
    money = data["money"]
    assert money["currency"] == "CNY"
    assert money["total_including_tax"] == "3887026.00"
    assert money["total_excluding_tax"] == "3667005.66"
    assert number(money["tax_rate_percent"]) == 6
    assert money["total_in_words"] == "叁佰捌拾捌万柒仟零贰拾陆元整"


def test_the_payments_are_70_and_30_percent_with_amounts_computed_to_the_fen_c3(data):
    payments = data["payments"]
    assert [payment["key"] for payment in payments] == ["first", "final"]
    assert [number(payment["percent"]) for payment in payments] == [70, 30]
    assert [payment["amount"] for payment in payments] == ["2720918.20", "1166107.80"]
    assert [payment["stated_amount"] for payment in payments] == ["2720918.20", "1166107.80"]
    assert sum(Decimal(payment["amount"]) for payment in payments) == Decimal("3887026.00")


def test_the_first_payment_is_due_15_working_days_after_the_invoice_c3(data):
    assert data["payments"][0]["due"] == {"working_days": 15, "after": ["invoice"]}


def test_the_final_payment_is_due_15_working_days_after_acceptance_and_invoice_c3(data):
    assert data["payments"][1]["due"] == {"working_days": 15, "after": ["acceptance", "invoice"]}


def test_acceptance_is_due_10_working_days_after_the_term_and_deemed_after_10_more_c4(data):
    assert data["acceptance"]["due"] == {"working_days": 10, "after": ["term_end"]}
    assert data["acceptance"]["deemed_accepted"] == {"working_days": 10,
                                                     "after": ["documents_received"]}


def test_renewal_must_be_confirmed_30_days_before_the_term_ends_c5(data):
    assert data["renewal"]["due"] == {"days": 30, "before": ["term_end"]}


def test_the_systems_table_has_27_rows_numbered_1_to_27_c6(data):
    systems = data["systems"]
    assert len(systems) == 27
    assert [system["row"] for system in systems] == list(range(1, 28))
    assert systems[0]["name"] == "“三重一大”决策和运行监管"
    assert systems[25]["name"] == "京企查"


def test_rows_16_and_27_both_name_the_application_development_platform_c6(data):
    systems = data["systems"]
    assert systems[15]["name"] == "应用开发与管理平台"
    assert systems[26]["name"] == "应用开发与管理平台"
    assert systems[26]["duplicate_of_row"] == 16
    assert systems[26]["stored_as"] == "separate"
    assert systems[15]["label"] == "应用开发与管理平台"
    assert systems[26]["label"] == "应用开发与管理平台（第27行）"


def test_every_system_gets_a_distinct_label_c6(data):
    labels = [system["label"] for system in data["systems"]]
    assert len(set(labels)) == 27


def test_the_duplicate_row_is_reported_as_a_finding_naming_both_rows_c6(document):
    assert document.findings == [
        {"kind": "duplicate_system_row", "row": 27, "duplicate_of_row": 16,
         "name": "应用开发与管理平台", "stored_as": "separate",
         "label": "应用开发与管理平台（第27行）"}
    ]


CATALOG = [
    (1, "compute", "core", 1400),
    (2, "compute", "GB", 2000),
    (3, "storage", "GB", 7840),
    (4, "storage", "GB", 23500),
    (5, "storage", "GB", 30000),
    (6, "network", "IP", 5),
    (7, "network", "account", 35),
    (8, "network", "account", 300),
    (9, "monitoring", "host", 260),
    (10, "monitoring", "host", 260),
    (11, "monitoring", "host", 50),
    (12, "monitoring", "host", 100),
    (13, "monitoring", "set", 15),
    (14, "other", "set", 1),
]


def test_the_catalog_has_the_14_items_of_the_brief_with_their_units_and_quantities_c7(data):
    rows = [(item["number"], item["category"], item["unit_en"], item["quantity"])
            for item in data["catalog"]]
    assert rows == CATALOG


def test_the_catalog_items_count_against_their_own_meters_c7(data):
    assert [item["meter"] for item in data["catalog"]] == [
        "vcpu", "memory_gb", "standard_storage_gb", "performance_storage_gb", "backup_gb",
        "load_balancer_ip", "remote_access_account", "vpn_account", "host_monitoring",
        "host_antivirus", "host_protection", "host_vulnerability_scan", "database_audit",
        "data_security_service",
    ]


def test_the_catalog_gives_no_unit_prices_c7(data):
    assert [item for item in data["catalog"] if "unit_price" in item] == []


def test_the_first_catalog_item_is_vcpu_of_at_least_2_4_ghz_c7(data):
    assert data["catalog"][0]["name_en"] == "x86 cloud host vCPU (≥2.4 GHz)"
    assert data["catalog"][0]["unit"] == "核"


KPI_TARGETS = [
    (1, "le", None),
    (2, "ge", 180),
    (3, "ge", 4),
    (4, "done", 1),
    (5, "le", 80),
    (6, "ge", 90),
    (7, "ge", 96),
    (8, "done", 1),
    (9, "le", 5),
    (10, "le", 5),
    (11, "done", None),
    (12, "by", None),
    (13, "done", None),
    (14, "ge", 92),
    ("availability", "ge", Decimal("99.9")),
]


def test_the_kpis_are_the_14_rows_and_the_availability_promise_with_rules_and_targets_c8(data):
    rows = [
        (kpi["number"], kpi["rule"], number(kpi["target"]) if "target" in kpi else None)
        for kpi in data["kpis"]
    ]
    assert rows == KPI_TARGETS


def test_kpi_1_caps_the_project_cost_at_the_contract_total_in_wan_yuan_c8(data):
    kpi = data["kpis"][0]
    assert kpi["measure"] == "project_cost"
    assert kpi["target_ref"] == "contract_total"
    assert kpi["unit"] == "万元"


def test_kpi_12_is_to_complete_the_project_by_the_end_of_2025_c8(data):
    kpi = data["kpis"][11]
    assert kpi["measure"] == "project_completion"
    assert kpi["target_date"] == "2025-12-31"


@pytest.mark.parametrize(
    ("index", "measure", "unit"),
    [(4, "host_utilization", "%"), (5, "host_availability", "%"),
     (6, "network_availability", "%"), (8, "fault_response_minutes", "分钟"),
     (9, "maintenance_response_minutes", "分钟"), (13, "customer_satisfaction", "%"),
     (14, "service_availability", "%")],
)
def test_the_measured_kpis_carry_their_units_c8(data, index, measure, unit):
    assert data["kpis"][index]["measure"] == measure
    assert data["kpis"][index]["unit"] == unit


def test_kpis_backed_by_recorded_work_point_at_their_obligations_c8(data):
    links = {kpi["number"]: kpi["obligation"] for kpi in data["kpis"] if "obligation" in kpi}
    assert links == {3: "vulnerability_scan", 4: "penetration_test", 13: "emergency_drill"}


def obligation(data, key):
    (found,) = [item for item in data["obligations"] if item["key"] == key]
    return found


@pytest.mark.parametrize(
    ("key", "min_count", "per"),
    [
        ("vulnerability_scan", 4, "year"),
        ("penetration_test", 1, "term"),
        ("emergency_drill", 1, "year"),
        ("security_training", 2, "year"),
        ("monthly_usage_report", 1, "month"),
    ],
)
def test_the_recurring_security_work_has_its_minimum_count_c14(data, key, min_count, per):
    item = obligation(data, key)
    assert item["kind"] == "recurring"
    assert item["min_count"] == min_count
    assert item["per"] == per


def test_restore_drills_are_recurring_without_a_count_because_the_contract_gives_none(data):
    item = obligation(data, "restore_drill")
    assert item["per"] == "term"
    assert "min_count" not in item


@pytest.mark.parametrize(
    "key", ["notice_network_cut", "notice_deployment_refused", "notice_service_suspended"]
)
def test_the_three_emergency_notices_are_due_within_one_hour_by_email_and_sms_c16(data, key):
    item = obligation(data, key)
    assert item["kind"] == "notice"
    assert item["within"] == {"hours": 1}
    assert item["channels"] == ["email", "sms"]


def test_exactly_three_notices_have_a_one_hour_limit_c16(data):
    keys = [item["key"] for item in data["obligations"] if item.get("within") == {"hours": 1}]
    assert keys == ["notice_network_cut", "notice_deployment_refused", "notice_service_suspended"]


def test_platform_events_and_leaks_are_notified_immediately_c16_c19(data):
    assert obligation(data, "notice_platform_events")["timing"] == "immediately"
    assert obligation(data, "notice_confidentiality_breach")["timing"] == "immediately"


def test_confidential_material_is_returned_within_20_working_days_of_a_request_c19(data):
    item = obligation(data, "return_confidential_material")
    assert item["due"] == {"working_days": 20, "after": ["written_request"]}
