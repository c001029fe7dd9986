"""Base classes for govcloud's pages: sign-in required, rows restricted, HTMX partials."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.views.generic import DetailView, ListView

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class RestrictedMixin(LoginRequiredMixin):
    """Show only the rows ``queryset.restrict(user)`` lets the user see; others are a 404.

    A write (any method but GET and HEAD) first looks up the object it names, so that one
    the user may not see is a 404 whatever the method, then needs a role of
    ``write_roles``: the refusal comes before any input is read.
    """

    write_roles: frozenset[str] = frozenset()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.method not in SAFE_METHODS:
            if "pk" in kwargs and hasattr(self, "get_object"):
                self.kwargs = kwargs
                self.get_object()
            if self.write_roles and request.user.role not in self.write_roles:
                raise PermissionDenied("this role may not change this")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user)


class RestrictedDetailView(RestrictedMixin, DetailView):
    pass


class FilteredListView(RestrictedMixin, ListView):
    """A list page with a FilterSet; an HTMX request gets only the table partial."""

    filterset_class = None
    partial_template_name: str = ""
    paginate_by = 50

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET or None, super().get_queryset(), request=self.request
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filterset=self.filterset, query_without_page=query.urlencode())
        return context

    def get_template_names(self):
        if self.request.headers.get("HX-Request") and self.partial_template_name:
            return [self.partial_template_name]
        return super().get_template_names()


def for_model(model):
    """Name the model whose ``pk`` a function view takes: the permission walker reads it."""

    def mark(view):
        view.model = model
        return view

    return mark
