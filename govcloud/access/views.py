"""Provider access pages (C-18): requests, decisions, uses, and stored credentials."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from govcloud.access import services
from govcloud.access.choices import PROVIDER_ROLES, PURCHASER_ROLES, AccessStatus
from govcloud.access.filtersets import AccessRequestFilterSet, SystemCredentialFilterSet
from govcloud.access.forms import AccessRequestForm, AccessUseForm, SystemCredentialForm
from govcloud.access.models import AccessRequest, SystemCredential
from govcloud.lib.step_views import DecisionForm, NoteForm, StepAction, StepView, add_errors
from govcloud.lib.views import (
    FilteredListView,
    ObjectActionView,
    RestrictedDetailView,
    RestrictedMixin,
)


class AccessRequestListView(FilteredListView):
    model = AccessRequest
    queryset = AccessRequest.objects.select_related("contract", "requested_by")
    filterset_class = AccessRequestFilterSet
    partial_template_name = "access/_partials/request_table.html"


class AccessRequestDetailView(RestrictedDetailView):
    model = AccessRequest
    queryset = AccessRequest.objects.select_related(
        "contract", "requested_by", "decided_by", "revoked_by"
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        access_request = self.object
        context.update(
            systems=access_request.systems.all(),
            uses=access_request.uses.select_related("used_by"),
            **AccessStepView.empty_forms(self.request.user, access_request),
        )
        return context


class AccessRequestCreateView(RestrictedMixin, FormView):
    write_roles = PROVIDER_ROLES
    """The provider's request form; anyone else is sent back to the list."""

    form_class = AccessRequestForm
    template_name = "access/accessrequest_form.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.role not in PROVIDER_ROLES:
            messages.error(request, _("Only the provider's people request access."))
            return redirect("access-request-list")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            access_request = services.request_access(
                data["contract"], actor=self.request.user, systems=data["systems"],
                purpose=data["purpose"], scope=data["scope"], window_start=data["window_start"],
                window_end=data["window_end"], request=self.request,
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your request waits for the purchaser's decision."))
        return redirect("access-request-detail", pk=access_request.pk)


class AccessStepView(StepView):
    """Every step of an access request, posted from its page (the table:
    services.WORKFLOW)."""

    model = AccessRequest
    workflow = services.WORKFLOW
    detail_view = AccessRequestDetailView
    detail_url = "access-request-detail"
    detail_template = "access/accessrequest_detail.html"
    actions = {
        "decide": StepAction(services.decide_access, {
            AccessStatus.APPROVED: gettext_lazy("The request is approved."),
            AccessStatus.REFUSED: gettext_lazy("The request is refused.")}, DecisionForm),
        "revoke": StepAction(services.revoke_access, gettext_lazy("The access is revoked."),
                             NoteForm),
        "use": StepAction(services.record_access_use, gettext_lazy("The use is recorded."),
                          AccessUseForm),
    }


class SystemCredentialListView(FilteredListView):
    model = SystemCredential
    queryset = SystemCredential.objects.select_related("system__contract")
    filterset_class = SystemCredentialFilterSet
    partial_template_name = "access/_partials/credential_table.html"


class SystemCredentialCreateView(RestrictedMixin, FormView):
    write_roles = PURCHASER_ROLES
    """Keep a system's credential; only the purchaser's people may."""

    form_class = SystemCredentialForm
    template_name = "access/systemcredential_form.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.role not in PURCHASER_ROLES:
            messages.error(request, _("Only the purchaser's people keep system credentials."))
            return redirect("access-request-list")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"system": self.request.GET.get("system")}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            credential = services.store_credential(
                data["system"], actor=self.request.user, label=data["label"],
                username=data["username"], secret=data["secret"], request=self.request,
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The credential %(label)s is stored encrypted.")
                         % {"label": credential.label})
        return redirect(f"{_credentials_url()}?system={credential.system_id}")


def _credentials_url() -> str:
    return reverse("credential-list")


class SystemCredentialRevealView(ObjectActionView):
    write_roles = PURCHASER_ROLES
    """Show a secret once, to a purchaser role, on an explicit POST; the reveal is recorded."""

    model = SystemCredential
    queryset = SystemCredential.objects.select_related("system")

    def post(self, request, *args, **kwargs):
        credential = self.get_object()
        secret = services.reveal_credential(credential, actor=request.user, request=request)
        response = render(request, "access/credential_reveal.html",
                          {"credential": credential, "secret": secret})
        response["Cache-Control"] = "no-store"
        return response
