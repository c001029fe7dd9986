"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict:
    """Return the contracts the user may switch between, for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from govcloud.contract.models import Contract

    return {"nav_contracts": Contract.objects.restrict(user)}
