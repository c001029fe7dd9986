from django.urls import path

from govcloud.kpi import views

urlpatterns = [
    path("kpi/", views.DashboardView.as_view(), name="kpi-dashboard"),
    path("kpi/usage/", views.UsageEvaluationView.as_view(), name="kpi-usage-evaluation"),
    path("hosts/<int:pk>/usage/", views.HostUsageView.as_view(), name="host-usage"),
]
