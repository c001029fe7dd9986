"""Sign-ins, sign-outs and failed sign-ins go to the audit log (GB/T 22239-2019 8.1.4.3)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from govcloud.audit.choices import Outcome
from govcloud.audit.services import record_event


@receiver(user_logged_in, dispatch_uid="audit-login")
def record_login(sender, request, user, **kwargs) -> None:
    record_event("auth.login", actor=user, request=request, target=user)


@receiver(user_logged_out, dispatch_uid="audit-logout")
def record_logout(sender, request, user, **kwargs) -> None:
    record_event("auth.logout", actor=user, request=request, target=user)


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def record_login_failure(sender, credentials, request=None, **kwargs) -> None:
    """Record the name tried, never the password (Django masks it; we drop it as well)."""
    username = str(credentials.get("username", ""))[:150]
    record_event("auth.login_failed", request=request, outcome=Outcome.FAILURE,
                 details={"username": username})
