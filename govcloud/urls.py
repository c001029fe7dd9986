"""URL configuration: pages, the REST API and its documentation."""

from django.urls import include, path

urlpatterns = [
    path("", include("govcloud.web.urls")),
    path("", include("govcloud.contract.urls")),
    path("", include("govcloud.inventory.urls")),
    path("", include("govcloud.accounts.urls")),
    path("", include("govcloud.audit.urls")),
    path("", include("govcloud.access.urls")),
    path("", include("govcloud.telemetry.urls")),
    path("", include("govcloud.kpi.urls")),
    path("api/", include(("govcloud.api_urls", "api"))),
]
