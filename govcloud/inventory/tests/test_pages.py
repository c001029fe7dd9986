"""The inventory pages: lists with filters, search and HTMX partials, detail pages, the
work queue and the allocation, for every role and scoped to the user."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govcloud.inventory import changes
from govcloud.inventory.choices import ChangeKind, ChangeStatus, HostStatus
from govcloud.inventory.ledger import record_allocation
from govcloud.inventory.models import AllocationEntry, ApplicationSystem, ChangeRequest, CloudHost


def get(client, url: str, **headers):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def results(client, url: str) -> str:
    """Return the table of a list page, without its filter form (which names choices)."""
    return get(client, url, **{"HX-Request": "true"})


def test_the_system_list_shows_the_contracts_systems_with_the_duplicate_marked(cast, client_for):
    html = get(client_for(cast.purchaser_admin), "/systems/?q=应用开发")
    assert "应用开发与管理平台（第27行）" in html and "same name as row 16" in html
    assert "国有资产损失监督追责" not in html


def test_an_htmx_request_gets_only_the_table(cast, client_for):
    html = get(client_for(cast.purchaser_admin), "/systems/?q=京企查", **{"HX-Request": "true"})
    assert "<html" not in html and "京企查" in html


def test_a_vendor_lists_only_its_own_systems_and_hosts(cast, client_for):
    client = client_for(cast.vendor_a)
    systems = get(client, "/systems/")
    assert cast.system_a1.label in systems and cast.system_a2.label not in systems
    hosts = get(client, "/hosts/")
    assert cast.host_a1.name in hosts and cast.host_a2.name not in hosts


def test_the_filter_form_offers_only_visible_contracts(cast, client_for):
    html = get(client_for(cast.purchaser_admin), "/hosts/")
    assert cast.contract_b.current_version.title not in html


def test_a_host_page_shows_its_resources(cast, client_for):
    html = get(client_for(cast.provider_operator), f"/hosts/{cast.host_a1.pk}/")
    assert "a1-web-01" in html and "麒麟 V10" in html and "10.0.0.1" in html


def test_filtering_hosts_by_status(cast, client_for):
    client = client_for(cast.provider_operator)
    assert cast.host_a1.name in get(client, "/hosts/?status=running")
    assert cast.host_a1.name not in get(client, "/hosts/?status=stopped")


def test_the_system_list_costs_the_same_queries_for_any_number_of_systems(cast, client_for):
    client = client_for(cast.purchaser_admin)
    get(client, "/systems/")
    with CaptureQueriesContext(connection) as one_row:
        get(client, "/systems/?q=京企查")
    with CaptureQueriesContext(connection) as all_rows:
        get(client, "/systems/")
    assert len(all_rows) == len(one_row)


# --- every page, every role -------------------------------------------------------------

CONTRACT_PEOPLE = ("purchaser_admin", "purchaser_staff", "vendor_a", "vendor_b",
                   "provider_operator", "provider_manager", "supervisor")
PLATFORM_ADMINS = ("system_admin", "security_admin", "audit_admin")
LIST_PAGES = ("/systems/", "/hosts/", "/inventory/changes/", "/inventory/changes/queue/",
              "/inventory/ledger/", "/inventory/allocation/")


def status_of(client, url: str) -> int:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(url).status_code


@pytest.mark.parametrize("url", LIST_PAGES)
def test_every_list_page_opens_for_the_people_of_a_contract(cast, client_for, url):
    for name in (*CONTRACT_PEOPLE, "outsider"):
        person = getattr(cast, name)
        # The queue is for those who take a step of a change request: not the supervisor.
        takes_steps = url != "/inventory/changes/queue/" or person.role in changes.WORKFLOW.roles
        assert status_of(client_for(person), url) == (200 if takes_steps else 403), name


def test_the_platform_administrators_see_no_allocation(cast, client_for):
    for name in PLATFORM_ADMINS:
        client = client_for(getattr(cast, name))
        for url in ("/inventory/allocation/", "/inventory/ledger/", "/inventory/changes/queue/"):
            assert status_of(client, url) in (403, 404), (name, url)


def detail_pages(cast) -> dict[str, str]:
    change = ChangeRequest.objects.get(system=cast.system_a1, reason="cast")
    return {"system": f"/systems/{cast.system_a1.pk}/", "host": f"/hosts/{cast.host_a1.pk}/",
            "change": f"/inventory/changes/{change.pk}/"}


@pytest.mark.parametrize(("name", "expected"), [
    ("purchaser_admin", 200), ("purchaser_staff", 200), ("vendor_a", 200), ("vendor_b", 404),
    ("provider_operator", 200), ("provider_manager", 200), ("supervisor", 200),
    ("security_admin", 404), ("audit_admin", 404), ("outsider", 404),
])
def test_the_pages_of_system_a1_open_only_for_those_who_see_it(cast, client_for, name,
                                                                expected):
    client = client_for(getattr(cast, name))
    for page, url in detail_pages(cast).items():
        assert status_of(client, url) == expected, f"{name} {page}"


def test_the_system_admin_reads_a_system_but_none_of_its_operations(cast, client_for):
    client = client_for(cast.system_admin)
    html = get(client, f"/systems/{cast.system_a1.pk}/")
    assert cast.host_a1.name not in html and 'id="ledger"' not in html
    assert 'id="hosts"' not in html and 'id="figures"' not in html and "/kpi/" not in html
    assert status_of(client, f"/hosts/{cast.host_a1.pk}/") == 404


def test_contract_b_is_404_to_everyone_of_contract_a(cast, client_for):
    change_b = ChangeRequest.objects.get(contract=cast.contract_b)
    urls = [f"/systems/{cast.system_b1.pk}/edit/", f"/hosts/{cast.host_b1.pk}/",
            f"/inventory/changes/{change_b.pk}/",
            f"/inventory/allocation/?contract={cast.contract_b.pk}",
            f"/inventory/changes/new/?system={cast.system_b1.pk}"]
    for name in ("purchaser_admin", "purchaser_staff", "vendor_a", "provider_operator",
                 "supervisor"):
        client = client_for(getattr(cast, name))
        for url in urls:
            assert status_of(client, url) in (404, 302), f"{name} {url}"
    staff = client_for(cast.purchaser_staff)
    assert status_of(staff, f"/inventory/changes/new/?system={cast.system_b1.pk}") == 404
    assert status_of(staff, f"/inventory/changes/new/?system={cast.system_a2.pk}") == 404
    assert status_of(staff, f"/inventory/changes/new/?system={cast.system_a1.pk}"
                            f"&host={cast.host_a2.pk}&kind=resize") == 404


# --- lists: filters and search ----------------------------------------------------------


def test_the_system_list_filters_by_data_center_and_high_availability(cast, client_for):
    ApplicationSystem.objects.filter(pk=cast.system_a1.pk).update(
        primary_data_center="亦庄机房", backup_data_center="酒仙桥机房", high_availability=True)
    client = client_for(cast.purchaser_admin)
    html = get(client, "/systems/?data_center=酒仙桥机房")
    assert cast.system_a1.label in html and cast.system_a2.label not in html
    html = get(client, "/systems/?high_availability=true")
    assert cast.system_a1.label in html and cast.system_a2.label not in html
    assert "亦庄机房" in get(client, "/systems/")


def test_the_host_list_filters_by_system_and_data_center_and_searches(cast, client_for):
    CloudHost.objects.filter(pk=cast.host_a2.pk).update(data_center="亦庄机房")
    client = client_for(cast.provider_operator)
    html = get(client, f"/hosts/?system={cast.system_a1.pk}")
    assert cast.host_a1.name in html and cast.host_a2.name not in html
    html = get(client, "/hosts/?data_center=亦庄机房")
    assert cast.host_a2.name in html and cast.host_a1.name not in html
    html = get(client, "/hosts/?q=a2-db")
    assert cast.host_a2.name in html and cast.host_a1.name not in html
    assert "Monitoring" in get(client, "/hosts/")


def test_the_change_list_filters_by_status_kind_system_and_reason(cast, client_for):
    change = ChangeRequest.objects.create(
        contract=cast.contract_a, system=cast.system_a1, kind=ChangeKind.SUBSCRIPTION,
        requested={"subscriptions": {"vpn_account": 3}}, reason="新增 VPN 账号给外包团队",
        risk_assessment="无", fallback_plan="收回", created_by=cast.purchaser_staff)
    client = client_for(cast.purchaser_admin)
    row = f'href="/inventory/changes/{change.pk}/"'
    ours = ChangeRequest.objects.get(reason="cast", system=cast.system_a1)
    cast_row = f'href="/inventory/changes/{ours.pk}/"'
    assert row in get(client, "/inventory/changes/?q=外包")
    assert row not in get(client, "/inventory/changes/?q=扩容")
    html = get(client, "/inventory/changes/?status=submitted")
    assert cast_row in html and row not in html
    html = get(client, "/inventory/changes/?kind=subscription")
    assert row in html and cast_row not in html
    html = get(client, f"/inventory/changes/?system={cast.system_a2.pk}")
    assert row not in html and cast_row not in html
    partial = get(client, "/inventory/changes/?kind=subscription", **{"HX-Request": "true"})
    assert "<html" not in partial and row in partial


def test_a_vendor_lists_only_the_change_requests_of_its_systems(cast, client_for):
    html = get(client_for(cast.vendor_a), "/inventory/changes/")
    assert cast.host_a1.name in html and cast.host_a2.name not in html
    assert cast.system_a2.label not in get(client_for(cast.vendor_a), "/inventory/changes/")


def test_the_ledger_lists_the_entries_the_person_sees_and_filters_them(cast, client_for):
    admin = client_for(cast.purchaser_admin)
    html = results(admin, "/inventory/ledger/")
    assert cast.host_a1.name in html and cast.host_a2.name in html
    html = results(admin, f"/inventory/ledger/?system={cast.system_a2.pk}")
    assert cast.host_a2.name in html and cast.host_a1.name not in html
    html = results(admin, "/inventory/ledger/?meter=vcpu")
    assert "+4" in html and "+8" not in html  # vCPU 4 each, memory 8 each
    html = results(admin, f"/inventory/ledger/?host={cast.host_a1.pk}&meter=memory_gb")
    assert html.count("+8") == 1
    old = results(admin, "/inventory/ledger/?recorded_until=2000-01-01")
    assert "No ledger entry matches." in old
    today = timezone.localdate().isoformat()
    assert cast.host_a1.name in results(admin, f"/inventory/ledger/?recorded_from={today}")
    vendor = results(client_for(cast.vendor_a), "/inventory/ledger/")
    assert cast.host_a1.name in vendor and cast.host_a2.name not in vendor


def test_a_ledger_entry_links_its_change_request(cast, client_for):
    change = ChangeRequest.objects.get(system=cast.system_a1, reason="cast")
    AllocationEntry.objects.create(contract=cast.contract_a, system=cast.system_a1,
                                   host=cast.host_a1, change_request=change, meter="vcpu",
                                   delta=2, reason="测试")
    html = get(client_for(cast.supervisor), "/inventory/ledger/?meter=vcpu")
    assert f'href="/inventory/changes/{change.pk}/">#{change.pk}</a>' in html


def test_the_lists_are_paginated(cast, client_for):
    for index in range(55):
        AllocationEntry.objects.create(contract=cast.contract_a, system=cast.system_a1,
                                       meter="vpn_account", delta=1, reason=f"第{index}个")
    html = get(client_for(cast.purchaser_admin), "/inventory/ledger/?meter=vpn_account")
    assert "Page 1 of 2" in html and "page=2" in html
    assert "Page 2 of 2" in get(client_for(cast.purchaser_admin),
                                "/inventory/ledger/?meter=vpn_account&page=2")


# --- system and host pages --------------------------------------------------------------


def test_a_system_page_shows_details_subscriptions_allocation_hosts_changes_and_ledger(
    cast, client_for
):
    ApplicationSystem.objects.filter(pk=cast.system_a1.pk).update(
        owner_department="综合处", business_contact="王敏", business_phone="010-12345678",
        technical_contact="李工", technical_phone="13800000000", primary_data_center="亦庄机房",
        backup_data_center="酒仙桥机房", high_availability=True)
    AllocationEntry.objects.create(contract=cast.contract_a, system=cast.system_a1,
                                   meter="vpn_account", delta=7, reason="开通 VPN")
    html = get(client_for(cast.purchaser_staff), f"/systems/{cast.system_a1.pk}/")
    for text in ("综合处", "王敏", "010-12345678", "李工", "13800000000", "亦庄机房", "酒仙桥机房",
                 "甲软件有限公司", cast.host_a1.name, "开通 VPN", "Request a change",
                 "Edit the details"):
        assert text in html, text
    subscriptions = html[html.index('id="subscriptions"'):html.index('id="allocation"')]
    assert "VPN" in subscriptions and ">7<" in subscriptions
    allocation = html[html.index('id="allocation"'):html.index('id="hosts"')]
    assert ">4<" in allocation  # the host's vCPU
    changes = html[html.index('id="changes"'):html.index('id="ledger"')]
    assert "Resize" in changes
    vendor = get(client_for(cast.vendor_a), f"/systems/{cast.system_a1.pk}/")
    assert "Request a change" in vendor and "Edit the details" not in vendor
    operator = get(client_for(cast.provider_operator), f"/systems/{cast.system_a1.pk}/")
    assert "Request a change" not in operator and "Edit the details" not in operator


def test_a_running_host_offers_the_changes_that_fit_a_running_host(cast, client_for):
    html = get(client_for(cast.purchaser_staff), f"/hosts/{cast.host_a1.pk}/")
    base = f"/inventory/changes/new/?system={cast.system_a1.pk}&amp;host={cast.host_a1.pk}"
    for kind in ("resize", "storage", "services", "restart", "stop", "decommission"):
        assert f"{base}&amp;kind={kind}" in html, kind
    assert f"{base}&amp;kind=start" not in html
    for text in ("Status history", "Ledger entries of this host", "a1-web-01", "Monitoring"):
        assert text in html


def test_a_stopped_host_offers_a_start_and_a_decommissioned_one_nothing(cast, client_for):
    CloudHost.objects.filter(pk=cast.host_a1.pk).update(status=HostStatus.STOPPED)
    client = client_for(cast.vendor_a)
    html = get(client, f"/hosts/{cast.host_a1.pk}/")
    assert "kind=start" in html and "kind=stop" not in html and "kind=restart" not in html
    CloudHost.objects.filter(pk=cast.host_a1.pk).update(status=HostStatus.DECOMMISSIONED)
    assert "kind=" not in get(client, f"/hosts/{cast.host_a1.pk}/")


def test_a_host_page_offers_no_request_to_those_who_do_not_ask(cast, client_for):
    for name in ("purchaser_admin", "provider_operator", "supervisor"):
        html = get(client_for(getattr(cast, name)), f"/hosts/{cast.host_a1.pk}/")
        assert "kind=resize" not in html, name


# --- the queue and the allocation -------------------------------------------------------


def queue_section(html: str, key: str) -> str:
    start = html.index(f'id="queue-{key}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_the_queue_shows_each_role_what_waits_for_it(cast, client_for):
    submitted = ChangeRequest.objects.get(system=cast.system_a1, reason="cast")
    approved = ChangeRequest.objects.create(
        contract=cast.contract_a, system=cast.system_a2, host=cast.host_a2,
        kind=ChangeKind.RESIZE, requested={"vcpu": 8, "memory_gb": 8}, reason="批准待实施",
        risk_assessment="小", fallback_plan="回退", created_by=cast.vendor_b,
        status=ChangeStatus.APPROVED, decided_at=timezone.now())
    link = 'href="/inventory/changes/{}/"'.format
    admin = get(client_for(cast.purchaser_admin), "/inventory/changes/queue/")
    assert "Requests to decide" in admin
    assert link(submitted.pk) in queue_section(admin, "decide")
    assert link(approved.pk) in queue_section(admin, "others")
    operator = get(client_for(cast.provider_operator), "/inventory/changes/queue/")
    assert 'id="queue-decide"' not in operator
    assert link(approved.pk) in queue_section(operator, "start")
    assert link(submitted.pk) in queue_section(operator, "others")
    assert link(submitted.pk) not in queue_section(operator, "start")
    staff = get(client_for(cast.purchaser_staff), "/inventory/changes/queue/")
    assert link(submitted.pk) in queue_section(staff, "others")
    assert link(approved.pk) not in staff
    vendor_b = get(client_for(cast.vendor_b), "/inventory/changes/queue/")
    assert link(approved.pk) in queue_section(vendor_b, "others")
    drafts = queue_section(vendor_b, "submit")
    assert link(ChangeRequest.objects.get(system=cast.system_a2, reason="cast").pk) in drafts


def test_the_queue_lists_the_oldest_first(cast, client_for):
    earlier = timezone.now() - timedelta(days=3)
    older = ChangeRequest.objects.create(
        contract=cast.contract_a, system=cast.system_a1, host=cast.host_a1,
        kind=ChangeKind.STOP, reason="早", risk_assessment="小", fallback_plan="启动",
        created_by=cast.purchaser_staff, status=ChangeStatus.SUBMITTED, submitted_at=earlier)
    html = queue_section(get(client_for(cast.purchaser_admin), "/inventory/changes/queue/"),
                         "decide")
    newer = ChangeRequest.objects.get(system=cast.system_a1, reason="cast")
    assert html.index(f"/inventory/changes/{older.pk}/") < html.index(
        f"/inventory/changes/{newer.pk}/")


def test_the_allocation_page_shows_the_whole_contract_to_contract_wide_roles(cast,
                                                                             client_for):
    html = get(client_for(cast.supervisor), "/inventory/allocation/")
    assert "The whole contract" in html and "Your systems only" not in html
    table = html[html.index('id="allocation-table"'):]
    assert table.count("<tr") == 15  # a header and the 14 catalog items
    assert '<td class="num">1400</td><td class="num">8</td>' in table  # 2 hosts of 4 vCPU
    assert 'id="allocation-data"' in html and "allocation-chart.js" in html
    assert "<script>" not in html  # the CSP allows no inline script
    assert "<meter" in table


def test_a_vendor_sees_the_allocation_of_its_systems_only(cast, client_for):
    html = get(client_for(cast.vendor_a), "/inventory/allocation/")
    assert "Your systems only" in html
    table = html[html.index('id="allocation-table"'):]
    assert '<td class="num">1400</td><td class="num">4</td>' in table


def test_the_allocation_at_a_past_moment(cast, client_for):
    client = client_for(cast.purchaser_admin)
    html = get(client, f"/inventory/allocation/?contract={cast.contract_a.pk}"
                       "&at=2020-01-01T08:00")
    table = html[html.index('id="allocation-table"'):]
    assert '<td class="num">1400</td><td class="num">0</td>' in table
    assert "2020-01-01 08:00" in html
    bad = get(client, "/inventory/allocation/?at=yesterday")
    assert "Enter a valid date/time." in bad and 'id="allocation-table"' in bad
    assert status_of(client, "/inventory/allocation/?contract=abc") == 404


def test_the_ledger_names_who_recorded_an_entry_as_people_know_them(cast, client_for):
    cast.provider_operator.display_name = "孙运维"
    cast.provider_operator.save(update_fields=["display_name"])
    record_allocation(cast.contract_a, cast.system_a1, {"vpn_account": 2}, reason="开通 VPN",
                      actor=cast.provider_operator)
    html = get(client_for(cast.purchaser_admin), "/inventory/ledger/")
    assert "孙运维" in html and "开通 VPN" in html


def test_the_queue_says_how_long_and_for_whom_each_request_waits(cast, client_for):
    now = timezone.now()
    made_long_ago = ChangeRequest.objects.create(
        contract=cast.contract_a, system=cast.system_a2, host=cast.host_a2,
        kind=ChangeKind.RESIZE, requested={"vcpu": 8, "memory_gb": 8}, reason="早建晚批",
        risk_assessment="小", fallback_plan="回退", created_by=cast.vendor_b,
        status=ChangeStatus.IN_PROGRESS, started_at=now - timedelta(hours=1))
    ChangeRequest.objects.filter(pk=made_long_ago.pk).update(
        created_at=now - timedelta(days=30))
    waiting_longer = ChangeRequest.objects.create(
        contract=cast.contract_a, system=cast.system_a2, host=cast.host_a2,
        kind=ChangeKind.STORAGE, requested={"standard_storage_gb": 200}, reason="晚建早批",
        risk_assessment="小", fallback_plan="回退", created_by=cast.vendor_b,
        status=ChangeStatus.IN_PROGRESS, started_at=now - timedelta(days=2))
    client = client_for(cast.provider_operator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = queue_section(get(client, "/inventory/changes/queue/"), "finish")
    first = html.index(f"/inventory/changes/{waiting_longer.pk}/")
    assert first < html.index(f"/inventory/changes/{made_long_ago.pk}/")
    started = timezone.localtime(waiting_longer.started_at).strftime("%Y-%m-%d %H:%M")
    assert started in html and "the provider to finish it" in html


def test_a_refused_step_sends_the_language_switch_back_to_the_page(cast, client_for):
    change = ChangeRequest.objects.get(system=cast.system_a1, reason="cast")
    response = client_for(cast.purchaser_admin).post(
        f"/inventory/changes/{change.pk}/decide/", {"decision": "reject", "decide-note": ""})
    assert response.status_code == 400
    assert f'name="next" type="hidden" value="/inventory/changes/{change.pk}/"' in (
        response.content.decode())
