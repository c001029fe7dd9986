"""Template filters of the KPI pages: figures without noise, targets as the contract says."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from govcloud.kpi import presenters

register = template.Library()


@register.filter
def figure(value, digits: int = 2) -> str:
    """Write a number with at most ``digits`` decimals and no trailing zeros; None as ''."""
    return presenters.figure_text(value, digits)


@register.filter
def kpi_target(row) -> str:
    """A scorecard row's target: "≥ 90 %", "by 2025-12-31", "done"."""
    if row.rule == "by":
        return _("by %(date)s") % {"date": row.target}
    if row.target is None:
        return _("done") if row.rule == "done" else "—"
    symbol = {"ge": "≥ ", "le": "≤ "}.get(row.rule, "")
    text = f"{symbol}{figure(row.target, 4)} {row.unit}".strip()
    return _("done (%(target)s)") % {"target": text} if row.rule == "done" else text


@register.filter
def evidence_items(evidence: dict) -> list:
    return presenters.evidence_items(evidence or {})
