"""Base classes of govcloud's REST API."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response

from govcloud.lib.scoping import RestrictedQuerySet, visible_rows
from govcloud.lib.workflow import Workflow

if TYPE_CHECKING:
    from rest_framework.generics import GenericAPIView

    _SerializerBase = serializers.Serializer[Any]
    _GenericView = GenericAPIView
else:
    _SerializerBase = _GenericView = object

Result = TypeVar("Result")


def call_service(service: Callable[..., Result], *args: Any, **kwargs: Any) -> Result:
    """Run a domain service; its ValidationError becomes a 400 naming the fields."""
    try:
        return service(*args, **kwargs)
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else error.messages
        raise serializers.ValidationError(detail) from None


class RestrictedChoicesMixin(_SerializerBase):
    """Offer as choices only what the requesting user may see: another tenant's object is
    an unknown choice, exactly as one that does not exist."""

    restricted_fields: dict[str, type[models.Model]] = {}

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for name, model in self.restricted_fields.items():
            field = fields[name]
            target = cast("serializers.RelatedField[Any, Any, Any]",
                          getattr(field, "child_relation", field))
            target.queryset = visible_rows(model, user)
        return fields


class LookupBeforeMethodCheckMixin(_GenericView):
    """Look the object up before a write is handled or refused as 405, so that another
    tenant's object is a 404 for every method, exactly as one that does not exist, and
    before any input is read."""

    def check_permissions(self, request: Request) -> None:
        if (request.user.is_authenticated and request.method not in SAFE_METHODS
                and "pk" in self.kwargs):
            self.get_object()
        super().check_permissions(request)

    def filter_queryset(self, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        """Filters narrow lists (the schema offers them there only): one object is looked
        up by its id alone, without building every filter and its choices first."""
        if "pk" in self.kwargs:
            return queryset
        return super().filter_queryset(queryset)

    # DRF's signature, narrower than Django's View (DRF's stubs ignore the same override).
    def http_method_not_allowed(  # type: ignore[override]
            self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if "pk" in self.kwargs:
            self.get_object()
        return super().http_method_not_allowed(request, *args, **kwargs)


class RestrictedReadOnlyViewSet(LookupBeforeMethodCheckMixin, viewsets.ReadOnlyModelViewSet):
    """A read-only viewset whose rows are those ``queryset.restrict(user)`` lets the user see.

    Another tenant's object is a 404, never a 403, so that its existence does not leak.
    """

    def get_queryset(self) -> RestrictedQuerySet:
        return cast(RestrictedQuerySet, super().get_queryset()).restrict(self.request.user)


class RestrictedObjectViewSet(LookupBeforeMethodCheckMixin, mixins.CreateModelMixin,
                              mixins.ListModelMixin, mixins.RetrieveModelMixin,
                              viewsets.GenericViewSet):
    """List, read and create the rows ``restrict(user)`` shows; no update, no delete.

    Rows change through actions that call the app's services.
    """

    def get_queryset(self) -> RestrictedQuerySet:
        return cast(RestrictedQuerySet, super().get_queryset()).restrict(self.request.user)


class WorkflowViewSet(RestrictedObjectViewSet):
    """A viewset whose actions named after a workflow's steps may be posted only by the
    roles the table gives that step; any other write (creating) by ``create_roles``.

    The table (``workflow``) is the one answer, as on the pages and in the services.
    """

    workflow: Workflow
    create_roles: frozenset[str] = frozenset()
    #: The step a PATCH takes (editing a draft), if the model has one.
    update_step: str | None = None
    #: Actions named otherwise than their step (``uses`` records the step ``use``).
    action_steps: dict[str, str] = {}

    @property
    def write_roles(self) -> frozenset[str]:
        step = self.action_steps.get(self.action, self.action)
        if step in self.workflow.by_name:
            return self.workflow.step(step).roles
        if self.action == "partial_update" and self.update_step:
            return self.workflow.step(self.update_step).roles
        return self.create_roles

    def take_step(self, service: Callable[..., Any],
                  input_serializer: type[serializers.Serializer[Any]] | None = None,
                  **arguments: Any) -> Response:
        """Validate the body with ``input_serializer``, call the step's service with its
        data and ``arguments``, answer the object as it is now."""
        data: dict = {}
        if input_serializer is not None:
            given = input_serializer(data=self.request.data)
            given.is_valid(raise_exception=True)
            data = dict(given.validated_data)
        obj = call_service(service, self.get_object(), actor=self.request.user,
                           request=self.request, **data, **arguments)
        return Response(self.get_serializer(obj).data)
