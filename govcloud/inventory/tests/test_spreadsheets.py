"""Excel in, Excel out (issue #5): imports of every kind of broken file store nothing and
name every problem; good files store every row through the ledger; exports show only what
the person may see and import again."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook, load_workbook

from govcloud.audit.models import AuditEvent
from govcloud.contract.models import Organization
from govcloud.inventory import changes, spreadsheets
from govcloud.inventory.choices import ChangeKind, HostStatus
from govcloud.inventory.ledger import register_host
from govcloud.inventory.models import (
    AllocationEntry,
    ApplicationSystem,
    CloudHost,
    HostStatusChange,
)
from govcloud.inventory.spreadsheets import ImportRefused, export_workbook, import_inventory

SYSTEM_HEADINGS = ["系统名称", "主管部门", "应用厂商", "业务联系人", "业务联系电话", "技术联系人",
                   "技术联系电话", "主数据中心", "备份数据中心", "高可用", "说明"]
HOST_HEADINGS = ["所属系统", "主机名", "vCPU", "内存(GB)", "普通存储(GB)", "高性能存储(GB)",
                 "操作系统", "IP地址", "数据中心", "状态"]
NEW_SYSTEM = ["智慧监管驾驶舱", "综合处", "丙数据科技有限公司", "王五", 13800000000, "赵六",
              "010-5555-0101", "亦庄机房", "", "是", "新建系统"]


def xlsx(**sheets: list[list]) -> bytes:
    """Return a workbook with a sheet per keyword (its name) holding the rows given."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8") -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding)


def a_good_workbook(cast) -> bytes:
    return xlsx(**{
        "系统": [SYSTEM_HEADINGS, NEW_SYSTEM,
                 [cast.system_a1.label, "改革处", "", "", "", "", "", "", "", "否", ""]],
        "主机": [[*HOST_HEADINGS, "主机杀毒服务"],
                 ["智慧监管驾驶舱", "jsc-web-01", 8, 16, 200, 0, "麒麟 V10",
                  "10.1.0.11, 10.1.0.12", "亦庄", "运行中", "是"],
                 ["智慧监管驾驶舱", "jsc-db-01", "16", "64", "", "500", "统信 UOS",
                  "10.1.0.21;10.1.0.22\n2001:db8::1", "亦庄", "stopped", "否"],
                 [cast.system_a1.label, "a1-web-02", 4, 8, 100, None, "", "", "", "", ""]],
    })


def stored(contract=None) -> tuple[int, int, int, int]:
    """Count the rows an import could write: systems, hosts, ledger entries, organizations."""
    return (ApplicationSystem.objects.count(), CloudHost.objects.count(),
            AllocationEntry.objects.count(), Organization.objects.count())


@pytest.fixture(autouse=True)
def english():
    """The services speak the active language; these tests read their English messages."""
    with translation.override("en"):
        yield


def refused(cast, data: bytes, name: str = "inventory.xlsx", **options) -> list[dict]:
    """Import a file that must be refused; return its problems, having checked nothing
    was stored and the refusal was audited."""
    before = stored()
    with pytest.raises(ImportRefused) as refusal:
        import_inventory(cast.contract_a, data, file_name=name, actor=cast.purchaser_admin,
                         **options)
    assert stored() == before
    if not options.get("dry_run"):
        event = AuditEvent.objects.filter(action="inventory.import").latest("sequence")
        assert (event.outcome, event.details["file"]) == ("denied", name)
    return [problem.as_dict() for problem in refusal.value.problems]


def problems_text(problems: list[dict]) -> str:
    return "\n".join(f"{p['sheet']}|{p['row']}|{p['column']}|{p['problem']}" for p in problems)


# --- good files -------------------------------------------------------------------------


def test_a_good_workbook_stores_every_system_and_host_through_the_ledger(cast):
    entries_before = AllocationEntry.objects.count()
    result = import_inventory(cast.contract_a, a_good_workbook(cast),
                              file_name="inventory.xlsx", actor=cast.purchaser_admin)
    assert (result.systems_created, result.systems_updated, result.hosts_created,
            result.vendors_created) == (1, 1, 3, 1)
    system = ApplicationSystem.objects.get(contract=cast.contract_a, label="智慧监管驾驶舱")
    assert system.contract_row is None and not system.listed_in_contract
    assert (system.vendor.name, system.vendor.kind) == ("丙数据科技有限公司", "vendor")
    assert system.business_phone == "13800000000" and system.high_availability
    cast.system_a1.refresh_from_db()
    assert cast.system_a1.owner_department == "改革处"
    assert cast.system_a1.vendor.name == "甲软件有限公司"  # an empty cell changes nothing
    db = system.hosts.get(name="jsc-db-01")
    assert db.ip_addresses == ["10.1.0.21", "10.1.0.22", "2001:db8::1"]
    assert (db.vcpu, db.memory_gb, db.performance_storage_gb) == (16, 64, 500)
    assert db.status == HostStatus.STOPPED and db.services == []
    assert system.hosts.get(name="jsc-web-01").services == ["host_antivirus"]
    assert HostStatusChange.objects.get(host=db).status == HostStatus.STOPPED
    entries = AllocationEntry.objects.order_by("pk")[entries_before:]
    assert {entry.reason for entry in entries} == {"import of inventory.xlsx"}
    assert {entry.actor_username for entry in entries} == {"purchaser-admin"}
    event = AuditEvent.objects.get(action="inventory.import", outcome="success")
    assert event.details["hosts_created"] == 3 and event.details["file"] == "inventory.xlsx"


def hosts_csv(rows: list[list], encoding: str = "utf-8") -> bytes:
    return csv_bytes([HOST_HEADINGS, *rows], encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_csv_of_hosts_imports_in_utf8_with_or_without_bom_and_in_gb18030(cast, encoding):
    data = hosts_csv([[cast.system_a2.label, "a2-应用-02", "2", "4", "0", "50", "麒麟 V10",
                       "10.3.0.1 10.3.0.2", "亦庄", "开通中"]], encoding)
    result = import_inventory(cast.contract_a, data, file_name="主机.csv",
                              actor=cast.purchaser_admin)
    assert (result.hosts_created, result.systems_created) == (1, 0)
    host = cast.system_a2.hosts.get(name="a2-应用-02")
    assert (host.operating_system, host.status) == ("麒麟 V10", HostStatus.PROVISIONING)
    assert host.ip_addresses == ["10.3.0.1", "10.3.0.2"]


def test_a_csv_of_systems_with_english_field_names_is_told_from_its_headings(cast):
    data = csv_bytes([["Name", "owner_department", "High availability", "VENDOR"],
                      ["数据中台", "信息中心", "yes", "乙软件有限公司"],
                      [cast.system_a2.label, "", "true", ""]])
    result = import_inventory(cast.contract_a, data, file_name="systems.csv",
                              actor=cast.purchaser_admin)
    assert (result.systems_created, result.systems_updated, result.vendors_created) == (1, 1, 0)
    assert ApplicationSystem.objects.get(label="数据中台").vendor.name == "乙软件有限公司"
    cast.system_a2.refresh_from_db()
    assert cast.system_a2.high_availability and cast.system_a2.owner_department == ""


def test_a_lone_sheet_of_any_name_is_read_by_its_headings(cast):
    data = xlsx(Sheet1=[HOST_HEADINGS, [cast.system_a1.label, "a1-app-07", 2, 4, 20, 0, "",
                                        "", "", "running"]])
    result = import_inventory(cast.contract_a, data, file_name="清单.xlsx",
                              actor=cast.purchaser_admin)
    assert result.hosts_created == 1


def test_a_dry_run_checks_counts_and_stores_nothing(cast):
    before = stored()
    result = import_inventory(cast.contract_a, a_good_workbook(cast), file_name="x.xlsx",
                              actor=cast.purchaser_admin, dry_run=True)
    assert result.dry_run and (result.systems_created, result.hosts_created) == (1, 3)
    assert result.vendors_created == 1 and stored() == before
    assert not AuditEvent.objects.filter(action="inventory.import").exists()


# --- broken files: clear errors, nothing stored -------------------------------------------


def test_wrong_headings_are_reported_by_name(cast):
    data = xlsx(系统=[["系统名", "主管部门", "备注"], ["甲", "乙", "丙"]],
                主机=[["所属系统", "主机名", "内存(GB)", "内存（GB）"], ["甲", "h", 8, 8]])
    problems = refused(cast, data)
    text = problems_text(problems)
    assert "系统|1|系统名|Unknown column. The Systems table has the columns: System name," in text
    assert "系统|1|备注|Unknown column" in text
    assert "系统|1|System name|This column is required but missing." in text
    assert "主机|1|内存（GB）|The column is there twice (also column C)." in text
    assert "主机|1|vCPU|This column is required but missing." in text


BAD_NUMBERS = [
    ("vCPU", "four", "Give a whole number, not “four”."),
    ("vCPU", True, "Give a whole number, not “True”."),
    ("内存(GB)", -8, "Give a number from 1 to 1,000,000, not “-8”."),
    ("内存(GB)", "0", "Give a number from 1 to 1,000,000, not “0”."),
    ("普通存储(GB)", 1.5, "Give a whole number; “1.5” has a fraction."),
    ("普通存储(GB)", "2.5", "Give a whole number; “2.5” has a fraction."),
    ("高性能存储(GB)", 10**12, "Give a number from 0 to 1,000,000, not “1000000000000”."),
    ("高性能存储(GB)", "8 GB", "Give a whole number, not “8 GB”."),
]


@pytest.mark.parametrize(("column", "value", "message"), BAD_NUMBERS)
def test_a_bad_number_is_refused_naming_row_and_column(cast, column, value, message):
    row = [cast.system_a1.label, "a1-new", 2, 4, 0, 0, "", "", "", ""]
    row[HOST_HEADINGS.index(column)] = value
    problems = refused(cast, xlsx(主机=[HOST_HEADINGS, [cast.system_a1.label, "ok", 1, 1], row]))
    assert problems == [{"sheet": "主机", "row": 3, "column": column, "problem": message}]


def test_unknown_systems_are_refused(cast):
    data = hosts_csv([["不存在的系统", "x-01", "2", "4", "", "", "", "", "", ""],
                      [cast.system_b1.label, "x-02", "2", "4", "", "", "", "", "", ""]])
    problems = refused(cast, data, name="hosts.csv")
    assert [(p["row"], p["column"]) for p in problems] == [(2, "所属系统"), (3, "所属系统")]
    assert problems[0]["problem"] == (
        "Unknown system “不存在的系统”: not a system of bj-sasac-2025, and not in the file's "
        "systems table.")


def test_duplicate_hosts_in_the_file_and_on_the_system_are_refused(cast):
    label = cast.system_a1.label
    data = hosts_csv([[label, "a1-new", "2", "4", "", "", "", "", "", ""],
                      [label, "a1-new", "2", "4", "", "", "", "", "", ""],
                      [label, cast.host_a1.name, "2", "4", "", "", "", "", "", ""]])
    problems = refused(cast, data, name="hosts.csv")
    assert [(p["row"], p["column"]) for p in problems] == [(3, "主机名"), (4, "主机名")]
    assert "is on row 2 already" in problems[0]["problem"]
    assert f"has a host named “{cast.host_a1.name}” already" in problems[1]["problem"]


def test_a_system_named_twice_in_the_systems_table_is_refused(cast):
    problems = refused(cast, xlsx(systems=[["name"], ["甲系统"], [" 甲系统 "]]))
    assert problems == [{"sheet": "systems", "row": 3, "column": "name",
                         "problem": "The system “甲系统” is on row 2 already."}]


def test_hosts_may_name_a_system_of_the_same_files_systems_table(cast):
    data = xlsx(系统=[["系统名称"], ["新系统"]],
                主机=[["所属系统", "主机名", "vCPU", "内存(GB)"], ["新系统", "n-01", 1, 1],
                      ["新系统", "n-02", 1, 1]])
    result = import_inventory(cast.contract_a, data, file_name="new.xlsx",
                              actor=cast.purchaser_admin)
    assert (result.systems_created, result.hosts_created) == (1, 2)


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"", "inventory.xlsx", "The file is empty."),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "inventory.pdf",
     "The file is a PDF document, not a spreadsheet; save the table as XLSX or CSV."),
    (bytes(range(256)) * 8, "inventory.xlsx",
     "The file is named .xlsx but is not an XLSX workbook."),
    (bytes(range(256)) * 8, "inventory.csv",
     "The file is not a spreadsheet: neither an XLSX workbook nor CSV text in UTF-8 or "
     "GB18030."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "old.xls",
     "The file is an Excel 97–2003 workbook (.xls) or an encrypted workbook; save it as an "
     "unencrypted .xlsx file."),
    ("<html><table><tr><td>系统名称</td></tr></table></html>".encode(), "export.xls",
     "The file is a web page or XML, not a spreadsheet; save the table as XLSX or CSV."),
    (b"a" * (spreadsheets.MAX_BYTES + 1), "big.csv",
     "The file is larger than 5 MB; split it into smaller files."),
])
def test_a_file_that_is_no_spreadsheet_is_refused(cast, data, name, message):
    assert refused(cast, data, name=name) == [
        {"sheet": "", "row": None, "column": "", "problem": message}]


def test_a_zip_that_is_not_a_workbook_and_a_damaged_workbook_are_refused(cast):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("content.xml", "<office:document/>")
    assert "a ZIP archive but not an XLSX workbook" in refused(
        cast, archive.getvalue())[0]["problem"]
    damaged = a_good_workbook(cast)[:3000]
    assert refused(cast, damaged)[0]["problem"] == (
        "The workbook cannot be read: it is damaged or not an XLSX workbook.")


@pytest.mark.parametrize(("data", "problem"), [
    (xlsx(系统=[SYSTEM_HEADINGS]), {"sheet": "系统", "row": 1, "column": "",
                                  "problem": "The table has headings but no rows."}),
    (csv_bytes([HOST_HEADINGS, [""] * 10, []]),
     {"sheet": "", "row": 1, "column": "", "problem": "The table has headings but no rows."}),
    (xlsx(系统=[]), {"sheet": "系统", "row": None, "column": "",
                   "problem": "The table is empty: it has no heading row."}),
    (xlsx(Sheet1=[["a"]], Sheet2=[["b"]]), {
        "sheet": "", "row": None, "column": "",
        "problem": "The workbook has no sheet named 系统 (systems), 主机 (hosts); its sheets "
                   "are “Sheet1”, “Sheet2”."}),
    (csv_bytes([["编号", "备注"], ["1", "2"]]), {
        "sheet": "", "row": 1, "column": "",
        "problem": "Cannot tell by its headings whether the table lists systems or hosts; "
                   "say which it is."}),
])
def test_a_file_without_rows_or_tables_is_refused(cast, data, problem):
    assert refused(cast, data, name="inventory.xlsx" if data[:2] == b"PK" else "x.csv") == [
        problem]


def test_a_file_of_more_than_5000_rows_is_refused(cast):
    rows = [["名称"]] + [[f"系统 {number}"] for number in range(spreadsheets.MAX_ROWS + 1)]
    rows[0] = ["系统名称"]
    problems = refused(cast, csv_bytes(rows), name="big.csv")
    assert problems == [{"sheet": "", "row": 5002, "column": "",
                         "problem": "The file has more than 5,000 rows; split it into smaller "
                                    "files."}]


def test_a_workbook_that_unpacks_to_too_much_or_runs_too_far_down_or_wide_is_refused(cast):
    bomb = io.BytesIO(a_good_workbook(cast))
    with zipfile.ZipFile(bomb, "a", compression=zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("xl/media/padding.bin", bytes(spreadsheets.MAX_UNPACKED_BYTES))
    assert refused(cast, bomb.getvalue())[0]["problem"] == (
        "The workbook unpacks to more than 100 MB; split it into smaller files.")
    workbook = Workbook()
    workbook.active.title = "系统"
    workbook.active.append(["系统名称"])
    workbook.active.append(["甲"])
    workbook.active.cell(row=spreadsheets.LAST_ROW + 1, column=1, value="far down")
    far = io.BytesIO()
    workbook.save(far)
    assert refused(cast, far.getvalue()) == [{
        "sheet": "系统", "row": None, "column": "",
        "problem": "The sheet goes on past row 50,000; delete the empty rows below the table."}]
    wide = xlsx(系统=[["系统名称", *(f"c{n}" for n in range(70))], ["甲"]])
    assert refused(cast, wide)[0]["problem"] == "The table has more than 64 columns."


@pytest.mark.parametrize(("column", "value", "message"), [
    ("IP地址", "10.0.0.300, 10.0.0.1; abc", "Not an IP address: “10.0.0.300”, “abc”."),
    ("IP地址", "10.0.0.0/24", "Not an IP address: “10.0.0.0/24”."),
    ("状态", "暂停", "Unknown status “暂停”; give one of provisioning (Provisioning), running "
                   "(Running), stopped (Stopped)."),
    ("状态", "已下线", "A decommissioned host is not imported; leave the row out."),
    ("主机名", "h" * 101, "At most 100 characters; this cell has 101."),
])
def test_bad_addresses_statuses_and_texts_are_refused(cast, column, value, message):
    row = [cast.system_a1.label, "a1-new", 2, 4, 0, 0, "", "", "", ""]
    row[HOST_HEADINGS.index(column)] = value
    assert refused(cast, xlsx(主机=[HOST_HEADINGS, row])) == [
        {"sheet": "主机", "row": 2, "column": column, "problem": message}]


def test_a_bad_yes_no_a_missing_required_cell_and_values_without_heading_are_refused(cast):
    data = xlsx(系统=[["系统名称", "高可用", None], ["甲", "也许", None], [None, "是", "x"]])
    assert refused(cast, data) == [
        {"sheet": "系统", "row": 1, "column": "C",
         "problem": "This column has values but no heading."},
        {"sheet": "系统", "row": 2, "column": "高可用",
         "problem": "Give yes or no (是/否, yes/no, true/false, 1/0), not “也许”."},
        {"sheet": "系统", "row": 3, "column": "系统名称", "problem": "This cell is required."},
    ]


def test_hosts_that_together_pass_the_contract_are_refused_naming_item_asked_and_headroom(cast):
    label = cast.system_a1.label
    data = hosts_csv([[label, "big-01", "800", "8", "", "", "", "", "", ""],
                      [label, "big-02", "800", "8", "", "", "", "", "", ""]])
    problems = refused(cast, data, name="hosts.csv")
    assert problems == [{
        "sheet": "", "row": None, "column": "vCPU",
        "problem": "Catalog item 1 (x86 cloud host vCPU (≥2.4 GHz)): 1600 core asked, only "
                   "1392 core of the contracted 1400 left."}]


def test_what_the_contract_does_not_rent_is_refused(cast):
    data = xlsx(主机=[[*HOST_HEADINGS, "host_monitoring"],
                      [cast.system_b1.label, "b1-new", 2, 4, 100, 0, "", "", "", "", "是"]])
    before = stored()
    with pytest.raises(ImportRefused) as refusal:
        import_inventory(cast.contract_b, data, file_name="b.xlsx", actor=cast.outsider)
    assert stored() == before
    assert [(p.column, p.problem) for p in refusal.value.problems] == [
        ("普通存储(GB)", "The contract qinghe-data-2026 does not rent this; leave the cell "
                       "empty."),
        ("host_monitoring", "The contract qinghe-data-2026 does not rent this; leave the cell "
                            "empty.")]


def test_every_problem_of_a_file_is_reported_at_once(cast):
    data = xlsx(系统=[["系统名称", "高可用"], ["甲", "maybe"]],
                主机=[HOST_HEADINGS, [cast.system_a1.label, "", "x", 4],
                      ["nowhere", "h-1", 1, 1, 0, 0, "", "1.2.3", "", "??"]])
    problems = refused(cast, data)
    assert [(p["sheet"], p["row"], p["column"]) for p in problems] == [
        ("系统", 2, "高可用"), ("主机", 2, "主机名"), ("主机", 2, "vCPU"),
        ("主机", 3, "IP地址"), ("主机", 3, "状态"), ("主机", 3, "所属系统")]


# --- who may import ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["purchaser_staff", "vendor_a", "provider_operator",
                                  "supervisor", "outsider"])
def test_only_the_purchaser_admin_of_the_contract_imports(cast, role):
    before = stored()
    with pytest.raises(PermissionDenied):
        import_inventory(cast.contract_a, a_good_workbook(cast), file_name="x.xlsx",
                         actor=getattr(cast, role))
    assert stored() == before
    denied = AuditEvent.objects.get(action="inventory.import", outcome="denied")
    assert denied.actor_username == getattr(cast, role).username


# --- export, and the round trip ----------------------------------------------------------


def workbook_of(data: bytes):
    return load_workbook(io.BytesIO(data))


def sheet_rows(workbook, title: str) -> list[tuple]:
    return list(workbook[title].iter_rows(values_only=True))


def test_the_export_has_systems_hosts_allocation_and_ledger_with_real_types(cast):
    workbook = workbook_of(export_workbook(cast.contract_a, actor=cast.purchaser_admin))
    assert workbook.sheetnames == ["Systems", "Hosts", "Allocation", "Ledger"]
    systems = sheet_rows(workbook, "Systems")
    assert systems[0][:3] == ("System name", "Owner department", "Application vendor")
    assert len(systems) == 1 + cast.contract_a.systems.count()
    hosts = sheet_rows(workbook, "Hosts")
    assert hosts[0][:4] == ("System", "Host name", "vCPU", "Memory (GB)")
    assert "7x24 deep monitoring and O&M of a host" in hosts[0]
    assert hosts[1][:4] == (cast.system_a1.label, "a1-web-01", 4, 8)
    allocation = sheet_rows(workbook, "Allocation")
    assert allocation[1] == (1, "x86 cloud host vCPU (≥2.4 GHz)", "core", 1400, 8, 1392)
    ledger = sheet_rows(workbook, "Ledger")
    assert isinstance(ledger[1][0], datetime) and isinstance(ledger[1][4], int)
    entry = AllocationEntry.objects.order_by("recorded_at", "pk").first()
    assert ledger[1][0] == entry.recorded_at.astimezone(spreadsheets.SHANGHAI).replace(
        tzinfo=None, microsecond=ledger[1][0].microsecond)
    for title in workbook.sheetnames:
        assert workbook[title].freeze_panes == "A2"
    event = AuditEvent.objects.get(action="inventory.export")
    assert event.details["hosts"] == 2 and event.actor_username == "purchaser-admin"


def test_a_vendor_exports_only_its_systems_hosts_and_ledger_entries(cast):
    workbook = workbook_of(export_workbook(cast.contract_a, actor=cast.vendor_a))
    assert workbook.sheetnames == ["Systems", "Hosts", "Ledger"]
    assert [row[0] for row in sheet_rows(workbook, "Systems")[1:]] == [cast.system_a1.label]
    assert [row[1] for row in sheet_rows(workbook, "Hosts")[1:]] == [cast.host_a1.name]
    assert {row[1] for row in sheet_rows(workbook, "Ledger")[1:]} == {cast.system_a1.label}


def test_the_export_refuses_another_tenants_contract(cast):
    with pytest.raises(PermissionDenied):
        export_workbook(cast.contract_b, actor=cast.purchaser_admin)


def test_text_that_looks_like_a_formula_stays_text(cast):
    cast.system_a1.description = "=HYPERLINK(\"http://example.com\",\"x\")"
    cast.system_a1.save(update_fields=["description"])
    workbook = workbook_of(export_workbook(cast.contract_a, actor=cast.purchaser_admin))
    cell = workbook["Systems"]["K2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (
        cast.system_a1.description, "s", True)


def test_a_control_character_is_exported_as_a_visible_mark(cast):
    cast.system_a1.description = "bell\x07 and escape\x1b"
    cast.system_a1.save(update_fields=["description"])
    workbook = workbook_of(export_workbook(cast.contract_a, actor=cast.purchaser_admin))
    assert workbook["Systems"]["K2"].value == "bell\ufffd and escape\ufffd"


def decommission(cast, host, requester):
    change = changes.create_change(actor=requester, system=host.system,
                                   kind=ChangeKind.DECOMMISSION, host=host, reason="迁出",
                                   risk_assessment="无", fallback_plan="无")
    changes.submit_change(change, actor=requester)
    changes.decide_change(change, actor=cast.purchaser_admin, approve=True)
    changes.start_change(change, actor=cast.provider_operator)
    changes.finish_change(change, actor=cast.provider_operator, succeeded=True)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_exported_file_imports_into_the_second_contract(cast, language):
    """Contract B rents no standard storage and no per-host service: the cast's hosts in
    contract A are decommissioned first (a decommissioned host is not exported), and one
    that B can take is registered."""
    decommission(cast, cast.host_a1, cast.purchaser_staff)
    decommission(cast, cast.host_a2, cast.vendor_b)
    register_host(cast.system_a2, name="a2-app-09", vcpu=2, memory_gb=4,
                  performance_storage_gb=50, operating_system="统信 UOS",
                  ip_addresses=["10.2.0.9", "2001:db8::9"], data_center="亦庄",
                  status=HostStatus.STOPPED, reason="test")
    details = csv_bytes([SYSTEM_HEADINGS, [cast.system_a1.label, "改革处", "甲软件有限公司",
                                           "王五", "13800000000", "", "", "亦庄", "酒仙桥",
                                           "是", "第一行\n第二行"]])
    import_inventory(cast.contract_a, details, file_name="details.csv",
                     actor=cast.purchaser_admin)
    with translation.override(language):
        exported = export_workbook(cast.contract_a, actor=cast.purchaser_admin)
    result = import_inventory(cast.contract_b, exported, file_name="a.xlsx",
                              actor=cast.outsider)
    assert (result.systems_created, result.hosts_created, result.vendors_created) == (
        cast.contract_a.systems.count(), 1, 0)
    copy = cast.contract_b.systems.get(label=cast.system_a1.label)
    assert (copy.owner_department, copy.vendor.name, copy.business_phone) == (
        "改革处", "甲软件有限公司", "13800000000")
    assert copy.high_availability and copy.description == "第一行\n第二行"
    host = CloudHost.objects.get(system__contract=cast.contract_b, name="a2-app-09")
    assert (host.system.label, host.vcpu, host.memory_gb, host.performance_storage_gb) == (
        cast.system_a2.label, 2, 4, 50)
    assert host.ip_addresses == ["10.2.0.9", "2001:db8::9"] and host.status == "stopped"
    assert host.operating_system == "统信 UOS" and host.data_center == "亦庄"


# --- the page ----------------------------------------------------------------------------


def english_client(client_for, person):
    client = client_for(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def upload(data: bytes, name: str = "inventory.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_the_import_page_offers_only_the_admins_contracts(cast, client_for):
    response = english_client(client_for, cast.purchaser_admin).get("/inventory/import/")
    html = response.content.decode()
    assert response.status_code == 200
    assert str(cast.contract_a) in html and str(cast.contract_b) not in html
    assert "所属系统" in html and "Host name" in html


def test_the_page_imports_a_good_file_and_says_what_it_stored(cast, client_for):
    client = english_client(client_for, cast.purchaser_admin)
    response = client.post("/inventory/import/", {
        "contract": cast.contract_a.pk, "file": upload(a_good_workbook(cast))}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "inventory.xlsx is imported: 1 systems created, 1 updated" in html
    assert "3 hosts created" in html
    assert cast.contract_a.systems.filter(label="智慧监管驾驶舱").exists()


def test_the_page_lists_every_problem_of_a_refused_file(cast, client_for):
    client = english_client(client_for, cast.purchaser_admin)
    data = hosts_csv([["nowhere", "h-1", "x", "4", "", "", "", "", "", ""]])
    before = stored()
    response = client.post("/inventory/import/", {
        "contract": cast.contract_a.pk, "file": upload(data, "hosts.csv")})
    html = response.content.decode()
    assert response.status_code == 400 and stored() == before
    assert "The file was not imported: 2 problems" in html
    assert "Give a whole number, not “x”." in html and "Unknown system “nowhere”" in html


def test_the_page_refuses_staff_and_another_tenants_contract(cast, client_for):
    before = stored()
    staff = client_for(cast.purchaser_staff)
    assert staff.post("/inventory/import/", {
        "contract": cast.contract_a.pk, "file": upload(a_good_workbook(cast))}).status_code == 403
    assert staff.get("/inventory/import/").status_code == 302
    outsider = client_for(cast.outsider)
    assert outsider.post("/inventory/import/", {
        "contract": cast.contract_a.pk, "file": upload(a_good_workbook(cast))}).status_code == 404
    assert stored() == before


def test_the_export_page_offers_the_contracts_and_downloads_a_workbook(cast, client_for):
    client = english_client(client_for, cast.vendor_a)
    html = client.get("/inventory/export/").content.decode()
    assert f"?contract={cast.contract_a.pk}" in html and str(cast.contract_b) not in html
    response = client.get(f"/inventory/export/?contract={cast.contract_a.pk}")
    assert response["Content-Type"] == spreadsheets.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="bj-sasac-2025-')
    workbook = workbook_of(response.content)
    assert [row[1] for row in sheet_rows(workbook, "Hosts")[1:]] == [cast.host_a1.name]
    assert client.get(f"/inventory/export/?contract={cast.contract_b.pk}").status_code == 404


@pytest.mark.parametrize("contract", ["abc", "²", "-1", "1.0", " 1", "0x1", "",
                                      "99999999999999999999999"])
def test_the_export_page_answers_a_malformed_contract_id_with_not_found(cast, client_for,
                                                                        contract):
    client = client_for(cast.purchaser_admin)
    assert client.get("/inventory/export/", {"contract": contract}).status_code == 404


# --- the API -----------------------------------------------------------------------------


def test_the_api_imports_and_answers_with_counts(cast, client_for):
    client = english_client(client_for, cast.purchaser_admin)
    checked = client.post("/api/inventory-import/", {
        "contract": cast.contract_a.pk, "file": upload(a_good_workbook(cast)),
        "dry_run": "true"})
    assert checked.status_code == 200 and checked.json()["hosts_created"] == 3
    assert not cast.contract_a.systems.filter(label="智慧监管驾驶舱").exists()
    response = client.post("/api/inventory-import/", {
        "contract": cast.contract_a.pk, "file": upload(a_good_workbook(cast))})
    assert response.status_code == 201
    assert response.json() == {"file_name": "inventory.xlsx", "dry_run": False,
                               "systems_created": 1, "systems_updated": 1,
                               "systems_unchanged": 0, "hosts_created": 3, "vendors_created": 1}


def test_the_api_refuses_a_broken_file_with_every_problem(cast, client_for):
    client = english_client(client_for, cast.purchaser_admin)
    before = stored()
    data = hosts_csv([[cast.system_a1.label, "h", "1", "1", "", "", "", "1.2.3.4.5", "", ""]])
    response = client.post("/api/inventory-import/", {
        "contract": cast.contract_a.pk, "file": upload(data, "h.csv"), "kind": "hosts"})
    assert response.status_code == 400 and stored() == before
    assert response.json() == {"problems": [{
        "sheet": "", "row": 2, "column": "IP地址",
        "problem": "Not an IP address: “1.2.3.4.5”."}]}
    bogus = client.post("/api/inventory-import/", {
        "contract": cast.contract_a.pk, "file": upload(data, "h.csv"), "kind": "servers"})
    assert bogus.json()["problems"][0]["problem"] == (
        "Unknown kind of table “servers”; give systems or hosts.")
    missing = client.post("/api/inventory-import/", {"contract": cast.contract_a.pk})
    assert missing.status_code == 400
    assert missing.json()["problems"][0]["column"] == "file"


def test_the_api_refuses_staff_and_another_tenants_contract(cast, client_for):
    data = {"contract": cast.contract_a.pk, "file": upload(a_good_workbook(cast))}
    assert client_for(cast.purchaser_staff).post(
        "/api/inventory-import/", data).status_code == 403
    data["file"] = upload(a_good_workbook(cast))
    assert client_for(cast.outsider).post("/api/inventory-import/", data).status_code == 404
    assert not AuditEvent.objects.filter(action="inventory.import", outcome="success").exists()


def test_the_api_describes_the_file_and_exports_what_the_person_sees(cast, client_for):
    client = english_client(client_for, cast.vendor_b)
    described = client.get(f"/api/inventory-import/?contract={cast.contract_a.pk}").json()
    hosts = next(table for table in described["tables"] if table["kind"] == "hosts")
    assert {"field": "vcpu", "heading": "vCPU", "chinese": "vCPU", "english": "vCPU",
            "required": True} in hosts["columns"]
    assert {"field": "host_antivirus", "heading": "Host antivirus", "chinese": "主机杀毒服务",
            "english": "Host antivirus", "required": False} in hosts["columns"]
    assert described["max_rows"] == 5000
    response = client.get(f"/api/inventory-export/?contract={cast.contract_a.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == spreadsheets.XLSX_CONTENT_TYPE
    workbook = workbook_of(response.content)
    assert [row[1] for row in sheet_rows(workbook, "Hosts")[1:]] == [cast.host_a2.name]
    assert client.get(f"/api/inventory-export/?contract={cast.contract_b.pk}").status_code == 404
    assert client.get("/api/inventory-export/").status_code == 404


# --- the command -------------------------------------------------------------------------


def test_the_command_imports_checks_and_exports(cast, tmp_path):
    path = tmp_path / "清单.xlsx"
    path.write_bytes(a_good_workbook(cast))
    out = io.StringIO()
    before = stored()
    call_command("inventory", "import", str(path), "--contract", "bj-sasac-2025", "--dry-run",
                 "--language", "en", stdout=out)
    assert "no problem, nothing stored (dry run)" in out.getvalue() and stored() == before
    call_command("inventory", "import", str(path), "--contract", "bj-sasac-2025",
                 "--language", "en", stdout=out)
    assert "清单.xlsx into bj-sasac-2025: imported; systems created: 1" in out.getvalue()
    event = AuditEvent.objects.get(action="inventory.import", outcome="success")
    assert event.actor_id is None and event.details["via"] == "command"
    output = tmp_path / "out.xlsx"
    call_command("inventory", "export", "--contract", "bj-sasac-2025", "--output", str(output),
                 stdout=out)
    assert "智慧监管驾驶舱" in [row[0] for row in sheet_rows(
        workbook_of(output.read_bytes()), load_workbook(output).sheetnames[0])]


def test_the_command_prints_every_problem_and_fails(cast, tmp_path):
    path = tmp_path / "hosts.csv"
    path.write_bytes(hosts_csv([["nowhere", "h", "0", "1", "", "", "", "", "", ""]]))
    out = io.StringIO()
    before = stored()
    with pytest.raises(CommandError, match=r"hosts.csv: 2 problem\(s\); nothing was stored"):
        call_command("inventory", "import", str(path), "--contract", "bj-sasac-2025",
                     "--language", "en", stdout=out)
    assert "row 2, vCPU: Give a number from 1 to 1,000,000, not “0”." in out.getvalue()
    assert "row 2, 所属系统: Unknown system “nowhere”" in out.getvalue()
    assert stored() == before
    denied = AuditEvent.objects.get(action="inventory.import", outcome="denied")
    assert denied.details["via"] == "command" and denied.details["problems"] == 2
