"""Filter helpers: choice lists that offer only what the user may see."""

from __future__ import annotations


def visible_to_requester(model):
    """Return a django-filter queryset callable restricted to the requesting user.

    Without it a choice filter would list every tenant's contracts or systems.
    """

    def queryset(request):
        if request is None:
            return model.objects.none()
        return model.objects.restrict(request.user)

    return queryset
