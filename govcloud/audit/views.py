"""The audit log's pages, for the audit administrator alone (三权分立): list, record,
exports and the chain check. Everyone else gets a 404, as for a page that does not exist."""

from __future__ import annotations

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.views.generic import TemplateView, View

from govcloud.audit.checkpoints import verify_log
from govcloud.audit.exports import FORMATS, export_events
from govcloud.audit.filtersets import AuditEventFilterSet
from govcloud.audit.models import AuditEvent
from govcloud.audit.services import record_event
from govcloud.lib.views import FilteredListView, RestrictedDetailView, RestrictedMixin


class AuditAdminOnlyMixin(RestrictedMixin):
    """Refuse, as a 404, anyone whose role may not see the audit log."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.role not in AuditEvent.scope_roles:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class AuditEventListView(AuditAdminOnlyMixin, FilteredListView):
    model = AuditEvent
    filterset_class = AuditEventFilterSet
    partial_template_name = "audit/_partials/event_table.html"


class AuditEventDetailView(AuditAdminOnlyMixin, RestrictedDetailView):
    model = AuditEvent


class AuditExportView(AuditAdminOnlyMixin, View):
    """The filtered log as a file; the export itself is recorded (GB/T 22239-2019 8.1.4.3)."""

    model = AuditEvent
    file_format = "csv"

    def get(self, request):
        filterset = AuditEventFilterSet(
            request.GET or None, AuditEvent.objects.restrict(request.user), request=request
        )
        if filterset.is_bound and not filterset.is_valid():
            return HttpResponseBadRequest(filterset.errors.as_text())
        content, count = export_events(filterset.qs, self.file_format)
        filters = {name: value for name, value in request.GET.items() if value}
        record_event("export.audit_log", request=request,
                     details={"format": self.file_format, "filters": filters, "rows": count})
        response = HttpResponse(content, content_type=FORMATS[self.file_format])
        response["Content-Disposition"] = f'attachment; filename="audit-log.{self.file_format}"'
        return response


class AuditVerifyView(AuditAdminOnlyMixin, TemplateView):
    model = AuditEvent
    template_name = "audit/verify.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            problems=verify_log(), record_count=AuditEvent.objects.count(), **kwargs
        )
