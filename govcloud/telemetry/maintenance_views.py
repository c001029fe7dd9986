"""Maintenance window pages (C-16): the provider announces, the purchaser admin approves or
rejects, the provider may cancel; all before the window starts. The rules live in
maintenance.py; these views parse, call it and render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from govcloud.lib.step_views import StepAction, StepView, add_errors
from govcloud.lib.views import FilteredListView, RestrictedDetailView, RestrictedMixin
from govcloud.telemetry import maintenance
from govcloud.telemetry.choices import (
    MAINTENANCE_PROPOSER_ROLES,
    MaintenanceStatus,
)
from govcloud.telemetry.maintenance_filtersets import MaintenanceWindowFilterSet
from govcloud.telemetry.maintenance_forms import MaintenanceDecisionForm, MaintenanceWindowForm
from govcloud.telemetry.models import MaintenanceWindow

WINDOW_RELATIONS = ("contract", "system", "announced_by", "decided_by")


class MaintenanceListView(FilteredListView):
    model = MaintenanceWindow
    queryset = MaintenanceWindow.objects.select_related(*WINDOW_RELATIONS)
    filterset_class = MaintenanceWindowFilterSet
    template_name = "telemetry/maintenance_list.html"
    partial_template_name = "telemetry/_partials/maintenance_table.html"


class MaintenanceDetailView(RestrictedDetailView):
    model = MaintenanceWindow
    queryset = MaintenanceWindow.objects.select_related(*WINDOW_RELATIONS)
    template_name = "telemetry/maintenance_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        window = self.object
        context.update(
            has_started=window.starts_at <= timezone.now(),
            has_ended=window.ends_at <= timezone.now(),
            counts=window.status == MaintenanceStatus.APPROVED,
            **MaintenanceStepView.empty_forms(self.request.user, window),
        )
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


class MaintenanceStepView(StepView):
    """Every step of a window, posted from its page (the table: maintenance.WORKFLOW)."""

    model = MaintenanceWindow
    queryset = MaintenanceWindow.objects.select_related(*WINDOW_RELATIONS)
    workflow = maintenance.WORKFLOW
    detail_view = MaintenanceDetailView
    detail_url = "maintenance-detail"
    detail_template = "telemetry/maintenance_detail.html"
    actions = {
        "decide": StepAction(maintenance.decide_window, {
            MaintenanceStatus.APPROVED: gettext_lazy(
                "The maintenance is approved; it is left out of availability."),
            MaintenanceStatus.REJECTED: gettext_lazy("The maintenance is rejected.")},
            MaintenanceDecisionForm),
        "cancel": StepAction(maintenance.cancel_window,
                             gettext_lazy("The maintenance is cancelled.")),
    }
