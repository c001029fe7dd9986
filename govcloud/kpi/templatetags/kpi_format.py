"""Template filters of the KPI pages: figures without noise, targets as the contract says."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import mark_safe
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


#: The columns of a host's series table (presenters.series_table), in order.
SERIES_COLUMNS = ("availability", "cpu_mean", "cpu_p95", "cpu_max", "memory_mean",
                  "memory_p95", "memory_max", "disk_used_gb")


@register.simple_tag
def series_rows(table: list[dict]) -> str:
    """The rows of a host's series table, written out at once: a month of hours is
    thousands of cells, which the template loop renders ten times slower. Every cell is
    a number or a date presenters.series_table wrote, and is escaped all the same."""
    rows = []
    for row in table:
        cells = "".join(f'<td class="num">{escape(row[name])}</td>' for name in SERIES_COLUMNS)
        rows.append(f"<tr><td>{escape(row['at'])}</td>{cells}</tr>")
    return mark_safe("\n".join(rows))
