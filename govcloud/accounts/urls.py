from django.urls import path

from govcloud.accounts import views

urlpatterns = [
    path("account/", views.my_account, name="my-account"),
    path("account/two-factor/", views.two_factor, name="account-two-factor"),
    path("account/password/", views.change_password, name="account-password"),
    path("accounts/", views.account_list, name="account-list"),
    path("accounts/new/", views.account_create, name="account-create"),
    path("accounts/<int:pk>/", views.account_detail, name="account-detail"),
    *(
        path(f"accounts/<int:pk>/{action}/", views.account_action, {"action": action},
             name=f"account-{action}")
        for action in ("role", "scope", "disable", "enable", "reset-password")
    ),
    path("security/policy/", views.security_policy, name="security-policy"),
]
