"""Template filters for money, numbers and contract rules."""

from __future__ import annotations

from django import template

from govcloud.contract.deadlines import describe_deadline
from govcloud.contract.presenters import (
    finding_text,
    format_number,
    kpi_target_text,
    obligation_rule_text,
)
from govcloud.lib.money import format_yuan

register = template.Library()


@register.filter
def yuan(amount) -> str:
    return "" if amount is None else format_yuan(amount)


@register.filter
def plain_number(value) -> str:
    return format_number(value)


@register.filter
def deadline_text(rule) -> str:
    return describe_deadline(rule) if rule else ""


@register.filter
def kpi_target(kpi) -> str:
    return kpi_target_text(kpi)


@register.filter
def obligation_rule(obligation) -> str:
    return obligation_rule_text(obligation)


@register.filter
def finding(value) -> str:
    return finding_text(value)
