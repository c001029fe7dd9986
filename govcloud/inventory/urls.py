from django.urls import path

from govcloud.inventory import views

urlpatterns = [
    path("systems/", views.SystemListView.as_view(), name="system-list"),
    path("systems/<int:pk>/", views.SystemDetailView.as_view(), name="system-detail"),
    path("hosts/", views.HostListView.as_view(), name="host-list"),
    path("hosts/<int:pk>/", views.HostDetailView.as_view(), name="host-detail"),
]
