"""Base classes for govcloud's pages: sign-in required, rows restricted, HTMX partials."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.views.generic import DetailView, ListView, View
from django.views.generic.detail import SingleObjectMixin

from govcloud.lib.scoping import RestrictedQuerySet

if TYPE_CHECKING:
    class _RowsView(View):
        """What ``RestrictedMixin`` is mixed into: a view with a queryset."""

        def get_queryset(self) -> QuerySet[Any]: ...
else:
    _RowsView = object

ViewT = TypeVar("ViewT", bound=Callable[..., HttpResponseBase])
ModelT = TypeVar("ModelT", bound=Model)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
#: An id as a link or a form writes it: ASCII digits only ("²".isdigit() is true, but
#: int("²") fails), and no more of them than the largest 64-bit id has.
ID_DIGITS = re.compile(r"[0-9]{1,19}")
LARGEST_ID = 2**63 - 1


class RestrictedMixin(LoginRequiredMixin, _RowsView):
    """Show only the rows ``queryset.restrict(user)`` lets the user see; others are a 404.

    A write (any method but GET and HEAD) first looks up the object it names, so that one
    the user may not see is a 404 whatever the method, then needs a role of
    ``write_roles``: the refusal comes before any input is read.
    """

    write_roles: frozenset[str] = frozenset()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and request.method not in SAFE_METHODS:
            if "pk" in kwargs and hasattr(self, "get_object"):
                self.kwargs = kwargs
                self.get_object()
            if self.write_roles and request.user.role not in self.write_roles:
                raise PermissionDenied("this role may not change this")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> RestrictedQuerySet:
        return cast(RestrictedQuerySet, super().get_queryset()).restrict(self.request.user)


class RestrictedDetailView(RestrictedMixin, DetailView):
    pass


class ObjectActionView(RestrictedMixin, SingleObjectMixin, View):
    """A POST that acts on one visible object; any other method is a 405.

    The object is looked up first, so another tenant's object is a 404 for any method
    and its existence does not leak.
    """

    def http_method_not_allowed(self, request: HttpRequest, *args: Any,
                                **kwargs: Any) -> HttpResponse:
        self.get_object()
        return super().http_method_not_allowed(request, *args, **kwargs)


class FilteredListView(RestrictedMixin, ListView):
    """A list page with a FilterSet; an HTMX request gets only the table partial."""

    #: A django-filter FilterSet class (the package has no types).
    filterset_class: Any = None
    partial_template_name: str = ""
    paginate_by = 50

    def get_queryset(self) -> RestrictedQuerySet:
        self.filterset = self.filterset_class(
            self.request.GET or None, super().get_queryset(), request=self.request
        )
        queryset: RestrictedQuerySet = self.filterset.qs
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filterset=self.filterset, query_without_page=query.urlencode())
        return context

    def get_template_names(self) -> list[str]:
        if self.request.headers.get("HX-Request") and self.partial_template_name:
            return [self.partial_template_name]
        return super().get_template_names()


def for_model(model: type[Model]) -> Callable[[ViewT], ViewT]:
    """Name the model whose ``pk`` a function view takes: the permission walker reads it."""

    def mark(view: ViewT) -> ViewT:
        view.model = model  # type: ignore[attr-defined]  # read by the permission walker
        return view

    return mark


def parse_id(raw: object) -> int | None:
    """Return the number a query-string or form value names, or None if it names no row."""
    text = "" if raw is None else str(raw)
    if not ID_DIGITS.fullmatch(text) or int(text) > LARGEST_ID:
        return None
    return int(text)


def object_or_404(queryset: QuerySet[ModelT], raw_id: object, *, field: str = "pk",
                  message: str = "") -> ModelT:
    """Return the row of ``queryset`` whose ``field`` is the id ``raw_id`` names.

    A malformed or out-of-range id is a 404 like an unknown one, never a 500: a link to
    nothing is the visitor's mistake. Restrict the queryset first, so that another
    tenant's row is the same 404 as a missing one.
    """
    number = parse_id(raw_id)
    if number is None:
        raise Http404(message or "not an id")
    try:
        return queryset.get(**{field: number})
    except ObjectDoesNotExist:
        raise Http404(message or "no such object") from None
