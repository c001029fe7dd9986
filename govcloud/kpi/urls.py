from django.urls import path

from govcloud.kpi import views

urlpatterns = [
    path("kpi/", views.DashboardView.as_view(), name="kpi-dashboard"),
    path("kpi/usage/", views.UsageEvaluationView.as_view(), name="kpi-usage-evaluation"),
    path("kpi/card/", views.ScorecardCardView.as_view(), name="kpi-card"),
    path("systems/<int:pk>/figures/", views.SystemFiguresView.as_view(), name="kpi-system-figures"),
    path("hosts/<int:pk>/usage/", views.HostUsageView.as_view(), name="host-usage"),
    path("hosts/<int:pk>/figures/", views.HostFiguresView.as_view(), name="kpi-host-figures"),
    path("hosts/<int:pk>/advice/", views.HostAdviceView.as_view(), name="kpi-host-advice"),
]
