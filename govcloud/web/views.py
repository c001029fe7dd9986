"""The shell of the web UI: the home page sends people to their contract."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from govcloud.contract.models import Contract
from govcloud.lib.roles import Role

#: Where each platform administrator's work starts.
ADMIN_HOMES = {
    Role.SYSTEM_ADMIN: "account-list",
    Role.SECURITY_ADMIN: "account-list",
    Role.AUDIT_ADMIN: "audit-event-list",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Open the administrator's own page, else the user's contract, else the contract list."""
    if request.user.role in ADMIN_HOMES:
        return redirect(ADMIN_HOMES[request.user.role])
    contracts = list(Contract.objects.restrict(request.user).for_display()[:2])
    if len(contracts) == 1:
        return redirect("contract-detail", pk=contracts[0].pk)
    return redirect("contract-list")
