"""Tags that place the rows of the inventory's long tables (``inventory/tables.py``)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from govcloud.inventory import tables

register = template.Library()


@register.simple_tag
def host_rows(hosts, hide_system=False) -> SafeString:
    return tables.host_rows(hosts, hide_system=bool(hide_system))


@register.simple_tag
def ledger_rows(entries, hide_system=False, hide_host=False) -> SafeString:
    return tables.ledger_rows(entries, hide_system=bool(hide_system),
                              hide_host=bool(hide_host))
