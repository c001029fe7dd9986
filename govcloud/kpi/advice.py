"""A usage finding as advice where a change of the host is decided (C-10 feeding C-9).

The approval page of a resize shows the host's usage over its latest 30 days with data and
what the usage evaluation makes of it; the evaluation page lets the people who ask for
changes start one from a finding, with the suggested size and the finding as its reason.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from govcloud.inventory.choices import ChangeKind
from govcloud.kpi import periods
from govcloud.kpi.presenters import evaluation_row, figures_row
from govcloud.kpi.usage import Finding, evaluate_usage
from govcloud.telemetry import figures

#: The days of usage shown where a change of a host is decided.
ADVICE_DAYS = 30


def change_link(row: dict, period_label: str) -> str:
    """The change form, opened on the finding's host with its advice proposed.

    An idle host is proposed for decommissioning; a low or overloaded one for the
    suggested size, with the finding as the reason.
    """
    reason = _("Usage evaluation %(period)s: %(reason)s") % {
        "period": period_label, "reason": row["reason"]}
    query = {"system": row["system"], "host": row["host"], "reason": reason}
    if row["finding"] == Finding.IDLE:
        query["kind"] = ChangeKind.DECOMMISSION
    else:
        query.update(kind=ChangeKind.RESIZE, vcpu=row["suggested_vcpu"],
                     memory_gb=row["suggested_memory_gb"])
    return f"{reverse('change-request-create')}?{urlencode(query)}"


def host_advice(host, now: datetime | None = None) -> dict:
    """The host's figures over its latest ADVICE_DAYS days with data, and the usage
    evaluation's finding (None when no rule flags it) over the same days."""
    contract = host.system.contract
    period = periods.latest_days_with_data(ADVICE_DAYS, host, now)
    fleet = figures.host_figures(contract, period.first, period.last, systems=[host.system])
    measured = fleet.hosts.get(host.pk)
    evaluation = evaluate_usage(contract, period, systems=[host.system])
    finding = next((item for item in evaluation.findings if item.host.pk == host.pk), None)
    return {"period": period, "row": figures_row(measured) if measured else None,
            "finding": evaluation_row(finding) if finding else None,
            "min_days": evaluation.rules["min_days_observed"]}
