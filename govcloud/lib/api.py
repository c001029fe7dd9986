"""Base classes of govcloud's REST API."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from govcloud.lib.workflow import Workflow


def call_service(service, *args, **kwargs):
    """Run a domain service; its ValidationError becomes a 400 naming the fields."""
    try:
        return service(*args, **kwargs)
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else error.messages
        raise serializers.ValidationError(detail) from None


class RestrictedChoicesMixin:
    """Offer as choices only what the requesting user may see: another tenant's object is
    an unknown choice, exactly as one that does not exist."""

    restricted_fields: dict[str, type] = {}

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for name, model in self.restricted_fields.items():
            field = fields[name]
            target = getattr(field, "child_relation", field)
            target.queryset = model.objects.restrict(user)
        return fields


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


class RestrictedObjectViewSet(LookupBeforeMethodCheckMixin, mixins.CreateModelMixin,
                              mixins.ListModelMixin, mixins.RetrieveModelMixin,
                              viewsets.GenericViewSet):
    """List, read and create the rows ``restrict(user)`` shows; no update, no delete.

    Rows change through actions that call the app's services.
    """

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user)


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

    def take_step(self, service, input_serializer=None, **arguments):
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
