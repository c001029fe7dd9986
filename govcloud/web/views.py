"""The shell of the web UI: the home page sends people to their contract."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from govcloud.contract.models import Contract


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Open the user's contract when there is one, the contract list otherwise."""
    contracts = list(Contract.objects.restrict(request.user)[:2])
    if len(contracts) == 1:
        return redirect("contract-detail", pk=contracts[0].pk)
    return redirect("contract-list")
