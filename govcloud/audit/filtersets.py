"""Filters of the audit log, shared by its page, its exports and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govcloud.audit.choices import Outcome
from govcloud.audit.models import AuditEvent


class AuditEventFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    actor = django_filters.CharFilter(
        field_name="actor_username", lookup_expr="icontains", label=_("Actor")
    )
    action = django_filters.CharFilter(
        method="filter_action", label=_("Action"),
        help_text=_("An action, or the start of one ending with a dot (auth.)."),
    )
    # Declared, not generated from Meta.fields: a generated filter has no label until it
    # knows its model, and the API schema builds its field first, leaving the English
    # field name as the label of every later page.
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("Outcome"))
    date_from = django_filters.DateFilter(
        field_name="occurred_at", lookup_expr="date__gte", label=_("From (date)")
    )
    date_to = django_filters.DateFilter(
        field_name="occurred_at", lookup_expr="date__lte", label=_("To (date)")
    )

    class Meta:
        model = AuditEvent
        fields = ["q", "actor", "action", "outcome", "date_from", "date_to"]

    def filter_action(self, queryset, name, value):
        if value.endswith("."):
            return queryset.filter(action__startswith=value)
        return queryset.filter(action=value)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(actor_username__icontains=value) | Q(action__icontains=value)
            | Q(target_repr__icontains=value) | Q(target_type__icontains=value)
            | Q(target_id=value) | Q(source_address__startswith=value)
            | Q(details__icontains=value)
        )
