"""The REST API under /api/: kebab-case plural routes, schema and browsable docs."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from govcloud.accounts.api.views import CurrentUserView
from govcloud.contract.api import views as contract_views
from govcloud.inventory.api import views as inventory_views

router = DefaultRouter()
router.register("organizations", contract_views.OrganizationViewSet)
router.register("contracts", contract_views.ContractViewSet)
router.register("contract-versions", contract_views.ContractVersionViewSet)
router.register("catalog-items", contract_views.CatalogItemViewSet)
router.register("kpis", contract_views.KpiViewSet)
router.register("payment-milestones", contract_views.PaymentMilestoneViewSet)
router.register("obligations", contract_views.ObligationViewSet)
router.register("systems", inventory_views.ApplicationSystemViewSet, basename="system")
router.register("hosts", inventory_views.CloudHostViewSet, basename="host")

urlpatterns = [
    path("me/", CurrentUserView.as_view(), name="me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
