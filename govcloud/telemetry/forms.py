"""Forms of the telemetry source and service endpoint pages; the rules live in
configuration.py and tokens.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govcloud.contract.models import Contract
from govcloud.inventory.models import ApplicationSystem, CloudHost
from govcloud.telemetry.choices import ProbeKind, SourceKind
from govcloud.telemetry.configuration import MAX_INTERVAL_SECONDS


class TelemetrySourceForm(forms.Form):
    contract = forms.ModelChoiceField(queryset=Contract.objects.none(), label=_("Contract"))
    name = forms.CharField(label=_("Name"), max_length=100)
    data_center = forms.CharField(
        label=_("Data center"), max_length=100, required=False,
        help_text=_("The hosts of this data center, as their records name it; empty for "
                    "every host of the contract."),
        widget=forms.TextInput(attrs={"list": "data-centers"}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[])
    url = forms.CharField(
        label=_("URL"), max_length=300, required=False,
        help_text=_("Prometheus: its base URL, such as http://127.0.0.1:9090."))
    mapping = forms.JSONField(
        label=_("Label mapping"), required=False, initial=dict,
        widget=forms.Textarea(attrs={"rows": 6, "class": "code"}),
        help_text=_("A JSON object. Prometheus: host_label, host_match (ip or name), node_job, "
                    "probe_job, queries, backfill_seconds; node_exporter: targets, port, "
                    "scheme, path, probe_endpoints. See docs/telemetry.md."),
    )
    interval_seconds = forms.IntegerField(
        label=_("Sampling interval (seconds)"), min_value=1, max_value=MAX_INTERVAL_SECONDS,
        initial=60)
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)

    def __init__(self, *args, user, source=None, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [(value, label) for value, label in SourceKind.choices
                 if value != SourceKind.SIMULATOR
                 or (source is not None and source.kind == SourceKind.SIMULATOR)]
        self.fields["kind"].choices = kinds
        if source is None:
            self.fields["contract"].queryset = Contract.objects.restrict(user).for_display()
        else:
            del self.fields["contract"]
        hosts = CloudHost.objects.restrict(user).exclude(data_center="")
        self.data_centers = sorted(set(hosts.values_list("data_center", flat=True)))

    def clean_mapping(self):
        mapping = self.cleaned_data["mapping"]
        return {} if mapping is None else mapping

    def clean_url(self):
        return self.cleaned_data["url"].strip()


class PushTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=100,
        help_text=_("Who sends with it, such as the collector of one data center."))


class ServiceEndpointForm(forms.Form):
    system = forms.ModelChoiceField(queryset=ApplicationSystem.objects.none(),
                                    label=_("Application system"))
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProbeKind.choices)
    target = forms.CharField(
        label=_("Target"), max_length=300,
        help_text=_("host:port for TCP, such as 10.0.0.5:443; a URL for HTTP, such as "
                    "https://10.0.0.5/health."))
    enabled = forms.BooleanField(label=_("Probed"), required=False, initial=True)

    def __init__(self, *args, user, endpoint=None, **kwargs):
        super().__init__(*args, **kwargs)
        if endpoint is None:
            self.fields["system"].queryset = ApplicationSystem.objects.restrict(user)
        else:
            del self.fields["system"]
