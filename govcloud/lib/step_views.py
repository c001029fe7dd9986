"""The generic step view: a POST that takes one step of a workflow on one visible object.

A model's steps are declared once (``StepView`` subclass: model, workflow, detail view and,
per step, the service, the form and the message); ``urls.py`` names one route per step with
``as_view(step=...)``. A refusal re-renders the object's page with the form and its errors
(400); success redirects to the page with a message. Who may post is read from the
workflow's table, so the page, the service and the API cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from govcloud.lib.roles import Person
from govcloud.lib.views import ObjectActionView
from govcloud.lib.workflow import Workflow

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.views.generic import DetailView


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's refusal on the form: on its field when it names one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class StepForm(forms.Form):
    """A step's form on one object (``obj``, so that it may fit its fields to it);
    ``arguments()`` are what its service takes besides the object."""

    def __init__(self, *args: Any, obj: models.Model | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.obj = obj

    def arguments(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class NoteForm(StepForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(StepForm):
    """Approve or reject, by the button pressed (``decision=approve``), with a note."""

    note = forms.CharField(label=_("Decision note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Required when you reject or refuse."))

    def arguments(self) -> dict[str, Any]:
        return {"note": self.cleaned_data["note"],
                "approve": self.data.get("decision") == "approve"}


@dataclass(frozen=True)
class StepAction:
    """What the page does for one step: call ``service`` with the form's arguments and
    say ``message`` (a text, or a text per status reached)."""

    service: Callable[..., Any]
    message: Any
    form: type[StepForm] = StepForm

    def message_for(self, obj: models.Model, status_field: str = "status") -> Any:
        if isinstance(self.message, Mapping):
            return self.message[getattr(obj, status_field)]
        return self.message


class StepView(ObjectActionView):
    """POST one step; any other method is a 405 (after the object is looked up, so another
    tenant's object is a 404 whatever the method)."""

    workflow: ClassVar[Workflow]
    actions: ClassVar[Mapping[str, StepAction]]
    detail_view: ClassVar[type[DetailView[Any]]]
    detail_url: ClassVar[str]
    detail_template: ClassVar[str]
    step: str = ""

    @property
    def write_roles(self) -> frozenset[str]:  # type: ignore[override]
        return self.workflow.step(self.step).roles

    @classmethod
    def urls(cls, route: str, name: str) -> list[URLPattern]:
        """One route per step: ``{route}<step>/`` named ``{name}-<step>``; ``route`` holds
        ``<int:pk>``."""
        return [path(f"{route}{step}/", cls.as_view(step=step), name=f"{name}-{step}")
                for step in cls.actions]

    @classmethod
    def empty_forms(cls, user: Person | AnonymousUser, obj: models.Model) -> dict[str, Any]:
        """``can_<step>`` and an unbound ``<step>_form`` for every step of the table, for
        the object's page; the ones ``user`` may not take now are False and absent."""
        allowed = {step.name for step in cls.workflow.steps_for(user, obj)}
        context: dict[str, Any] = {}
        for name, action in cls.actions.items():
            context[f"can_{name}"] = name in allowed
            if name in allowed:
                context[f"{name}_form"] = action.form(prefix=name, obj=obj)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = obj = self.get_object()
        action = self.actions[self.step]
        form = action.form(request.POST, prefix=self.step, obj=obj)
        if form.is_valid():
            try:
                action.service(obj, actor=request.user, request=request, **form.arguments())
            except ValidationError as refusal:
                add_errors(form, refusal)
            else:
                messages.success(request, action.message_for(obj, self.workflow.status_field))
                return redirect(self.detail_url, pk=obj.pk)
        for error in form.non_field_errors():
            messages.error(request, str(error))  # shown even where the form itself is not
        obj.refresh_from_db()
        page = self.detail_view(request=request, kwargs=self.kwargs, object=obj)
        context = page.get_context_data(object=obj)
        # The address is the step's, which takes no GET: the language switch goes back to
        # the object's page.
        context.update({f"can_{self.step}": True, f"{self.step}_form": form,
                        "page_url": reverse(self.detail_url, kwargs={"pk": obj.pk})})
        return render(request, self.detail_template, context, status=400)
