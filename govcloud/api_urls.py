"""The REST API under /api/: kebab-case plural routes, schema and browsable docs."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from govcloud.access.api import views as access_views
from govcloud.accounts.api.views import AccountViewSet, CurrentUserView, SecurityPolicyView
from govcloud.audit.api.views import AuditEventViewSet
from govcloud.contract.api import views as contract_views
from govcloud.inventory.api import spreadsheets as inventory_spreadsheets
from govcloud.inventory.api import views as inventory_views
from govcloud.kpi.api import views as kpi_views
from govcloud.telemetry.api import views as telemetry_views
from govcloud.telemetry.api.maintenance import MaintenanceWindowViewSet
from govcloud.telemetry.api.push import TelemetryPushView

router = DefaultRouter()
router.register("organizations", contract_views.OrganizationViewSet)
router.register("contracts", contract_views.ContractViewSet)
router.register("contract-versions", contract_views.ContractVersionViewSet)
router.register("catalog-items", contract_views.CatalogItemViewSet)
router.register("kpis", contract_views.KpiViewSet)
router.register("payment-milestones", contract_views.PaymentMilestoneViewSet)
router.register("obligations", contract_views.ObligationViewSet)
router.register("accounts", AccountViewSet, basename="account")
router.register("systems", inventory_views.ApplicationSystemViewSet, basename="system")
router.register("hosts", inventory_views.CloudHostViewSet, basename="host")
router.register("change-requests", inventory_views.ChangeRequestViewSet,
                basename="change-request")
router.register("allocation-entries", inventory_views.AllocationEntryViewSet,
                basename="allocation-entry")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("access-requests", access_views.AccessRequestViewSet, basename="access-request")
router.register("system-credentials", access_views.SystemCredentialViewSet,
                basename="system-credential")
router.register("telemetry-sources", telemetry_views.TelemetrySourceViewSet,
                basename="telemetry-source")
router.register("push-tokens", telemetry_views.PushTokenViewSet, basename="push-token")
router.register("service-endpoints", telemetry_views.ServiceEndpointViewSet,
                basename="service-endpoint")
router.register("maintenance-windows", MaintenanceWindowViewSet, basename="maintenance-window")

urlpatterns = [
    path("me/", CurrentUserView.as_view(), name="me"),
    path("allocation/", inventory_views.AllocationView.as_view(), name="allocation"),
    path("inventory-import/", inventory_spreadsheets.InventoryImportView.as_view(),
         name="inventory-import"),
    path("inventory-export/", inventory_spreadsheets.InventoryExportView.as_view(),
         name="inventory-export"),
    path("security-policy/", SecurityPolicyView.as_view(), name="security-policy"),
    path("telemetry/push/", TelemetryPushView.as_view(), name="telemetry-push"),
    path("kpi/scorecard/", kpi_views.ScorecardView.as_view(), name="kpi-scorecard"),
    path("kpi/availability/", kpi_views.AvailabilityView.as_view(), name="kpi-availability"),
    path("kpi/usage-evaluation/", kpi_views.UsageEvaluationView.as_view(),
         name="kpi-usage-evaluation"),
    path("hosts/<int:pk>/usage/", kpi_views.HostUsageView.as_view(), name="host-usage"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file (?script), not inline: the CSP.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="web/swagger_ui.html"
        ),
        name="docs",
    ),
    *router.urls,
]

