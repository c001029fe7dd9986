"""How a contract version reads in text: shared by the ``contract show`` command and tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from govcloud.contract.deadlines import (
    Deadline,
    describe_anchor,
    describe_deadline,
    describe_duration,
)
from govcloud.contract.models import ContractVersion, Kpi, Obligation
from govcloud.contract.services import key_dates, payment_deadlines, term_phase
from govcloud.lib.money import format_yuan


def format_number(value: Decimal | None) -> str:
    """Write a Decimal without trailing zeros: 80, 99.9, 388.7026."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def kpi_target_text(kpi: Kpi) -> str:
    if kpi.rule == "by":
        return _("by %(date)s") % {"date": kpi.target_date}
    target = kpi.effective_target
    if target is None:
        return kpi.description or "—"
    symbol = {"ge": "≥ ", "le": "≤ "}.get(kpi.rule, "")
    return f"{symbol}{format_number(target)} {kpi.display_unit}".strip()


def obligation_rule_text(obligation: Obligation) -> str:
    if obligation.kind == "recurring":
        if obligation.min_count:
            return _("at least %(count)d %(period)s") % {
                "count": obligation.min_count, "period": obligation.get_per_display()}
        period = obligation.get_per_display()
        return _("periodically %(period)s (no count set)") % {"period": period}
    if obligation.kind == "notice":
        channels = channels_text(obligation.channels)
        if obligation.within:
            limit = _("within %(limit)s") % {"limit": describe_duration(obligation.within)}
        else:
            limit = _("immediately")
        return limit + (f" ({channels})" if channels else "")
    if obligation.due is None:  # the schema gives every deadline obligation its rule
        return ""
    return describe_deadline(obligation.due)


def finding_text(finding: dict) -> str:
    """Describe something noticed in a contract file, in the active language."""
    if finding.get("kind") == "duplicate_system_row":
        if finding["stored_as"] == "merged":
            text = _("Rows %(of_row)s and %(row)s of the system table both name %(name)s: "
                     "row %(row)s is merged into the system of row %(of_row)s.")
        else:
            text = _("Rows %(of_row)s and %(row)s of the system table both name %(name)s: "
                     "row %(row)s is kept as a separate system named %(label)s.")
        return text % {"row": finding["row"], "of_row": finding["duplicate_of_row"],
                       "name": f"“{finding['name']}”", "label": f"“{finding['label']}”"}
    return str(finding)


def channels_text(channels: list[str]) -> str:
    names = {"email": _("e-mail"), "sms": _("SMS"), "phone": _("phone"), "letter": _("letter")}
    return _(", ").join(str(names.get(channel, channel)) for channel in channels)


def deadline_state_text(deadline: Deadline) -> str:
    """Say when a deadline falls due, what it waits for, or why it cannot be dated."""
    if deadline.problem:
        return deadline.problem
    if deadline.due_on:
        return str(deadline.due_on)
    events = _(" and ").join(describe_anchor(a) for a in deadline.waiting_for)
    return _("waiting for %(events)s") % {"events": events}


def _fact(label: str, value: object) -> str:
    return f"  {label}: {value}"


def version_as_text(version: ContractVersion, today: date) -> str:
    """Return the whole contract version as the ``contract show`` command prints it."""
    lines: list[str] = []
    add = lines.append
    parties = version.parties
    add(f"{version.title}  [{version.contract.code} v{version.number}]")
    add(_fact(_("Project"), f"{version.project_name} ({version.project_number})"))
    add(_fact(_("Contract number"), version.contract_number))
    add(_fact(_("Signed on"), version.signed_on))
    if version.amendment_title:
        add(_fact(_("Amendment"), f"{version.amendment_title} ({version.amendment_signed_on})"))
    roles = {"purchaser": _("Purchaser"), "provider": _("Provider"),
             "supervisor": _("Supervisor")}
    for role, label in roles.items():
        if role in parties:
            add(_fact(label, parties[role]["name"]))
    phase = term_phase(version, today)
    add(_fact(_("Term"), f"{version.term_start} – {version.term_end} ({phase.label})"))
    if version.transition_start:
        transition = _("from %(start)s until %(until)s") % {
            "start": version.transition_start, "until": version.transition_until}
        add(_fact(_("Transitional service"), transition))
    add("")
    add(_("Money"))
    add(_fact(_("Total including tax"), format_yuan(version.total_including_tax)))
    add(_fact(_("Total excluding tax"), format_yuan(version.total_excluding_tax)))
    tax_label = _("Tax (%(rate)s%%)") % {"rate": format_number(version.tax_rate_percent)}
    add(_fact(tax_label, format_yuan(version.tax_amount)))
    add("")
    add(_("Payment schedule"))
    for milestone, deadline in payment_deadlines(version):
        due = deadline_state_text(deadline)
        share = f"{format_number(milestone.percent)}% = {format_yuan(milestone.amount)}"
        rule = _("due %(rule)s") % {"rule": describe_deadline(milestone.due)}
        add(_fact(milestone.display_name, f"{share}, {rule} — {due}"))
    add("")
    add(_("Key dates"))
    titles = {"renewal": _("Renewal or termination confirmed"),
              "acceptance": _("Acceptance of the O&M work"),
              "deemed_acceptance": _("Deemed accepted without an answer")}
    for key_date in key_dates(version):
        deadline = key_date.deadline
        add(f"  {titles[key_date.key]}: {describe_deadline(deadline.rule)} — "
            f"{deadline_state_text(deadline)}")
    add("")
    add(_("Service catalog"))
    for item in version.catalogitems.all():
        price = f"  {format_yuan(item.unit_price)}/{item.display_unit}" if item.unit_price else ""
        add(f"  {item.number:>2}. {item.display_name}: {item.quantity} {item.display_unit}{price}")
    add("")
    add(_("KPIs"))
    for kpi in version.kpis.all():
        add(f"  {kpi.number:>2}. {kpi.display_name}: {kpi_target_text(kpi)}")
    add("")
    add(_("Hosted systems"))
    for row in version.document["systems"]:
        if row.get("stored_as") != "merged":
            add(f"  {row['row']:>2}. {row['label']}")
    for finding in version.findings:
        add(f"  ! {finding_text(finding)}")
    add("")
    add(_("Obligations"))
    for obligation in version.obligations.all():
        add(f"  - {obligation.display_name}: {obligation_rule_text(obligation)}")
    return "\n".join(lines)
