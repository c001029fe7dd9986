"""Sign-in steps (second factor, password change), one's own login history, and the
pages of the system and security administrators."""

from __future__ import annotations

import segno
from axes.models import AccessFailureLog, AccessLog
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from govcloud.accounts import services
from govcloud.accounts.forms import (
    AccountCreateForm,
    PasswordChangeForm,
    RoleForm,
    ScopeForm,
    SecurityPolicyForm,
    TokenForm,
)
from govcloud.accounts.models import User
from govcloud.accounts.policy import current_policy
from govcloud.accounts.second_factor import CodeCheck, check_code
from govcloud.audit.services import record_event
from govcloud.lib.roles import Role
from govcloud.lib.views import for_model

HISTORY_LENGTH = 20


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or "/"
    allowed = url_has_allowed_host_and_scheme(candidate, {request.get_host()})
    return candidate if allowed else "/"


#: What a person is told when a code is refused, by the reason (second_factor.CodeCheck).
CODE_REFUSALS = {
    CodeCheck.WRONG: gettext_lazy("The code is incorrect. Enter the six digits your "
                                  "authenticator app shows now."),
    CodeCheck.REUSED: gettext_lazy("This code was used already. Wait for the next code "
                                   "in your authenticator app and enter that one."),
    CodeCheck.THROTTLED: gettext_lazy("Too many incorrect codes in a row. Wait a few "
                                      "seconds, then enter the code your app shows."),
}


def _enrolment_device(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="govcloud", confirmed=False)


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Ask for the TOTP code; on the first sign-in, enrol an authenticator app first."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = _enrolment_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = check_code(device, form.cleaned_data["token"])
        if result == CodeCheck.ACCEPTED:
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            record_event("auth.second_factor", actor=user, request=request,
                         details={"enrolled": enrolling})
            return redirect(_next_url(request))
        record_event("auth.second_factor", actor=user, request=request, outcome="failure",
                     details={"reason": result.value})
        form.add_error("token", CODE_REFUSALS[result])
    context = {"form": form, "enrolling": enrolling, "next": _next_url(request)}
    if enrolling:
        uri = device.config_url
        context.update(secret=_base32_secret(device), qr_svg=segno.make(uri).svg_inline(scale=4),
                       uri=uri)
    return render(request, "accounts/two_factor.html", context)


def _base32_secret(device: TOTPDevice) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode()


@login_required
def change_password(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_own_password(
                request.user, form.cleaned_data["old_password"],
                form.cleaned_data["new_password1"], request=request)
        except ValidationError as error:
            form.add_error("new_password1" if "current" not in str(error) else "old_password",
                           error)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password was changed."))
            return redirect(_next_url(request))
    forced = request.user.must_change_password
    return render(request, "accounts/password_change.html",
                  {"form": form, "forced": forced, "next": _next_url(request)})


@login_required
@require_safe
def my_account(request: HttpRequest) -> HttpResponse:
    """One's own account and sign-in history (successes, sign-outs and failures)."""
    user = request.user
    logins = AccessLog.objects.filter(username=user.username).order_by("-attempt_time")
    failures = AccessFailureLog.objects.filter(username=user.username).order_by("-attempt_time")
    return render(request, "accounts/my_account.html", {
        "logins": logins[:HISTORY_LENGTH], "failures": failures[:HISTORY_LENGTH],
        "policy": current_policy(),
    })


def _account_admin(request: HttpRequest) -> None:
    if request.user.role not in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN):
        raise Http404


@login_required
@require_safe
def account_list(request: HttpRequest) -> HttpResponse:
    _account_admin(request)
    accounts = User.objects.restrict(request.user).select_related("organization")
    return render(request, "accounts/account_list.html", {"accounts": accounts})


@login_required
def account_create(request: HttpRequest) -> HttpResponse:
    if request.user.role != Role.SYSTEM_ADMIN:
        raise Http404
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = services.create_account(
                request.user, username=data["username"], role=data["role"],
                display_name=data["display_name"], organization=data["organization"],
                contracts=data["contracts"], systems=data["systems"], phone=data["phone"],
                request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "accounts/initial_password.html",
                          {"account": user, "password": password})
    return render(request, "accounts/account_form.html", {"form": form})


@for_model(User)
@login_required
@require_safe
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _account_admin(request)
    account = get_object_or_404(User.objects.restrict(request.user), pk=pk)
    return render(request, "accounts/account_detail.html", {
        "account": account, "role_form": RoleForm(initial={"role": account.role}),
        "scope_form": ScopeForm(initial={"contracts": account.contracts.all(),
                                         "systems": account.systems.all()}),
    })


@for_model(User)
@login_required
def account_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Apply one administrator action to an account; the service decides who may.

    The account is looked up before the method is checked, so that an account the
    person may not see is a 404 for any method."""
    _account_admin(request)
    account = get_object_or_404(User.objects.restrict(request.user), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        if action == "role":
            form = RoleForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.as_text())
            services.assign_role(request.user, account, form.cleaned_data["role"],
                                 request=request)
        elif action == "scope":
            form = ScopeForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.as_text())
            services.update_scope(request.user, account, request=request,
                                  contracts=form.cleaned_data["contracts"],
                                  systems=form.cleaned_data["systems"])
        elif action in ("disable", "enable"):
            services.set_account_active(request.user, account, action == "enable",
                                        request=request)
        elif action == "reset-password":
            password = services.reset_password(request.user, account, request=request)
            return render(request, "accounts/initial_password.html",
                          {"account": account, "password": password})
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("The account was updated."))
    return redirect("account-detail", pk=account.pk)


@login_required
def security_policy(request: HttpRequest) -> HttpResponse:
    if request.user.role != Role.SECURITY_ADMIN:
        raise Http404
    policy = current_policy()
    form = SecurityPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.fields}
        policy.refresh_from_db()
        services.update_security_policy(request.user, values, request=request)
        messages.success(request, _("The security policy was saved."))
        return redirect("security-policy")
    return render(request, "accounts/security_policy.html", {"form": form})
