"""Enforce the sign-in policy on every request (MLPS 3, 8.1.4.1).

After the password, people of the second-factor roles must pass TOTP; an initial or
expired password must be changed before anything else; a session ends after the
policy's idle time. Pages redirect to the step that is missing, the API answers 403.
"""

from __future__ import annotations

import time

from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from govcloud.accounts.models import SecurityPolicy
from govcloud.accounts.policy import current_policy, password_expired
from govcloud.lib.roles import SECOND_FACTOR_ROLES

#: Paths open to a signed-in person who has not yet passed the second factor. Changing a
#: credential is not among them: it needs both factors (MLPS 3, 8.1.4.1 d).
SECOND_FACTOR_OPEN_PREFIXES = ("/login/", "/logout/", "/i18n/", "/static/",
                               "/account/two-factor/")
#: And, once both factors are passed, to one whose password must be changed first.
PASSWORD_CHANGE_OPEN_PREFIXES = (*SECOND_FACTOR_OPEN_PREFIXES, "/account/password/")


def needs_second_factor(request: HttpRequest) -> bool:
    user = request.user
    return user.role in SECOND_FACTOR_ROLES and not user.is_verified()


def needs_password_change(request: HttpRequest, policy: SecurityPolicy | None = None) -> bool:
    return request.user.must_change_password or password_expired(request.user, policy)


def sign_in_complete(request: HttpRequest) -> bool:
    """Whether the signed-in person has passed both factors and needs no new password:
    what this middleware found for the request, else asked now."""
    found = getattr(request, "sign_in_complete", None)
    if found is None:
        found = not needs_second_factor(request) and not needs_password_change(request)
    return found


#: How often a session's idle timeout slides: its end is written again at most this often,
#: so that a page costs no database write; a session may end this much early, never late.
IDLE_SLIDE_SECONDS = 60
#: The session key of the moment (epoch seconds) the idle timeout last slid.
SLID_AT = "govcloud_idle_slid_at"


def slide_idle_timeout(session, idle_seconds: int) -> None:
    """Restart the session's idle timeout (MLPS 3, 8.1.4.1 b) if it last slid a while ago
    or the policy's idle time changed."""
    now = int(time.time())
    if (session.get("_session_expiry") != idle_seconds
            or now - session.get(SLID_AT, 0) >= IDLE_SLIDE_SECONDS):
        session.set_expiry(idle_seconds)
        session[SLID_AT] = now


class AccountSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        policy = current_policy()
        slide_idle_timeout(request.session, policy.session_idle_minutes * 60)
        second_factor = needs_second_factor(request)
        password_change = needs_password_change(request, policy)
        request.sign_in_complete = not second_factor and not password_change
        path = request.path
        if not path.startswith(SECOND_FACTOR_OPEN_PREFIXES) and second_factor:
            return self.refuse(request, "account-two-factor",
                               "sign-in is not finished: the second factor is missing")
        if not path.startswith(PASSWORD_CHANGE_OPEN_PREFIXES) and password_change:
            return self.refuse(request, "account-password",
                               "the password must be changed before going on")
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest, step: str, reason: str):
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": reason}, status=403)
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
