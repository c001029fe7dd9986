from django.urls import path

from govcloud.inventory import spreadsheet_views, views

urlpatterns = [
    path("systems/", views.SystemListView.as_view(), name="system-list"),
    path("systems/<int:pk>/", views.SystemDetailView.as_view(), name="system-detail"),
    path("systems/<int:pk>/edit/", views.SystemEditView.as_view(), name="system-edit"),
    path("hosts/", views.HostListView.as_view(), name="host-list"),
    path("hosts/<int:pk>/", views.HostDetailView.as_view(), name="host-detail"),
    path("inventory/changes/", views.ChangeRequestListView.as_view(),
         name="change-request-list"),
    path("inventory/changes/new/", views.ChangeRequestCreateView.as_view(),
         name="change-request-create"),
    path("inventory/changes/queue/", views.ChangeQueueView.as_view(), name="change-queue"),
    path("inventory/changes/<int:pk>/", views.ChangeRequestDetailView.as_view(),
         name="change-request-detail"),
    path("inventory/changes/<int:pk>/edit/", views.ChangeRequestEditView.as_view(),
         name="change-request-edit"),
    *views.ChangeStepView.urls("inventory/changes/<int:pk>/", "change-request"),
    path("inventory/ledger/", views.AllocationEntryListView.as_view(), name="ledger"),
    path("inventory/allocation/", views.AllocationView.as_view(), name="allocation"),
    path("inventory/import/", spreadsheet_views.InventoryImportView.as_view(),
         name="inventory-import"),
    path("inventory/export/", spreadsheet_views.InventoryExportView.as_view(),
         name="inventory-export"),
]
