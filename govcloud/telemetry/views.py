"""Telemetry configuration pages of the provider's O&M team: the sources of each data
center with their push tokens, and the service endpoints probed for KPI 7. The rules live
in configuration.py and tokens.py; these views parse, call them and render."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django.views.generic.detail import SingleObjectMixin

from govcloud.access.views import ObjectActionView, add_errors
from govcloud.lib.views import FilteredListView, RestrictedDetailView, RestrictedMixin
from govcloud.telemetry import configuration, tokens
from govcloud.telemetry.api.filtersets import ServiceEndpointFilterSet, TelemetrySourceFilterSet
from govcloud.telemetry.choices import SOURCE_EDITOR_ROLES, SourceKind
from govcloud.telemetry.forms import PushTokenForm, ServiceEndpointForm, TelemetrySourceForm
from govcloud.telemetry.models import PushToken, ServiceEndpoint, TelemetrySource


class ProviderOnlyMixin:
    """Pages of the provider's O&M team; anyone else is refused (403). The object is
    looked up first, so that another tenant's is a 404 whoever asks."""

    write_roles = SOURCE_EDITOR_ROLES

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if "pk" in kwargs:
                self.kwargs = kwargs
                self.get_object()
            if request.user.role not in SOURCE_EDITOR_ROLES:
                raise PermissionDenied("only the provider's O&M team configures telemetry")
        return super().dispatch(request, *args, **kwargs)


# --- sources ------------------------------------------------------------------------------


class SourceListView(ProviderOnlyMixin, FilteredListView):
    model = TelemetrySource
    queryset = (TelemetrySource.objects.select_related("contract")
                .prefetch_related("push_tokens"))
    filterset_class = TelemetrySourceFilterSet
    template_name = "telemetry/source_list.html"
    partial_template_name = "telemetry/_partials/source_table.html"


class SourceDetailView(ProviderOnlyMixin, RestrictedDetailView):
    model = TelemetrySource
    queryset = TelemetrySource.objects.select_related("contract")
    template_name = "telemetry/source_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        source = self.object
        context.update(
            mapping_text=json.dumps(source.mapping, ensure_ascii=False, indent=2),
            is_push=source.kind == SourceKind.PUSH,
            push_tokens=source.push_tokens.select_related("created_by"),
        )
        context.setdefault("token_form", PushTokenForm())
        return context


def _source_values(data: dict) -> dict:
    return {field: data[field] for field in configuration.SOURCE_FIELDS if field in data}


class SourceFormView(ProviderOnlyMixin, RestrictedMixin, SingleObjectMixin, TemplateView):
    """Create a source (no ``pk``) or edit one."""

    model = TelemetrySource
    template_name = "telemetry/source_form.html"

    def _source(self):
        return self.get_object() if "pk" in self.kwargs else None

    def _form(self, source, data=None):
        initial = None
        if source is not None:
            initial = {field: getattr(source, field) for field in configuration.SOURCE_FIELDS}
        return TelemetrySourceForm(data, initial=initial, user=self.request.user,
                                   source=source)

    def get(self, request, *args, **kwargs):
        self.object = self._source()
        return self.render_to_response(self.get_context_data(form=self._form(self.object)))

    def post(self, request, *args, **kwargs):
        self.object = source = self._source()
        form = self._form(source, request.POST)
        if form.is_valid():
            values = _source_values(form.cleaned_data)
            try:
                if source is None:
                    source = configuration.create_source(
                        actor=request.user, contract=form.cleaned_data["contract"],
                        values=values, request=request)
                else:
                    source = configuration.update_source(source, actor=request.user,
                                                         values=values, request=request)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The source %(name)s is saved.")
                                 % {"name": source.name})
                return redirect("telemetry-source-detail", pk=source.pk)
        if source is not None:
            source.refresh_from_db()
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PushTokenIssueView(ProviderOnlyMixin, ObjectActionView):
    """Issue a push token; its secret is on the answer page, shown this once only."""

    model = TelemetrySource

    def post(self, request, *args, **kwargs):
        source = self.get_object()
        form = PushTokenForm(request.POST)
        if form.is_valid():
            try:
                token, secret = tokens.issue_token(request.user, source,
                                                   form.cleaned_data["name"], request=request)
            except ValidationError as error:
                add_errors(form, error)
            else:
                response = render(request, "telemetry/token_issued.html",
                                  {"token": token, "secret": secret, "source": source})
                response["Cache-Control"] = "no-store"
                return response
        for error in form.non_field_errors():
            messages.error(request, error)
        view = SourceDetailView(request=request, kwargs=self.kwargs, object=source)
        context = view.get_context_data(object=source, token_form=form)
        return render(request, "telemetry/source_detail.html", context, status=400)


class PushTokenRevokeView(ProviderOnlyMixin, ObjectActionView):
    model = PushToken
    queryset = PushToken.objects.select_related("source__contract")

    def post(self, request, *args, **kwargs):
        token = self.get_object()
        try:
            tokens.revoke_token(request.user, token, request=request)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The token %(token)s is revoked: it pushes nothing "
                                        "from now on.") % {"token": token})
        return redirect("telemetry-source-detail", pk=token.source_id)


# --- service endpoints --------------------------------------------------------------------


class EndpointListView(ProviderOnlyMixin, FilteredListView):
    model = ServiceEndpoint
    queryset = ServiceEndpoint.objects.select_related("system__contract")
    filterset_class = ServiceEndpointFilterSet
    template_name = "telemetry/endpoint_list.html"
    partial_template_name = "telemetry/_partials/endpoint_table.html"


class EndpointFormView(ProviderOnlyMixin, RestrictedMixin, SingleObjectMixin, TemplateView):
    """Add an endpoint (no ``pk``) or edit one."""

    model = ServiceEndpoint
    queryset = ServiceEndpoint.objects.select_related("system__contract")
    template_name = "telemetry/endpoint_form.html"

    def _endpoint(self):
        return self.get_object() if "pk" in self.kwargs else None

    def _form(self, endpoint, data=None):
        initial = {"system": self.request.GET.get("system")}
        if endpoint is not None:
            initial = {field: getattr(endpoint, field)
                       for field in configuration.ENDPOINT_FIELDS}
        return ServiceEndpointForm(data, initial=initial, user=self.request.user,
                                   endpoint=endpoint)

    def get(self, request, *args, **kwargs):
        self.object = self._endpoint()
        return self.render_to_response(self.get_context_data(form=self._form(self.object)))

    def post(self, request, *args, **kwargs):
        self.object = endpoint = self._endpoint()
        form = self._form(endpoint, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            values = {field: data[field] for field in configuration.ENDPOINT_FIELDS}
            try:
                if endpoint is None:
                    endpoint = configuration.create_endpoint(
                        actor=request.user, system=data["system"], values=values,
                        request=request)
                else:
                    endpoint = configuration.update_endpoint(
                        endpoint, actor=request.user, values=values, request=request)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The endpoint %(endpoint)s is saved.")
                                 % {"endpoint": endpoint})
                return redirect(f"{reverse('service-endpoint-list')}?system={endpoint.system_id}")
        if endpoint is not None:
            endpoint.refresh_from_db()
        return self.render_to_response(self.get_context_data(form=form), status=400)

