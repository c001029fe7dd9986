"""Filters of telemetry sources, push tokens and service endpoints, shared by the pages and
the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from govcloud.contract.models import Contract
from govcloud.inventory.models import ApplicationSystem
from govcloud.lib.filters import visible_to_requester
from govcloud.telemetry.choices import ProbeKind, SourceKind
from govcloud.telemetry.models import PushToken, ServiceEndpoint, TelemetrySource

YES_NO_ALL = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]


class TelemetrySourceFilterSet(django_filters.FilterSet):
    contract = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(Contract), label=_("Contract"))
    kind = django_filters.ChoiceFilter(choices=SourceKind.choices, label=_("Kind"))
    enabled = django_filters.BooleanFilter(label=_("Enabled"),
                                           widget=forms.Select(choices=YES_NO_ALL))

    class Meta:
        model = TelemetrySource
        fields = ["contract", "kind", "enabled"]


class PushTokenFilterSet(django_filters.FilterSet):
    source = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(TelemetrySource), label=_("Telemetry source"))
    revoked = django_filters.BooleanFilter(
        field_name="revoked_at", lookup_expr="isnull", exclude=True, label=_("Revoked"),
        widget=forms.Select(choices=YES_NO_ALL))

    class Meta:
        model = PushToken
        fields = ["source", "revoked"]


class ServiceEndpointFilterSet(django_filters.FilterSet):
    contract = django_filters.ModelChoiceFilter(
        field_name="system__contract", queryset=visible_to_requester(Contract),
        label=_("Contract"))
    system = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(ApplicationSystem), label=_("Application system"))
    kind = django_filters.ChoiceFilter(choices=ProbeKind.choices, label=_("Kind"))
    enabled = django_filters.BooleanFilter(label=_("Enabled"),
                                           widget=forms.Select(choices=YES_NO_ALL))

    class Meta:
        model = ServiceEndpoint
        fields = ["contract", "system", "kind", "enabled"]
