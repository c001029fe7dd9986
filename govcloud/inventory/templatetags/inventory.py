"""Template filters of the inventory pages: short names of services, badges of statuses."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()

#: Short names of the per-host services (catalog items 9–12) for tables; the catalog's own
#: names run to a sentence.
SERVICE_NAMES = {
    "host_monitoring": _("Monitoring"),
    "host_antivirus": _("Antivirus"),
    "host_protection": _("Protection"),
    "host_vulnerability_scan": _("Vulnerability scan"),
}
CHANGE_BADGES = {
    "submitted": "info", "approved": "info", "in_progress": "warn", "done": "ok",
    "verified": "ok", "rejected": "bad", "failed": "bad",
}
HOST_BADGES = {"running": "ok", "stopped": "warn", "decommissioned": "bad"}


@register.filter
def service_names(meters) -> str:
    """Return the short names of a host's services, or a dash."""
    separator = "、" if (get_language() or "").startswith("zh") else ", "
    return separator.join(str(SERVICE_NAMES.get(meter, meter)) for meter in meters or ()) or "—"


@register.filter
def change_badge(status: str) -> str:
    return CHANGE_BADGES.get(status, "")


@register.filter
def host_badge(status: str) -> str:
    return HOST_BADGES.get(status, "")


@register.filter
def signed(number) -> str:
    """Return a change with its sign: +4, −2, 0."""
    if number is None:
        return ""
    return f"+{number}" if number > 0 else ("0" if number == 0 else f"−{-number}")
