"""REST endpoint of the audit log: read-only, for the audit administrator."""

from __future__ import annotations

from govcloud.audit.api.serializers import AuditEventSerializer
from govcloud.audit.filtersets import AuditEventFilterSet
from govcloud.audit.models import AuditEvent
from govcloud.lib.api import RestrictedReadOnlyViewSet


class AuditEventViewSet(RestrictedReadOnlyViewSet):
    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
