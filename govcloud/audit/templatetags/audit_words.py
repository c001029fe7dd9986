"""Template filters that show audit records in words (govcloud.audit.presenters)."""

from __future__ import annotations

from django import template

from govcloud.audit import presenters

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return presenters.action_label(code)


@register.filter
def role_label(code: str) -> str:
    return presenters.role_label(code)


@register.filter
def detail_items(details: dict) -> list[tuple[str, str]]:
    return presenters.detail_items(details or {})
