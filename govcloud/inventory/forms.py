"""Forms of the inventory pages; the rules themselves live in changes.py and services.py."""

from __future__ import annotations

from django import forms
from django.forms.models import fields_for_model, model_to_dict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govcloud.contract.models import Contract
from govcloud.inventory.changes import (
    MAX_QUANTITY,
    SIZE_FIELDS,
    STORAGE_FIELDS,
    SYSTEM_METERS,
    TEXT_LIMITS,
)
from govcloud.inventory.choices import OPERATION_KINDS, ChangeKind
from govcloud.inventory.ledger import HOST_SERVICE_METERS, allocated_by_meter
from govcloud.inventory.models import ApplicationSystem, CloudHost
from govcloud.inventory.services import SYSTEM_DETAIL_FIELDS
from govcloud.lib.step_views import NoteForm, StepForm

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXTAREA = {"rows": 3}
#: The size and storage fields of a host, by the meter of the catalog item each counts.
QUANTITY_LABELS = {
    "vcpu": _("vCPU"),
    "memory_gb": _("Memory (GB)"),
    "standard_storage_gb": _("Standard storage (GB)"),
    "performance_storage_gb": _("High-performance storage (GB)"),
}


def second_factor_field() -> forms.CharField:
    return forms.CharField(
        label=_("Code of your authenticator app"), required=False, max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "size": 8}),
        help_text=_("An operation on a host is submitted only with your second factor (C-17)."),
    )


class ChangeRequestForm(forms.Form):
    """A change of one system or host: the values its kind asks for, then why and how.

    The value fields depend on the kind and are prefilled with what the host or the system
    has now; ``requested()`` gives them in the shape changes.create_change takes.
    """

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs=TEXTAREA))
    risk_assessment = forms.CharField(
        label=_("Risk assessment"), widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("What could go wrong, and what the users of the system will notice."),
    )
    fallback_plan = forms.CharField(
        label=_("Fallback plan"), widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("How to return to the state before the change if it fails."),
    )

    TEXT_FIELDS = ("reason", "risk_assessment", "fallback_plan")

    def __init__(self, *args, kind: str, system: ApplicationSystem, host: CloudHost | None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.system, self.host = kind, system, host
        catalog = {item.meter: item
                   for item in system.contract.current_version.catalogitems.order_by("number")}
        self.catalog = catalog
        values: dict[str, forms.Field] = {}
        if kind == ChangeKind.NEW_HOST:
            values["name"] = forms.CharField(label=_("Host name"),
                                             max_length=TEXT_LIMITS["name"])
            values.update(self._quantities(SIZE_FIELDS, minimum=1))
            values.update(self._quantities(self._storage_fields(), minimum=0))
            values["operating_system"] = forms.CharField(
                label=_("Operating system"), required=False,
                max_length=TEXT_LIMITS["operating_system"])
            values["data_center"] = forms.CharField(
                label=_("Data center"), required=False, max_length=TEXT_LIMITS["data_center"],
                initial=system.primary_data_center)
            values["services"] = self._services_field(initial=[])
        elif kind == ChangeKind.RESIZE:
            values.update(self._quantities(SIZE_FIELDS, minimum=1))
        elif kind == ChangeKind.STORAGE:
            values.update(self._quantities(self._storage_fields(), minimum=0))
        elif kind == ChangeKind.SERVICES:
            values["services"] = self._services_field(
                initial=list(host.services) if host else [])
        elif kind == ChangeKind.SUBSCRIPTION:
            values.update(self._subscription_fields())
        if kind in OPERATION_KINDS:
            values["second_factor"] = second_factor_field()
        self.value_names = list(values)
        self.fields = {**values, **self.fields}

    def _quantities(self, names, *, minimum: int) -> dict[str, forms.Field]:
        host = self.host
        return {
            name: forms.IntegerField(
                label=QUANTITY_LABELS[name], min_value=minimum, max_value=MAX_QUANTITY,
                initial=getattr(host, name) if host else None,
                widget=forms.NumberInput(attrs={"class": "short"}))
            for name in names
        }

    def _storage_fields(self) -> list[str]:
        """The storage sizes the contract rents, and any the host has already."""
        host = self.host
        return [name for name in STORAGE_FIELDS
                if name in self.catalog or (host and getattr(host, name))]

    def _services_field(self, *, initial: list[str]) -> forms.MultipleChoiceField:
        offered = [(meter, item.display_name) for meter, item in self.catalog.items()
                   if meter in HOST_SERVICE_METERS]
        return forms.MultipleChoiceField(
            label=_("Per-host services"), choices=offered, required=False, initial=initial,
            widget=forms.CheckboxSelectMultiple)

    def _subscription_fields(self) -> dict[str, forms.Field]:
        current = allocated_by_meter(self.system.contract, system=self.system)
        self.current_subscriptions = {meter: current.get(meter, 0)
                                      for meter in SYSTEM_METERS if meter in self.catalog}
        return {
            f"subscription_{meter}": forms.IntegerField(
                label=f"{self.catalog[meter].number}. {self.catalog[meter].display_name} "
                      f"({self.catalog[meter].display_unit})",
                min_value=0, max_value=MAX_QUANTITY, initial=quantity,
                widget=forms.NumberInput(attrs={"class": "short"}))
            for meter, quantity in self.current_subscriptions.items()
        }

    def value_fields(self):
        return [self[name] for name in self.value_names]

    def text_fields(self):
        return [self[name] for name in self.TEXT_FIELDS]

    def requested(self) -> dict:
        """Return the wanted values; for subscriptions, only the quantities that change."""
        data = self.cleaned_data
        if self.kind == ChangeKind.SUBSCRIPTION:
            return {"subscriptions": {
                meter: data[f"subscription_{meter}"]
                for meter, quantity in self.current_subscriptions.items()
                if data.get(f"subscription_{meter}") not in (None, quantity)
            }}
        return {name: data[name] for name in self.value_names
                if name != "second_factor" and data.get(name) is not None}


class SubmitForm(StepForm):
    second_factor = second_factor_field()


class FinishForm(NoteForm):
    """Done or failed, by the button pressed (``outcome=done``); a new host's addresses."""

    ip_addresses = forms.CharField(
        label=_("IP addresses"), required=False, max_length=500,
        help_text=_("A new host only: the addresses the cloud gave it, separated by commas."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if getattr(self.obj, "kind", ChangeKind.NEW_HOST) != ChangeKind.NEW_HOST:
            del self.fields["ip_addresses"]

    def arguments(self) -> dict:
        return {"ip_addresses": (), **self.cleaned_data,
                "succeeded": self.data.get("outcome") == "done"}


class SystemDetailsForm(forms.Form):
    """The details of a system the purchaser's people keep (services.SYSTEM_DETAIL_FIELDS)."""

    def __init__(self, *args, system: ApplicationSystem, **kwargs):
        kwargs.setdefault("initial", model_to_dict(system, fields=SYSTEM_DETAIL_FIELDS))
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(
            ApplicationSystem, fields=SYSTEM_DETAIL_FIELDS,
            widgets={"description": forms.Textarea(attrs=TEXTAREA)},
        ))


class AllocationForm(forms.Form):
    """Which contract's allocation, at which moment (now when empty)."""

    contract = forms.ModelChoiceField(queryset=Contract.objects.none(), label=_("Contract"),
                                      required=False, empty_label=None)
    at = forms.DateTimeField(label=_("At"), required=False, widget=DATETIME_WIDGET,
                             help_text=_("Beijing time; empty for now."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = Contract.objects.restrict(user).for_display()

    def clean_at(self):
        moment = self.cleaned_data.get("at")
        if moment is not None and moment > timezone.now():
            raise forms.ValidationError(_("The allocation of a future moment is not known yet."))
        return moment
