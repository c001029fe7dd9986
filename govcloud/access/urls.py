from django.urls import path

from govcloud.access import views

urlpatterns = [
    path("access/", views.AccessRequestListView.as_view(), name="access-request-list"),
    path("access/new/", views.AccessRequestCreateView.as_view(), name="access-request-create"),
    path("access/<int:pk>/", views.AccessRequestDetailView.as_view(),
         name="access-request-detail"),
    *views.AccessStepView.urls("access/<int:pk>/", "access-request"),
    path("credentials/", views.SystemCredentialListView.as_view(), name="credential-list"),
    path("credentials/new/", views.SystemCredentialCreateView.as_view(),
         name="credential-create"),
    path("credentials/<int:pk>/reveal/", views.SystemCredentialRevealView.as_view(),
         name="credential-reveal"),
]
