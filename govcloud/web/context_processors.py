"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest

from govcloud.web.pages import menu_for


def navigation(request: HttpRequest) -> dict:
    """Say whether the person has finished signing in, and give the menu of their role then."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"sign_in_complete": False}
    from govcloud.accounts.middleware import sign_in_complete

    complete = sign_in_complete(request)
    return {"sign_in_complete": complete, "menu": menu_for(user.role) if complete else []}
