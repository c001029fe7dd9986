from django.urls import path

from govcloud.telemetry import maintenance_views, views

urlpatterns = [
    path("maintenance/", maintenance_views.MaintenanceListView.as_view(),
         name="maintenance-list"),
    path("maintenance/new/", maintenance_views.MaintenanceAnnounceView.as_view(),
         name="maintenance-create"),
    path("maintenance/<int:pk>/", maintenance_views.MaintenanceDetailView.as_view(),
         name="maintenance-detail"),
    *maintenance_views.MaintenanceStepView.urls("maintenance/<int:pk>/", "maintenance"),
    path("telemetry/sources/", views.SourceListView.as_view(), name="telemetry-source-list"),
    path("telemetry/sources/new/", views.SourceFormView.as_view(),
         name="telemetry-source-create"),
    path("telemetry/sources/<int:pk>/", views.SourceDetailView.as_view(),
         name="telemetry-source-detail"),
    path("telemetry/sources/<int:pk>/edit/", views.SourceFormView.as_view(),
         name="telemetry-source-edit"),
    path("telemetry/sources/<int:pk>/tokens/", views.PushTokenIssueView.as_view(),
         name="push-token-issue"),
    path("telemetry/tokens/<int:pk>/revoke/", views.PushTokenRevokeView.as_view(),
         name="push-token-revoke"),
    path("telemetry/endpoints/", views.EndpointListView.as_view(),
         name="service-endpoint-list"),
    path("telemetry/endpoints/new/", views.EndpointFormView.as_view(),
         name="service-endpoint-create"),
    path("telemetry/endpoints/<int:pk>/edit/", views.EndpointFormView.as_view(),
         name="service-endpoint-edit"),
]
