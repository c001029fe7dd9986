"""The rows of the inventory's long tables (hosts, ledger entries), written in Python.

A list page shows fifty rows of about ten cells. Written through template variables,
filters and ``{% url %}`` tags they cost as much as the rest of the page together (about
24 ms of a 55 ms ledger page); written here, a tenth of that. The header, the empty row
and everything around the rows stay in the templates; the ``inventory_tables`` tags
place these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.timezone import localtime

from govcloud.inventory.templatetags.inventory import host_badge, service_names, signed

DASH = "—"


#: An id no object has, standing for the id in a route reversed once for a whole table.
STAND_IN_ID = 9876543210123


def link_maker(route: str) -> Callable[[int], str]:
    """Return a function that writes the link of a route's object by id: the route is
    reversed once, with a stand-in id, not once a row."""
    pattern = reverse(route, args=[STAND_IN_ID])
    stand_in = str(STAND_IN_ID)

    def link(pk: int) -> str:
        return pattern.replace(stand_in, str(int(pk)))

    return link


def host_rows(hosts: Iterable, *, hide_system: bool = False) -> SafeString:
    """The rows of ``_partials/host_table.html``: one a host."""
    host_link = link_maker("host-detail")
    # Translated once a page, not once a host: a status badge, a list of services.
    statuses: dict[str, str] = {}
    services: dict[tuple[str, ...], str] = {}
    rows = []
    for host in hosts:
        system = "" if hide_system else f"<td>{text(host.system)}</td>"
        if host.status not in statuses:
            statuses[host.status] = (f'<span class="badge {text(host_badge(host.status))}">'
                                     f'{text(host.get_status_display())}</span>')
        named = tuple(host.services or ())
        if named not in services:
            services[named] = text(service_names(named))
        rows.append(
            f'<tr><td class="nowrap"><a href="{text(host_link(host.pk))}">{text(host.name)}'
            f'</a></td>{system}<td>{statuses[host.status]}</td>'
            # whole numbers, written as they are
            f'<td class="num">{host.vcpu}</td><td class="num">{host.memory_gb}</td>'
            f'<td class="num">{host.standard_storage_gb}</td>'
            f'<td class="num">{host.performance_storage_gb}</td>'
            f'<td>{services[named]}</td>'
            f'<td class="nowrap">{text(", ".join(host.ip_addresses or ()) or DASH)}</td>'
            f'<td>{text(host.operating_system or DASH)}</td>'
            f'<td>{text(host.data_center or DASH)}</td></tr>')
    return mark_safe("\n".join(rows))  # every value above is escaped


def ledger_rows(entries: Iterable, *, hide_system: bool = False,
                hide_host: bool = False) -> SafeString:
    """The rows of ``_partials/ledger_table.html``: one an entry, labelled by
    ``presenters.label_entries`` (the catalog item and the recorder's name)."""
    host_link = link_maker("host-detail")
    change_link = link_maker("change-request-detail")
    items: dict[int, tuple[str, str]] = {}  # catalog item id -> its label and unit
    rows = []
    for entry in entries:
        system = "" if hide_system else f"<td>{text(entry.system)}</td>"
        host = ""
        if not hide_host:
            named = (f'<a href="{text(host_link(entry.host_id))}">{text(entry.host)}</a>'
                     if entry.host_id else DASH)
            host = f'<td class="nowrap">{named}</td>'
        item = entry.item
        if item is None:
            label, unit = text(entry.meter), ""
        else:
            if item.pk not in items:
                items[item.pk] = (text(f"{item.number}. {truncated(item.display_name, 24)}"),
                                  text(item.display_unit))
            label, unit = items[item.pk]
        change = DASH
        if entry.change_request_id:
            change = (f'<a href="{text(change_link(entry.change_request_id))}">'
                      f'#{entry.change_request_id}</a>')
        rows.append(
            f'<tr><td class="nowrap">{localtime(entry.recorded_at):%Y-%m-%d %H:%M}</td>'
            f'{system}{host}<td>{label}</td>'
            f'<td class="num {"negative" if entry.delta < 0 else "positive"}">'
            f'{text(signed(entry.delta))}</td><td>{unit}</td><td>{change}</td>'
            f'<td>{text(truncated(entry.reason, 40))}</td>'
            f'<td class="nowrap">{text(entry.recorded_by or DASH)}</td></tr>')
    return mark_safe("\n".join(rows))  # every value above is escaped


def text(value) -> str:
    """A value as a template writes it: escaped, unless it is marked safe."""
    return conditional_escape(value)


def truncated(value: str, length: int) -> str:
    """``truncatechars``: the text, or its first characters and an ellipsis."""
    return value if len(value) <= length else Truncator(value).chars(length)
