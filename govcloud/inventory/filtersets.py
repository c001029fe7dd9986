"""Filters shared by the inventory pages and API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from govcloud.contract.models import CatalogItem, Contract, Organization
from govcloud.inventory.choices import ChangeKind, ChangeStatus, HostStatus
from govcloud.inventory.models import (
    AllocationEntry,
    ApplicationSystem,
    ChangeRequest,
    CloudHost,
)
from govcloud.lib.filters import visible_to_requester

#: Catalog items have long names; a select as wide as the page helps nobody.
MAX_CHOICE_LABEL = 28
DATE_WIDGET = forms.DateInput(attrs={"type": "date"})
#: A yes/no filter whose empty choice reads "All", not django-filter's "Unknown".
YES_NO_ALL = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]


def _user(filterset):
    request = getattr(filterset, "request", None)
    return getattr(request, "user", None)


def _offer(filterset, name: str, choices) -> None:
    """Let a choice filter offer ``choices``; called before the form is built.

    The filter is this filterset's own copy, but it may carry a form field built earlier
    on the class (the API schema builds them), which would keep the old choices: drop it.
    """
    choice_filter = filterset.filters[name]
    choice_filter.extra["choices"] = list(choices)
    choice_filter.__dict__.pop("_field", None)


def _values(values) -> list[tuple[str, str]]:
    return [(value, value) for value in sorted({value for value in values if value})]


class ApplicationSystemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    contract = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(Contract), label=_("Contract")
    )
    vendor = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(Organization), label=_("Application vendor")
    )
    data_center = django_filters.ChoiceFilter(
        method="in_data_center", label=_("Data center"), choices=[],
    )
    high_availability = django_filters.BooleanFilter(
        label=_("High availability"), widget=forms.Select(choices=YES_NO_ALL))
    listed_in_contract = django_filters.BooleanFilter(
        label=_("Listed in the current contract version"),
        widget=forms.Select(choices=YES_NO_ALL))

    class Meta:
        model = ApplicationSystem
        fields = ["q", "contract", "vendor", "data_center", "high_availability",
                  "listed_in_contract"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        systems = ApplicationSystem.objects.restrict(_user(self))
        _offer(self, "data_center", _values([
            *systems.values_list("primary_data_center", flat=True),
            *systems.values_list("backup_data_center", flat=True),
        ]))

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(label__icontains=value) | Q(owner_department__icontains=value)
            | Q(business_contact__icontains=value) | Q(technical_contact__icontains=value)
        )

    def in_data_center(self, queryset, name, value: str):
        return queryset.filter(Q(primary_data_center=value) | Q(backup_data_center=value))


class CloudHostFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    contract = django_filters.ModelChoiceFilter(
        field_name="system__contract", queryset=visible_to_requester(Contract), label=_("Contract")
    )
    system = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(ApplicationSystem), label=_("Application system")
    )
    status = django_filters.ChoiceFilter(choices=HostStatus.choices, label=_("Status"))
    data_center = django_filters.ChoiceFilter(label=_("Data center"), choices=[])

    class Meta:
        model = CloudHost
        fields = ["q", "contract", "system", "status", "data_center"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hosts = CloudHost.objects.restrict(_user(self))
        _offer(self, "data_center", _values(hosts.values_list("data_center", flat=True)))

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(operating_system__icontains=value)
            | Q(system__label__icontains=value)
        )


class ChangeRequestFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=ChangeStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=ChangeKind.choices, label=_("Kind"))
    contract = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(Contract), label=_("Contract")
    )
    system = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(ApplicationSystem), label=_("Application system")
    )
    host = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(CloudHost), label=_("Cloud host")
    )

    class Meta:
        model = ChangeRequest
        fields = ["q", "status", "kind", "contract", "system", "host"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(reason__icontains=value) | Q(host__name__icontains=value))


class AllocationEntryFilterSet(django_filters.FilterSet):
    contract = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(Contract), label=_("Contract")
    )
    system = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(ApplicationSystem), label=_("Application system")
    )
    meter = django_filters.ChoiceFilter(label=_("Catalog item"), choices=[])
    host = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(CloudHost), label=_("Cloud host")
    )
    recorded_from = django_filters.DateFilter(
        field_name="recorded_at", lookup_expr="date__gte", label=_("From"), widget=DATE_WIDGET,
    )
    recorded_until = django_filters.DateFilter(
        field_name="recorded_at", lookup_expr="date__lte", label=_("Until"), widget=DATE_WIDGET,
    )

    class Meta:
        model = AllocationEntry
        fields = ["contract", "system", "meter", "host", "recorded_from", "recorded_until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        contracts = Contract.objects.restrict(_user(self))
        items = CatalogItem.objects.filter(
            version__contract__in=contracts, version__is_current=True
        ).order_by("number")
        labels: dict[str, str] = {}
        for item in items:
            labels.setdefault(item.meter, Truncator(f"{item.number}. {item.display_name}")
                              .chars(MAX_CHOICE_LABEL))
        _offer(self, "meter", labels.items())

    @property
    def form(self):
        """The form, whose host list offers the chosen system's hosts only: a fleet of
        thousands is no list to pick from, and writing it out cost more than the page.
        Any visible host is still accepted (the API's ``?host=``)."""
        form = super().form
        field = form.fields["host"]
        if not isinstance(field.widget.choices, list):
            field.widget.choices = [("", field.empty_label), *self._host_choices(field.queryset)]
        return form

    def _host_choices(self, hosts) -> list[tuple[int, str]]:
        system, host = (str(self.data.get(name) or "") for name in ("system", "host"))
        wanted = Q(pk=int(host)) if host.isdigit() else Q(pk__in=[])
        if system.isdigit():
            wanted |= Q(system_id=int(system))
        return list(hosts.filter(wanted).order_by("name").values_list("pk", "name"))
