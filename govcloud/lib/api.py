"""Base classes of govcloud's REST API."""

from __future__ import annotations

from rest_framework import viewsets
from rest_framework.permissions import SAFE_METHODS


class LookupBeforeMethodCheckMixin:
    """Look the object up before a write is handled or refused as 405, so that another
    tenant's object is a 404 for every method, exactly as one that does not exist, and
    before any input is read."""

    def check_permissions(self, request):
        if (request.user.is_authenticated and request.method not in SAFE_METHODS
                and "pk" in self.kwargs):
            self.get_object()
        super().check_permissions(request)

    def http_method_not_allowed(self, request, *args, **kwargs):
        if "pk" in self.kwargs:
            self.get_object()
        return super().http_method_not_allowed(request, *args, **kwargs)


class RestrictedReadOnlyViewSet(LookupBeforeMethodCheckMixin, viewsets.ReadOnlyModelViewSet):
    """A read-only viewset whose rows are those ``queryset.restrict(user)`` lets the user see.

    Another tenant's object is a 404, never a 403, so that its existence does not leak.
    """

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user)
