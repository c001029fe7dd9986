"""Maintenance window pages (C-16): the provider announces, the purchaser admin approves or
rejects, the provider may cancel; all before the window starts. The rules live in
maintenance.py; these views parse, call it and render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView

from govcloud.access.views import ObjectActionView, add_errors
from govcloud.lib.views import FilteredListView, RestrictedDetailView, RestrictedMixin
from govcloud.telemetry import maintenance
from govcloud.telemetry.choices import (
    MAINTENANCE_APPROVER_ROLES,
    MAINTENANCE_PROPOSER_ROLES,
    MaintenanceStatus,
)
from govcloud.telemetry.maintenance_filtersets import MaintenanceWindowFilterSet, of_own_systems
from govcloud.telemetry.maintenance_forms import MaintenanceDecisionForm, MaintenanceWindowForm
from govcloud.telemetry.models import MaintenanceWindow

WINDOW_RELATIONS = ("contract", "system", "announced_by", "decided_by")


class OwnSystemsMixin:
    """Another system's window is a 404 to the purchaser's staff and the app vendors."""

    def get_queryset(self):
        return of_own_systems(self.request.user, super().get_queryset())


class MaintenanceListView(OwnSystemsMixin, FilteredListView):
    model = MaintenanceWindow
    queryset = MaintenanceWindow.objects.select_related(*WINDOW_RELATIONS)
    filterset_class = MaintenanceWindowFilterSet
    template_name = "telemetry/maintenance_list.html"
    partial_template_name = "telemetry/_partials/maintenance_table.html"


class MaintenanceDetailView(OwnSystemsMixin, RestrictedDetailView):
    model = MaintenanceWindow
    queryset = MaintenanceWindow.objects.select_related(*WINDOW_RELATIONS)
    template_name = "telemetry/maintenance_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        window, role = self.object, self.request.user.role
        ahead = window.starts_at > timezone.now()
        context.update(
            has_started=not ahead,
            counts=window.status == MaintenanceStatus.APPROVED,
            can_decide=(role in MAINTENANCE_APPROVER_ROLES and ahead
                        and window.status == MaintenanceStatus.PROPOSED),
            can_cancel=(role in MAINTENANCE_PROPOSER_ROLES and ahead
                        and window.status in (MaintenanceStatus.PROPOSED,
                                              MaintenanceStatus.APPROVED)),
        )
        context.setdefault("decision_form", MaintenanceDecisionForm())
        return context


class MaintenanceAnnounceView(RestrictedMixin, FormView):
    """The provider's announcement form; anyone else is sent back to the list."""

    model = MaintenanceWindow
    write_roles = MAINTENANCE_PROPOSER_ROLES
    form_class = MaintenanceWindowForm
    template_name = "telemetry/maintenance_form.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.role not in MAINTENANCE_PROPOSER_ROLES:
            messages.error(request, _("Only the provider's O&M team announces maintenance."))
            return redirect("maintenance-list")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            notice_hours=settings.GOVCLOUD_MAINTENANCE_NOTICE_HOURS, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            window = maintenance.announce_window(
                actor=self.request.user, contract=data["contract"], system=data["system"],
                title=data["title"], description=data["description"],
                starts_at=data["starts_at"], ends_at=data["ends_at"], request=self.request,
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The maintenance is announced; it waits for the "
                                         "purchaser admin's approval."))
        return redirect("maintenance-detail", pk=window.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class MaintenanceActionView(OwnSystemsMixin, ObjectActionView):
    """A step on one window, posted from its page; a refusal shows the page again (400)."""

    model = MaintenanceWindow
    queryset = MaintenanceWindow.objects.select_related(*WINDOW_RELATIONS)
    form_class = MaintenanceDecisionForm
    success_message = ""

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
                return redirect("maintenance-detail", pk=self.object.pk)
        for error in form.non_field_errors():
            messages.error(request, error)
        self.object.refresh_from_db()
        view = MaintenanceDetailView(request=request, kwargs=self.kwargs, object=self.object)
        context = view.get_context_data(object=self.object, decision_form=form)
        return render(request, "telemetry/maintenance_detail.html", context, status=400)


class MaintenanceDecideView(MaintenanceActionView):
    write_roles = MAINTENANCE_APPROVER_ROLES

    def act(self, data) -> None:
        approve = self.request.POST.get("decision") == "approve"
        maintenance.decide_window(self.object, actor=self.request.user, approve=approve,
                                  note=data["note"], request=self.request)
        self.success_message = (_("The maintenance is approved; it is left out of "
                                  "availability.") if approve
                                else _("The maintenance is rejected."))


class MaintenanceCancelView(MaintenanceActionView):
    write_roles = MAINTENANCE_PROPOSER_ROLES

    def act(self, data) -> None:
        maintenance.cancel_window(self.object, actor=self.request.user, request=self.request)
        self.success_message = _("The maintenance is cancelled.")
