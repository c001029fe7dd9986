"""Base classes for govcloud's REST API."""

from __future__ import annotations

from rest_framework import viewsets


class RestrictedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """A read-only viewset whose rows are those ``queryset.restrict(user)`` lets the user see.

    Another tenant's object is a 404, never a 403, so that its existence does not leak.
    """

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user)
