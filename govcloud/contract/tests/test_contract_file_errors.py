"""A broken contract file is refused with every problem named by its field path."""

from __future__ import annotations

import copy
import time

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from govcloud.contract.contract_file import (
    ContractFileError,
    bundled_contract_path,
    read_contract_file,
    read_contract_text,
)
from govcloud.contract.models import Contract

BUNDLED_TEXT = bundled_contract_path().read_text(encoding="utf-8")
BUNDLED = yaml.safe_load(BUNDLED_TEXT)


def contract() -> dict:
    return copy.deepcopy(BUNDLED)


def dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def problems_of(broken: dict | str):
    text = broken if isinstance(broken, str) else dump(broken)
    with pytest.raises(ContractFileError) as error:
        read_contract_text(text, source="broken.yaml")
    assert str(error.value).startswith("broken.yaml: ")
    assert error.value.source == "broken.yaml"
    return error.value.problems


def only_problem(broken: dict | str):
    problems = problems_of(broken)
    assert len(problems) == 1, problems
    return problems[0]


def line_of(text: str, line: str) -> int:
    return text.splitlines().index(line) + 1


def test_the_unchanged_bundled_contract_survives_the_round_trip_through_a_dict():
    assert read_contract_text(dump(contract()), source="broken.yaml").code == "bj-sasac-2025"


def test_it_refuses_milestones_that_do_not_add_up_to_100():
    broken = contract()
    broken["payments"][0]["percent"] = 60
    problem = only_problem(broken)
    assert problem.path == "payments"
    assert problem.message == "the milestones add up to 60% + 30% = 90%, not 100%"


def test_the_error_text_names_the_file_then_the_field_path_then_the_problem():
    broken = contract()
    broken["payments"][0]["percent"] = 60
    with pytest.raises(ContractFileError) as error:
        read_contract_text(dump(broken), source="broken.yaml")
    assert str(error.value) == (
        "broken.yaml: payments: the milestones add up to 60% + 30% = 90%, not 100%")


def test_it_refuses_a_stated_amount_that_disagrees_with_the_computed_share():
    broken = contract()
    broken["payments"][1]["stated_amount"] = "1166107.81"
    problem = only_problem(broken)
    assert problem.path == "payments[1].stated_amount"
    assert "¥1,166,107.81 is not 30% of ¥3,887,026.00" in problem.message
    assert "(that is ¥1,166,107.80)" in problem.message


def test_it_refuses_amounts_with_and_without_tax_that_disagree_by_more_than_a_fen():
    broken = contract()
    broken["money"]["total_excluding_tax"] = "3667005.64"
    problem = only_problem(broken)
    assert problem.path == "money.total_excluding_tax"
    assert "¥3,667,005.64 disagrees with ¥3,887,026.00 at 6% tax" in problem.message
    assert "by more than one fen" in problem.message
    assert "(expected about ¥3,667,005.66)" in problem.message


def test_it_refuses_a_total_excluding_tax_above_the_total_including_it():
    broken = contract()
    broken["money"]["total_excluding_tax"] = "3887027.00"
    problem = only_problem(broken)
    assert problem.path == "money.total_excluding_tax"
    assert problem.message == "is more than the total including tax"


def with_total(including: str, words: str) -> dict:
    changed = contract()
    changed["money"]["total_including_tax"] = including
    changed["money"]["total_excluding_tax"] = "3667005.50"
    changed["money"]["total_in_words"] = words
    for payment in changed["payments"]:
        del payment["stated_amount"]
    return changed


def test_it_accepts_amounts_that_disagree_by_exactly_one_fen_after_tax():
    """3667005.50 × 1.06 = 3887025.83: a total of 3887025.84 is one fen off."""
    changed = with_total("3887025.84", "叁佰捌拾捌万柒仟零贰拾伍元捌角肆分")
    document = read_contract_text(dump(changed))
    assert document.data["money"]["total_including_tax"] == "3887025.84"


def test_it_refuses_amounts_that_disagree_by_two_fen_after_tax():
    problem = only_problem(with_total("3887025.85", "叁佰捌拾捌万柒仟零贰拾伍元捌角伍分"))
    assert problem.path == "money.total_excluding_tax"
    assert "by more than one fen" in problem.message


@pytest.mark.parametrize("excluding", ["3667005.65", "3667005.67"])
def test_it_accepts_a_tax_exclusive_amount_one_fen_off_the_rounded_one(excluding):
    broken = contract()
    broken["money"]["total_excluding_tax"] = excluding
    document = read_contract_text(dump(broken), source="broken.yaml")
    assert document.data["money"]["total_excluding_tax"] == excluding


def test_it_refuses_a_total_in_words_that_does_not_read_the_total():
    broken = contract()
    broken["money"]["total_in_words"] = "叁佰捌拾捌万柒仟贰拾陆元整"
    problem = only_problem(broken)
    assert problem.path == "money.total_in_words"
    assert problem.message == ("'叁佰捌拾捌万柒仟贰拾陆元整' does not read ¥3,887,026.00 "
                               "(which is 叁佰捌拾捌万柒仟零贰拾陆元整)")


def test_it_ignores_spaces_in_the_total_in_words():
    changed = contract()
    changed["money"]["total_in_words"] = "叁佰捌拾捌万 柒仟零贰拾陆元整"
    assert read_contract_text(dump(changed)).data["money"]["total_in_words"] == (
        "叁佰捌拾捌万 柒仟零贰拾陆元整")


def test_it_accepts_zheng_written_as_the_alternative_character():
    changed = contract()
    changed["money"]["total_in_words"] = "叁佰捌拾捌万柒仟零贰拾陆元正"
    read_contract_text(dump(changed), source="broken.yaml")


def test_it_refuses_a_negative_total_as_a_contract_file_error():
    broken = contract()
    broken["money"]["total_including_tax"] = "-3887026.00"
    problems = problems_of(broken)
    assert "money.total_including_tax" in [problem.path for problem in problems]


def test_it_refuses_an_absurdly_large_total_as_a_contract_file_error():
    text = BUNDLED_TEXT.replace("total_including_tax: 3887026.00", "total_including_tax: 1.0e+30")
    problems = problems_of(text)
    assert "money.total_including_tax" in [problem.path for problem in problems]


def test_it_refuses_a_negative_catalog_quantity():
    broken = contract()
    broken["catalog"][2]["quantity"] = -1
    problem = only_problem(broken)
    assert problem.path == "catalog[2].quantity"
    assert problem.message == "-1 is out of range: must be at least 0"


def test_it_refuses_a_catalog_quantity_that_is_not_a_number():
    broken = contract()
    broken["catalog"][2]["quantity"] = "abc"
    problem = only_problem(broken)
    assert problem.path == "catalog[2].quantity"
    assert problem.message == "expected integer, got 'abc'"


def test_it_refuses_a_fractional_catalog_quantity():
    text = BUNDLED_TEXT.replace("unit: G, unit_en: GB, quantity: 7840",
                                "unit: G, unit_en: GB, quantity: 1.5")
    problem = only_problem(text)
    assert problem.path == "catalog[2].quantity"
    assert problem.message.startswith("expected integer, got ")
    assert "1.5" in problem.message


def test_it_refuses_an_unknown_kpi_rule():
    broken = contract()
    broken["kpis"][1]["rule"] = "approx"
    problem = only_problem(broken)
    assert problem.path == "kpis[1].rule"
    assert problem.message == "'approx' is not one of: ge, le, done, by"


def test_it_refuses_a_kpi_target_date_outside_the_term():
    broken = contract()
    broken["kpis"][11]["target_date"] = "2026-01-15"
    problem = only_problem(broken)
    assert problem.path == "kpis[11].target_date"
    assert problem.message == "2026-01-15 is outside the term (2025-07-29 to 2025-12-31)"


def test_it_refuses_a_kpi_by_a_date_without_the_date():
    broken = contract()
    del broken["kpis"][11]["target_date"]
    problem = only_problem(broken)
    assert problem.path == "kpis[11]"
    assert problem.message == "missing required field 'target_date'"


def test_it_refuses_a_kpi_at_least_a_target_without_the_target():
    broken = contract()
    del broken["kpis"][1]["target"]
    problem = only_problem(broken)
    assert problem.path == "kpis[1]"
    assert problem.message == "rule 'ge' needs exactly one of 'target' or 'target_ref'"


def test_it_refuses_a_term_that_ends_before_it_starts():
    """The KPI due by 2025-12-31 then falls outside the term as well, and is reported too."""
    broken = contract()
    broken["term"]["start"] = "2026-01-10"
    problems = problems_of(broken)
    assert [problem.path for problem in problems] == ["term.end", "kpis[11].target_date"]
    assert problems[0].message == "2025-12-31 is before the start of the term (2026-01-10)"


def test_it_refuses_a_contract_signed_after_its_term_ends():
    broken = contract()
    broken["identity"]["signed_on"] = "2026-01-05"
    problem = only_problem(broken)
    assert problem.path == "identity.signed_on"
    assert problem.message == "2026-01-05 is after the end of the term (2025-12-31)"


def test_it_refuses_a_transition_that_starts_before_the_term_ends():
    broken = contract()
    broken["term"]["transition"]["start"] = "2025-12-31"
    problem = only_problem(broken)
    assert problem.path == "term.transition.start"
    assert problem.message == "2025-12-31 is not after the term ends (2025-12-31)"


def test_it_refuses_a_date_that_does_not_exist():
    broken = contract()
    broken["identity"]["signed_on"] = "2025-02-30"
    problem = only_problem(broken)
    assert problem.path == "identity.signed_on"
    assert problem.message == "'2025-02-30' is not a real date"


def test_it_refuses_a_date_not_written_yyyy_mm_dd():
    broken = contract()
    broken["identity"]["signed_on"] = "2025/07/29"
    problem = only_problem(broken)
    assert problem.path == "identity.signed_on"
    assert problem.message.startswith("'2025/07/29' is not in the expected form")


def test_it_refuses_a_duplicate_system_name_without_duplicate_of_row():
    broken = contract()
    broken["systems"][6]["name"] = "企业人才管理"
    problem = only_problem(broken)
    assert problem.path == "systems[6].name"
    assert "'企业人才管理' (row 7) duplicates row 6" in problem.message
    assert "duplicate_of_row: 6" in problem.message


def test_it_refuses_the_known_duplicate_row_once_its_declaration_is_removed():
    broken = contract()
    del broken["systems"][26]["duplicate_of_row"]
    problem = only_problem(broken)
    assert problem.path == "systems[26].name"
    assert "(row 27) duplicates row 16" in problem.message


def test_it_refuses_duplicate_of_row_on_a_row_whose_name_is_not_repeated():
    broken = contract()
    broken["systems"][5]["duplicate_of_row"] = 3
    problem = only_problem(broken)
    assert problem.path == "systems[5].duplicate_of_row"
    assert problem.message == "row 3 does not carry the name '企业人才管理'"


def test_it_refuses_duplicate_of_row_pointing_to_a_row_of_another_name():
    broken = contract()
    broken["systems"][26]["duplicate_of_row"] = 3
    problem = only_problem(broken)
    assert problem.path == "systems[26].name"
    assert "'应用开发与管理平台' (row 27) duplicates row 16" in problem.message


def test_it_refuses_a_declared_duplicate_without_stored_as():
    broken = contract()
    del broken["systems"][26]["stored_as"]
    problem = only_problem(broken)
    assert problem.path == "systems[26].stored_as"
    assert problem.message == "say how the duplicate is stored: separate or merged"


def test_it_refuses_a_separate_duplicate_without_a_label_of_its_own():
    broken = contract()
    del broken["systems"][26]["label"]
    problem = only_problem(broken)
    assert problem.path == "systems[26].label"
    assert problem.message == "a duplicate stored separately needs a label of its own"


def test_it_refuses_a_separate_duplicate_labelled_with_the_shared_name():
    broken = contract()
    broken["systems"][26]["label"] = "应用开发与管理平台"
    problems = problems_of(broken)
    assert {problem.path for problem in problems} == {"systems[26].label"}
    assert "a duplicate stored separately needs a label of its own" in [
        problem.message for problem in problems]


def test_it_refuses_a_label_that_is_the_name_of_another_system():
    broken = contract()
    broken["systems"].append({"row": 28, "name": "应用开发与管理平台（第27行）"})
    problem = only_problem(broken)
    assert problem.path == "systems[27].label"
    assert problem.message == "'应用开发与管理平台（第27行）' is already the name of systems[26]"


def test_it_accepts_a_merged_duplicate_and_reports_it():
    changed = contract()
    changed["systems"][26]["stored_as"] = "merged"
    del changed["systems"][26]["label"]
    document = read_contract_text(dump(changed))
    assert document.data["systems"][26]["label"] == "应用开发与管理平台"
    assert document.findings == [{"kind": "duplicate_system_row", "row": 27,
                                  "duplicate_of_row": 16, "name": "应用开发与管理平台",
                                  "stored_as": "merged", "label": "应用开发与管理平台"}]


def test_it_refuses_a_system_name_of_spaces_only():
    broken = contract()
    broken["systems"][3]["name"] = "   "
    problems = problems_of(broken)
    assert "systems[3].name" in [problem.path for problem in problems]


def test_it_refuses_duplicate_row_numbers():
    broken = contract()
    broken["systems"][5]["row"] = 5
    problem = only_problem(broken)
    assert problem.path == "systems[5].row"
    assert problem.message == "row 5 is already used by systems[4]"


def test_it_refuses_duplicate_catalog_numbers():
    broken = contract()
    broken["catalog"][5]["number"] = 5
    problem = only_problem(broken)
    assert problem.path == "catalog[5].number"
    assert problem.message == "5 is already used by catalog[4]"


def test_it_refuses_two_catalog_items_counting_against_the_same_meter():
    broken = contract()
    broken["catalog"][1]["meter"] = "vcpu"
    problem = only_problem(broken)
    assert problem.path == "catalog[1].meter"
    assert problem.message == "'vcpu' is already used by catalog[0]"


def test_it_refuses_duplicate_payment_keys():
    broken = contract()
    broken["payments"][1]["key"] = "first"
    problem = only_problem(broken)
    assert problem.path == "payments[1].key"
    assert problem.message == "'first' is already used by payments[0]"


def test_it_refuses_a_key_written_twice_in_the_yaml():
    line = line_of(BUNDLED_TEXT, "  currency: CNY")
    text = BUNDLED_TEXT.replace("  currency: CNY\n", "  currency: CNY\n  currency: CNY\n")
    problem = only_problem(text)
    assert problem.path == ""
    assert problem.message == (
        f"is not valid YAML: line {line + 1}, column 3: the key 'currency' appears twice")


def test_it_refuses_yaml_that_does_not_parse_naming_line_and_column():
    line = line_of(BUNDLED_TEXT, "  currency: CNY")
    text = BUNDLED_TEXT.replace("  currency: CNY\n", "  currency: CNY: EUR\n")
    problem = only_problem(text)
    assert problem.path == ""
    assert problem.message == (
        f"is not valid YAML: line {line}, column 16: mapping values are not allowed here")


def test_it_refuses_nan_as_a_number():
    line = line_of(BUNDLED_TEXT, "  total_including_tax: 3887026.00")
    text = BUNDLED_TEXT.replace("total_including_tax: 3887026.00", "total_including_tax: .nan")
    problem = only_problem(text)
    assert problem.message == (
        f"is not valid YAML: line {line}, column 24: '.nan' is not a finite number")


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_it_refuses_an_empty_file(text):
    problem = only_problem(text)
    assert problem.path == ""
    assert problem.message == "must be a YAML mapping of sections, but it is empty"


def test_it_refuses_a_yaml_list_instead_of_a_mapping():
    problem = only_problem("- format: govcloud-contract/1\n- identity: {}\n")
    assert problem.message == "must be a YAML mapping of sections, but it is a list"


def test_it_refuses_a_bare_text_instead_of_a_mapping():
    problem = only_problem("govcloud-contract/1\n")
    assert problem.message == "must be a YAML mapping of sections, but it is a str"


def test_it_refuses_a_file_without_a_required_section():
    broken = contract()
    del broken["catalog"]
    problem = only_problem(broken)
    assert problem.path == ""
    assert problem.message == "missing required field 'catalog'"


def test_it_refuses_a_section_without_a_required_field():
    broken = contract()
    del broken["identity"]["contract_number"]
    problem = only_problem(broken)
    assert problem.path == "identity"
    assert problem.message == "missing required field 'contract_number'"


def test_it_refuses_an_unknown_field_naming_it():
    broken = contract()
    broken["money"]["discount"] = 5
    problem = only_problem(broken)
    assert problem.path == "money"
    assert problem.message.startswith("unknown field 'discount' (allowed: currency, ")


def test_it_refuses_an_unknown_section_naming_it():
    broken = contract()
    broken["prices"] = []
    problem = only_problem(broken)
    assert problem.path == ""
    assert problem.message.startswith("unknown field 'prices' (allowed: acceptance, catalog, ")


def test_it_refuses_another_format_line():
    broken = contract()
    broken["format"] = "govcloud-contract/2"
    problem = only_problem(broken)
    assert problem.path == "format"
    assert problem.message == "'govcloud-contract/2' is not one of: govcloud-contract/1"


def test_it_refuses_a_notice_with_neither_a_time_limit_nor_immediately():
    broken = contract()
    del broken["obligations"][6]["within"]
    problem = only_problem(broken)
    assert problem.path == "obligations[6]"
    assert problem.message == (
        "a notice needs exactly one of 'within' (a time limit) or 'timing: immediately'")


def test_it_refuses_a_notice_with_both_a_time_limit_and_immediately():
    broken = contract()
    broken["obligations"][6]["timing"] = "immediately"
    problem = only_problem(broken)
    assert problem.path == "obligations[6]"
    assert problem.message.startswith("a notice needs exactly one of 'within'")


def test_it_refuses_a_deadline_in_both_working_days_and_days():
    broken = contract()
    broken["acceptance"]["due"]["days"] = 10
    problem = only_problem(broken)
    assert problem.path == "acceptance.due"
    assert problem.message == "give exactly one of 'working_days' or 'days'"


def test_it_refuses_a_deadline_that_counts_from_no_event():
    broken = contract()
    del broken["renewal"]["due"]["before"]
    problem = only_problem(broken)
    assert problem.path == "renewal.due"
    assert problem.message == (
        "give either 'after' or 'before' (the events the deadline counts from)")


def test_it_refuses_a_deadline_that_counts_both_after_and_before():
    broken = contract()
    broken["renewal"]["due"]["after"] = ["signing"]
    problem = only_problem(broken)
    assert problem.path == "renewal.due"
    assert problem.message.startswith("give either 'after' or 'before'")


def test_it_refuses_stored_as_on_a_row_that_is_not_a_duplicate():
    broken = contract()
    broken["systems"][25]["stored_as"] = "merged"
    problem = only_problem(broken)
    assert problem.path == "systems[25].stored_as"
    assert "row 26 is not a duplicate" in problem.message


@pytest.mark.parametrize("price", ["abc", "1.005", "-3.00", "1e3"])
def test_it_refuses_a_unit_price_that_is_not_a_plain_non_negative_amount(price):
    broken = contract()
    broken["catalog"][0]["unit_price"] = price
    problem = only_problem(broken)
    assert problem.path == "catalog[0].unit_price"


def test_a_unit_price_is_kept_exactly():
    priced = contract()
    priced["catalog"][0]["unit_price"] = "1200.50"
    assert read_contract_text(dump(priced)).data["catalog"][0]["unit_price"] == "1200.50"


def test_it_refuses_a_unit_longer_than_the_database_keeps():
    broken = contract()
    broken["catalog"][0]["unit"] = "核" * 21
    problem = only_problem(broken)
    assert (problem.path, problem.message) == ("catalog[0].unit", "is longer than 20 characters")


def test_writing_a_percent_as_70_point_0_is_the_same_content():
    same = contract()
    same["payments"][0]["percent"] = "70.0"
    text = dump(same).replace("percent: '70.0'", "percent: 70.0")
    assert read_contract_text(text).fingerprint == read_contract_text(BUNDLED_TEXT).fingerprint


def test_it_refuses_a_kpi_pointing_to_an_obligation_that_does_not_exist():
    broken = contract()
    broken["kpis"][2]["obligation"] = "no_such_thing"
    problem = only_problem(broken)
    assert problem.path == "kpis[2].obligation"
    assert problem.message == "no obligation has the key 'no_such_thing'"


def test_it_reports_several_shape_problems_at_once():
    broken = contract()
    broken["catalog"][2]["quantity"] = -1
    broken["kpis"][1]["rule"] = "approx"
    broken["format"] = "govcloud-contract/2"
    del broken["obligations"][6]["within"]
    problems = problems_of(broken)
    assert [problem.path for problem in problems] == [
        "catalog[2].quantity", "format", "kpis[1].rule", "obligations[6]"]


def test_it_reports_several_rule_problems_at_once():
    broken = contract()
    broken["payments"][0]["percent"] = 60
    broken["identity"]["signed_on"] = "2026-01-05"
    broken["money"]["total_in_words"] = "叁佰捌拾捌万元整"
    broken["catalog"][5]["number"] = 5
    broken["kpis"][2]["obligation"] = "no_such_thing"
    del broken["systems"][26]["duplicate_of_row"]
    problems = problems_of(broken)
    assert [problem.path for problem in problems] == [
        "identity.signed_on", "money.total_in_words", "payments", "catalog[5].number",
        "kpis[2].obligation", "systems[26].name"]


def test_the_error_text_has_one_line_per_problem():
    broken = contract()
    broken["catalog"][2]["quantity"] = -1
    broken["kpis"][1]["rule"] = "approx"
    with pytest.raises(ContractFileError) as error:
        read_contract_text(dump(broken), source="broken.yaml")
    assert str(error.value).splitlines() == [
        "broken.yaml: catalog[2].quantity: -1 is out of range: must be at least 0",
        "broken.yaml: kpis[1].rule: 'approx' is not one of: ge, le, done, by",
    ]


def test_it_refuses_a_file_that_does_not_exist(tmp_path):
    path = tmp_path / "missing.yaml"
    with pytest.raises(ContractFileError) as error:
        read_contract_file(path)
    assert str(error.value) == f"{path}: no such file"
    assert error.value.problems[0].path == ""


def test_it_refuses_a_directory(tmp_path):
    with pytest.raises(ContractFileError) as error:
        read_contract_file(tmp_path)
    assert str(error.value) == f"{tmp_path}: is a directory, not a file"


def test_it_refuses_a_file_that_is_not_utf8_naming_the_first_bad_byte(tmp_path):
    path = tmp_path / "gbk.yaml"
    encoded = BUNDLED_TEXT.encode("gbk")
    path.write_bytes(encoded)
    first_bad = next(index for index, byte in enumerate(encoded) if byte >= 0x80)
    with pytest.raises(ContractFileError) as error:
        read_contract_file(path)
    assert str(error.value) == f"{path}: is not UTF-8 text (byte {first_bad})"


def test_it_reads_a_utf8_file_from_disk_naming_it_as_the_source(tmp_path):
    path = tmp_path / "copy.yaml"
    path.write_text(BUNDLED_TEXT, encoding="utf-8")
    assert read_contract_file(path).source == str(path)


def test_the_fingerprint_ignores_comments_blank_lines_and_layout():
    original = read_contract_text(BUNDLED_TEXT)
    relaid = ("# a new comment at the top\n\n"
              + BUNDLED_TEXT.replace("  currency: CNY\n", "\n  currency:   CNY    # 人民币\n\n")
              .replace("total_including_tax: 3887026.00", "total_including_tax: 3887026.0"))
    assert read_contract_text(relaid).fingerprint == original.fingerprint


def test_the_fingerprint_ignores_the_order_of_keys():
    original = read_contract_text(BUNDLED_TEXT)
    reordered = dict(reversed(list(contract().items())))
    assert read_contract_text(dump(reordered)).fingerprint == original.fingerprint


def test_the_fingerprint_changes_when_a_figure_changes():
    original = read_contract_text(BUNDLED_TEXT)
    changed = BUNDLED_TEXT.replace("unit: 核, unit_en: core, quantity: 1400",
                                   "unit: 核, unit_en: core, quantity: 1401")
    assert changed != BUNDLED_TEXT
    assert read_contract_text(changed).fingerprint != original.fingerprint


# --- limits: what check accepts, load stores ------------------------------------------------


def _bomb(levels: int = 9) -> str:
    """A system whose extra field expands to 9**levels items through aliases."""
    lines = ["  - row: 99", "    name: 炸弹", "    l0: &l0 [1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for level in range(1, levels):
        lines.append(f"    l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 9)}]")
    return BUNDLED_TEXT.replace("systems:", "systems:\n" + "\n".join(lines), 1)


def _with(change) -> str:
    broken = contract()
    change(broken)
    return dump(broken)


def _set(section: str, index: int, key: str, value):
    return _with(lambda data: data[section][index].__setitem__(key, value))


BAD_FILES = {
    "a quantity of 10**32": (_set("catalog", 0, "quantity", 10**32), "catalog[0].quantity",
                             "is too large: whole numbers are at most 2147483647"),
    "a KPI target of 10**30": (_set("kpis", 0, "target", 10**30), "kpis[0].target",
                               "is too large: whole numbers are at most 2147483647"),
    "a target with 13 digits": (BUNDLED_TEXT.replace("target: 99.9,", "target: 1234567890123.5,",
                                                     1), ".target",
                                "at most 12 digits before the point"),
    "a lone surrogate in a name": (_set("systems", 1, "name", "国有\ud800资产"),
                                   "systems[1].name", "U+D800, a lone surrogate"),
    "a NUL in a name": (_set("systems", 1, "name", "国有\0资产"), "systems[1].name",
                        "character 3 is U+0000, a NUL character"),
    "a right-to-left override in a name": (_set("catalog", 0, "name", "abc\u202efed"),
                                           "catalog[0].name", "U+202E, a text direction"),
    "a zero-width space in a name": (_set("systems", 2, "name", "巡视\u200b巡察管理"),
                                     "systems[2].name", "U+200B, a zero-width character"),
    "a bell in a party's name": (_with(lambda d: d["parties"]["provider"].__setitem__(
        "name", "服务商\x07")), "parties.provider.name", "U+0007, a control character"),
    "two catalog items of one name": (_set("catalog", 1, "name", BUNDLED["catalog"][0]["name"]),
                                      "catalog[1].name", "is already used by catalog[0]"),
    "two catalog items of one English name": (
        _set("catalog", 1, "name_en", BUNDLED["catalog"][0]["name_en"]), "catalog[1].name_en",
        "is already used by catalog[0]"),
    "an alias bomb inside systems": (_bomb(), "", "more than 100000 nodes (the limit)"),
    "an alias inside what it names": (BUNDLED_TEXT.replace(
        "systems:", "systems:\n  - &loop [*loop]", 1), "", "refers to the node it is part of"),
    "nesting 40 levels deep": (BUNDLED_TEXT.replace(
        "systems:", "systems:\n  - " + "[" * 40 + "]" * 40, 1), "",
        "nests deeper than 32 levels (the limit)"),
    "a file over a megabyte": (BUNDLED_TEXT + "#" * (1 << 20), "",
                               "larger than 1048576 bytes"),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=str)
def test_a_file_past_a_limit_is_refused_naming_the_limit(case):
    text, path, message = BAD_FILES[case]
    problems = problems_of(text)
    assert any(problem.path.endswith(path) and message in problem.message
               for problem in problems), problems


def test_an_alias_bomb_is_refused_at_once():
    started = time.monotonic()
    problems_of(_bomb(levels=12))
    assert time.monotonic() - started < 2


def test_a_few_aliases_are_still_read():
    text = BUNDLED_TEXT.replace("systems:", "x-note: &note 说明\nsystems:", 1)
    assert "x-note" in problems_of(text)[0].message  # refused by the schema, not the limits


@pytest.mark.parametrize("case", BAD_FILES, ids=str)
def test_check_and_load_refuse_the_same_file_with_the_same_message(case, tmp_path, db):
    text, _path, message = BAD_FILES[case]
    file = tmp_path / "broken.yaml"
    file.write_text(text, encoding="utf-8", errors="surrogatepass")
    refusals = []
    for action in ("check", "load"):
        with pytest.raises(CommandError) as error:
            call_command("contract", action, str(file))
        refusals.append(str(error.value))
    assert refusals[0] == refusals[1]
    assert message in refusals[0]
    assert not Contract.objects.exists()
