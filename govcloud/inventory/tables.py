"""The rows of the inventory's long tables (hosts, ledger entries), written in Python.

A list page shows fifty rows of about ten cells. Written through template variables,
filters and ``{% url %}`` tags they cost as much as the rest of the page together (about
24 ms of a 55 ms ledger page); written here, a tenth of that. The header, the empty row
and everything around the rows stay in the templates; ``inventory_rows`` tags place these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.timezone import localtime

from govcloud.inventory.templatetags.inventory import host_badge, service_names, signed

DASH = "—"


def link_maker(route: str) -> Callable[[int], str]:
    """Return a function that writes the link of a route's object by id, reversing each id
    once (a ledger page names the same hosts many times)."""
    links: dict[int, str] = {}

    def link(pk: int) -> str:
        if pk not in links:
            links[pk] = reverse(route, args=[pk])
        return links[pk]

    return link


def host_rows(hosts: Iterable, *, hide_system: bool = False) -> SafeString:
    """The rows of ``_partials/host_table.html``: one a host."""
    host_link = link_maker("host-detail")

    def cells(host) -> tuple:
        system = "" if hide_system else format_html("<td>{}</td>", host.system)
        return (
            host_link(host.pk), host.name, system, host_badge(host.status),
            host.get_status_display(), host.vcpu, host.memory_gb,  # whole numbers: as written
            host.standard_storage_gb, host.performance_storage_gb,
            service_names(host.services), ", ".join(host.ip_addresses or ()) or DASH,
            host.operating_system or DASH, host.data_center or DASH,
        )

    return format_html_join(
        "\n", '<tr><td class="nowrap"><a href="{}">{}</a></td>{}'
        '<td><span class="badge {}">{}</span></td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td>'
        '<td class="nowrap">{}</td><td>{}</td><td>{}</td></tr>',
        (cells(host) for host in hosts))


def ledger_rows(entries: Iterable, *, hide_system: bool = False,
                hide_host: bool = False) -> SafeString:
    """The rows of ``_partials/ledger_table.html``: one an entry, labelled by
    ``presenters.label_entries`` (the catalog item and the recorder's name)."""
    host_link = link_maker("host-detail")
    change_link = link_maker("change-request-detail")

    def cells(entry) -> tuple:
        system = "" if hide_system else format_html("<td>{}</td>", entry.system)
        host = ""
        if not hide_host:
            host = format_html('<td class="nowrap">{}</td>', format_html(
                '<a href="{}">{}</a>', host_link(entry.host_id), entry.host,
            ) if entry.host_id else DASH)
        item = entry.item
        change = format_html('<a href="{}">#{}</a>', change_link(entry.change_request_id),
                             entry.change_request_id) if entry.change_request_id else DASH
        return (
            localtime(entry.recorded_at).strftime("%Y-%m-%d %H:%M"), system, host,
            f"{item.number}. {Truncator(item.display_name).chars(24)}" if item
            else entry.meter,
            "negative" if entry.delta < 0 else "positive", signed(entry.delta),
            item.display_unit if item else "", change, Truncator(entry.reason).chars(40),
            entry.recorded_by or DASH,
        )

    return format_html_join(
        "\n", '<tr><td class="nowrap">{}</td>{}{}<td>{}</td><td class="num {}">{}</td>'
        '<td>{}</td><td>{}</td><td>{}</td><td class="nowrap">{}</td></tr>',
        (cells(entry) for entry in entries))
