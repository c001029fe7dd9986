"""Provider access pages (C-18): requests, decisions, uses, and stored credentials."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView
from django.views.generic.base import View
from django.views.generic.detail import SingleObjectMixin

from govcloud.access import services
from govcloud.access.choices import PROVIDER_ROLES, PURCHASER_ROLES, AccessStatus
from govcloud.access.filtersets import AccessRequestFilterSet, SystemCredentialFilterSet
from govcloud.access.forms import (
    AccessRequestForm,
    AccessUseForm,
    DecisionForm,
    SystemCredentialForm,
)
from govcloud.access.models import AccessRequest, SystemCredential
from govcloud.accounts.choices import Role
from govcloud.lib.views import FilteredListView, RestrictedDetailView, RestrictedMixin


def add_errors(form, error: ValidationError) -> None:
    """Put a service's refusal on the form: on its field when it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


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
        user, access_request = self.request.user, self.object
        is_admin = user.role == Role.PURCHASER_ADMIN
        context.update(
            systems=access_request.systems.all(),
            uses=access_request.uses.select_related("used_by"),
            can_decide=is_admin and access_request.status == AccessStatus.PENDING,
            can_revoke=is_admin and access_request.status == AccessStatus.APPROVED,
            can_use=user.role in PROVIDER_ROLES and access_request.is_open,
        )
        context.setdefault("decision_form", DecisionForm())
        context.setdefault("use_form", AccessUseForm())
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


class ObjectActionView(RestrictedMixin, SingleObjectMixin, View):
    """A POST that acts on one visible object; any other method is a 405.

    The object is looked up first, so another tenant's object is a 404 for any method
    and its existence does not leak.
    """

    def http_method_not_allowed(self, request, *args, **kwargs):
        self.get_object()
        return super().http_method_not_allowed(request, *args, **kwargs)


class AccessRequestActionView(ObjectActionView):
    model = AccessRequest
    form_class = DecisionForm
    form_context_name = "decision_form"
    success_message = ""

    def back_url(self, obj) -> str:
        return reverse("access-request-detail", kwargs={"pk": obj.pk})

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.act(form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, self.success_message)
                return redirect(self.back_url(self.object))
        for error in form.non_field_errors():
            messages.error(request, error)  # shown even where the form itself is not
        view = AccessRequestDetailView(request=request, kwargs=self.kwargs, object=self.object)
        context = view.get_context_data(object=self.object, **{self.form_context_name: form})
        return render(request, "access/accessrequest_detail.html", context, status=400)


class AccessRequestDecideView(AccessRequestActionView):
    write_roles = frozenset({Role.PURCHASER_ADMIN})

    def act(self, data) -> None:
        approve = self.request.POST.get("decision") == "approve"
        services.decide_access(self.object, actor=self.request.user, approve=approve,
                               note=data["note"], request=self.request)
        self.success_message = _("The request is approved.") if approve else _(
            "The request is refused.")


class AccessRequestRevokeView(AccessRequestActionView):
    write_roles = frozenset({Role.PURCHASER_ADMIN})

    def act(self, data) -> None:
        services.revoke_access(self.object, actor=self.request.user, note=data["note"],
                               request=self.request)
        self.success_message = _("The access is revoked.")


class AccessUseCreateView(AccessRequestActionView):
    write_roles = PROVIDER_ROLES
    form_class = AccessUseForm
    form_context_name = "use_form"

    def act(self, data) -> None:
        services.record_access_use(self.object, actor=self.request.user, action=data["action"],
                                   request=self.request)
        self.success_message = _("The use is recorded.")


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
