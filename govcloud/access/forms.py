"""Forms of the access pages; the rules themselves live in services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govcloud.contract.models import Contract
from govcloud.inventory.models import ApplicationSystem
from govcloud.lib.step_views import StepForm

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AccessRequestForm(forms.Form):
    contract = forms.ModelChoiceField(queryset=Contract.objects.none(), label=_("Contract"))
    systems = forms.ModelMultipleChoiceField(
        queryset=ApplicationSystem.objects.none(), label=_("Application systems"),
        help_text=_("All of the chosen contract."),
    )
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    scope = forms.CharField(
        label=_("Scope"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Which data will be accessed."),
    )
    window_start = forms.DateTimeField(label=_("Window start"), widget=DATETIME_WIDGET)
    window_end = forms.DateTimeField(label=_("Window end"), widget=DATETIME_WIDGET)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = Contract.objects.restrict(user).for_display()
        self.fields["systems"].queryset = ApplicationSystem.objects.restrict(user)


class AccessUseForm(StepForm):
    action = forms.CharField(
        label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What was done with the data."),
    )


class SystemCredentialForm(forms.Form):
    system = forms.ModelChoiceField(
        queryset=ApplicationSystem.objects.none(), label=_("Application system")
    )
    label = forms.CharField(label=_("Label"), max_length=100,
                            help_text=_("The same label again replaces the stored secret."))
    username = forms.CharField(label=_("User name"), max_length=200, required=False)
    secret = forms.CharField(
        label=_("Secret"), strip=False, widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted with SM4; shown again only on an explicit reveal."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["system"].queryset = ApplicationSystem.objects.restrict(user)
