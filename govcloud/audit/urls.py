from django.urls import path

from govcloud.audit import views

urlpatterns = [
    path("audit/", views.AuditEventListView.as_view(), name="audit-event-list"),
    path("audit/<int:pk>/", views.AuditEventDetailView.as_view(), name="audit-event-detail"),
    path("audit/export.csv", views.AuditExportView.as_view(file_format="csv"),
         name="audit-export-csv"),
    path("audit/export.xlsx", views.AuditExportView.as_view(file_format="xlsx"),
         name="audit-export-xlsx"),
    path("audit/verify/", views.AuditVerifyView.as_view(), name="audit-verify"),
]
