"""Forms of the maintenance pages (C-16); the rules live in maintenance.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govcloud.contract.models import Contract
from govcloud.inventory.models import ApplicationSystem
from govcloud.lib.step_views import DecisionForm

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MaintenanceWindowForm(forms.Form):
    """The provider's announcement; times are read in Beijing time."""

    contract = forms.ModelChoiceField(queryset=Contract.objects.none(), label=_("Contract"),
                                      empty_label=None)
    system = forms.ModelChoiceField(
        queryset=ApplicationSystem.objects.none(), label=_("Application system"),
        required=False, empty_label=_("The whole platform"),
        help_text=_("Empty for maintenance of the whole platform."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What is done, what users will notice, and how it is rolled back."),
    )
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME_WIDGET,
                                    help_text=_("Beijing time."))
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME_WIDGET,
                                  help_text=_("Beijing time."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = Contract.objects.restrict(user).for_display()
        self.fields["system"].queryset = ApplicationSystem.objects.restrict(user)\
            .select_related("contract")


class MaintenanceDecisionForm(DecisionForm):
    note = forms.CharField(
        label=_("Decision note"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the maintenance is rejected."),
    )
