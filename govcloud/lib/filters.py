"""Filter helpers: choice lists that offer only what the user may see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.http import HttpRequest

from govcloud.lib.scoping import visible_rows


def visible_to_requester(
        model: type[models.Model]) -> Callable[[HttpRequest | None], models.QuerySet[Any, Any]]:
    """Return a django-filter queryset callable restricted to the requesting user.

    Without it a choice filter would list every tenant's contracts or systems.
    """

    def queryset(request: HttpRequest | None) -> models.QuerySet[Any, Any]:
        if request is None:
            return model._default_manager.none()
        return visible_rows(model, request.user).for_display()

    return queryset
