"""Forms of sign-in steps and account administration; the rules stay in services.py."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.utils.translation import gettext_lazy as _

from govcloud.accounts.models import SecurityPolicy
from govcloud.accounts.policy import POLICY_FIELDS, POLICY_MINIMUMS
from govcloud.contract.models import Contract, Organization
from govcloud.inventory.models import ApplicationSystem
from govcloud.lib.roles import PLATFORM_ADMIN_ROLES, Role


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Six-digit code"), regex=r"^\d{6}$", max_length=6,
        error_messages={"invalid": _("Enter the six digits your authenticator app shows."),
                        "required": _("Enter the code: the six digits your authenticator "
                                      "app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput)
    new_password1 = forms.CharField(label=_("New password"), widget=forms.PasswordInput,
                                    help_text=None)
    new_password2 = forms.CharField(label=_("New password again"), widget=forms.PasswordInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["new_password1"].help_text = " ".join(password_validators_help_texts())

    def clean_new_password1(self):
        password = self.cleaned_data["new_password1"]
        validate_password(password, self.user)
        return password

    def clean(self):
        data = super().clean()
        if data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords differ."))
        return data


class AccountCreateForm(forms.Form):
    username = forms.RegexField(label=_("User name"), regex=r"^[\w.@+-]{3,150}$")
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", "—")] + [(r.value, r.label) for r in Role if r not in PLATFORM_ADMIN_ROLES],
        required=False,
    )
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.all(), required=False)
    contracts = forms.ModelMultipleChoiceField(
        label=_("Contracts"), queryset=Contract.objects.all(), required=False)
    systems = forms.ModelMultipleChoiceField(
        label=_("Application systems"), queryset=ApplicationSystem.objects.all(),
        required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)


class ScopeForm(forms.Form):
    contracts = forms.ModelMultipleChoiceField(
        label=_("Contracts"), queryset=Contract.objects.all(), required=False)
    systems = forms.ModelMultipleChoiceField(
        label=_("Application systems"), queryset=ApplicationSystem.objects.all(),
        required=False)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class SecurityPolicyForm(forms.ModelForm):
    class Meta:
        model = SecurityPolicy
        fields = list(POLICY_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in POLICY_FIELDS:
            self.fields[name].min_value = POLICY_MINIMUMS[name]
            self.fields[name].widget.attrs["min"] = POLICY_MINIMUMS[name]
