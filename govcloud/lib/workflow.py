"""Workflows as tables: who may take which step of an object, from which status.

A domain declares its workflow once, next to its rules (``inventory/changes.py``,
``access/services.py``, ``telemetry/maintenance.py``): every step with the statuses it starts
from, the statuses it may lead to, the roles that take it, and whether only the object's
author may. Everything that asks "may this person take this step now" reads that table: the
service checks and moves with it, the pages show the buttons and declare their step views
from it, the API derives its write roles from it, the queues ask it what waits for whom, and
the tests are generated from it (every role × every step × every status).

Model-free like the rest of ``lib``: the workflow reaches its model through the class it is
given, and the user's visibility through ``restrict()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from govcloud.lib.roles import Person
from govcloud.lib.scoping import visible_rows

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

ModelT = TypeVar("ModelT", bound=models.Model)


@dataclass(frozen=True)
class Step:
    """One step of a workflow.

    ``targets`` empty means the step records something without moving the status (a use of
    an access); several targets mean the service chooses (approve or reject). ``before``
    names a datetime field the step must come before (a maintenance window's start),
    ``after`` one it must come after (an access window's start).
    ``awaits`` says, for the status the step starts from, whom the object waits for; a
    step without it (withdraw, cancel) moves nothing on and fills no queue. ``label`` names
    the step's queue ("Requests to decide").
    """

    name: str
    label: Any
    sources: frozenset[str]
    targets: tuple[str, ...]
    roles: frozenset[str]
    refusal: Any
    own: bool = False
    before: str | None = None
    after: str | None = None
    awaits: Any = None

    def starts_from(self, status: str) -> bool:
        return status in self.sources


@dataclass(frozen=True)
class Workflow:
    """The steps of one model's status, and the questions everyone asks of them."""

    model: type[models.Model]
    steps: tuple[Step, ...]
    status_field: str = "status"
    author_field: str = "created_by"
    by_name: dict[str, Step] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {step.name: step for step in self.steps})

    def step(self, name: str) -> Step:
        return self.by_name[name]

    @property
    def statuses(self) -> list[str]:
        """Every status of the model, in the order of its choices."""
        status = cast("models.Field[Any, Any]", self.model._meta.get_field(self.status_field))
        return [value for value, _label in status.choices or ()]

    @property
    def roles(self) -> frozenset[str]:
        """Every role that takes some step."""
        return frozenset().union(*(step.roles for step in self.steps))

    def _status(self, obj: models.Model) -> str:
        status: str = getattr(obj, self.status_field)
        return status

    def _is_author(self, user: Person, obj: models.Model) -> bool:
        author: object = getattr(obj, f"{self.author_field}_id", None)
        return author == user.pk

    def _in_time(self, step: Step, obj: models.Model, now: datetime | None = None) -> bool:
        moment = now or timezone.now()
        if step.before is not None and getattr(obj, step.before) <= moment:
            return False
        return step.after is None or getattr(obj, step.after) <= moment

    @staticmethod
    def _time_filter(step: Step) -> models.Q:
        """The step's time condition as a filter, for queues and the conditional UPDATE."""
        now, condition = timezone.now(), models.Q()
        if step.before:
            condition &= models.Q(**{f"{step.before}__gt": now})
        if step.after:
            condition &= models.Q(**{f"{step.after}__lte": now})
        return condition

    def permits(self, name: str, user: Person | AnonymousUser, obj: models.Model, *,
                now: datetime | None = None) -> bool:
        """Whether ``user`` may take the step on ``obj`` now, ``obj`` being visible to them."""
        step = self.step(name)
        return (user.is_authenticated and user.role in step.roles
                and (not step.own or self._is_author(user, obj))
                and step.starts_from(self._status(obj)) and self._in_time(step, obj, now))

    def steps_for(self, user: Person | AnonymousUser, obj: models.Model, *,
                  now: datetime | None = None) -> list[Step]:
        """The steps ``user`` may take on ``obj`` now."""
        return [step for step in self.steps if self.permits(step.name, user, obj, now=now)]

    def awaited(self, status: str) -> Any:
        """Whom an object in ``status`` waits for (None once nobody has a step to take)."""
        return next((step.awaits for step in self.steps
                     if step.awaits is not None and step.starts_from(status)), None)

    def open_statuses(self) -> frozenset[str]:
        """The statuses in which someone still has a step that moves the object on."""
        return frozenset(status for status in self.statuses if self.awaited(status))

    def queue_steps(self, user: Person) -> list[Step]:
        """The steps that move objects on and that ``user``'s role takes: their queue."""
        return [step for step in self.steps if step.awaits is not None and user.role in step.roles]

    def waiting_for(self, user: Person, queryset: models.QuerySet[ModelT],
                    step: Step | None = None) -> models.QuerySet[ModelT]:
        """The objects of ``queryset`` that wait for ``user`` to take ``step`` (any step of
        their queue when None). Statuses and roles from the table, authorship and time as
        filters, so a queue is one query whatever its size."""
        wanted = models.Q(pk__in=[])
        for candidate in [step] if step is not None else self.queue_steps(user):
            if candidate.awaits is None or user.role not in candidate.roles:
                continue
            condition = models.Q(**{f"{self.status_field}__in": list(candidate.sources)})
            if candidate.own:
                condition &= models.Q(**{self.author_field: user})
            wanted |= condition & self._time_filter(candidate)
        return queryset.filter(wanted)

    def check(self, name: str, user: Person, obj: models.Model) -> Step:
        """Refuse, before anything is read or written, someone who may not take the step.

        Role, authorship and visibility are checked here (PermissionDenied with the step's
        refusal); the status is checked again by ``move`` in the same UPDATE that changes
        it, so of two people acting at once only one succeeds.
        """
        step = self.step(name)
        visible = visible_rows(type(obj), user).filter(pk=obj.pk).exists()
        if (user.role not in step.roles or not visible
                or (step.own and not self._is_author(user, obj))):
            raise PermissionDenied(step.refusal)
        return step

    def require_status(self, name: str, obj: models.Model) -> None:
        """Refuse a step that records without moving when the object's status forbids it.

        Its time (``before``, ``after``) the service checks in words of its own ("the
        approved window has ended"); ``permits`` and the queues read it from the table.
        """
        step = self.step(name)
        if not step.starts_from(self._status(obj)):
            raise self._status_error(obj, step)

    def move(self, obj: ModelT, name: str, to: str | None = None, **stamps: Any) -> ModelT:
        """Move ``obj`` by the step to ``to`` (its only target by default) in one
        conditional UPDATE; refuse, naming the status now, when it is no longer possible."""
        step = self.step(name)
        target = to if to is not None else step.targets[0]
        if target not in step.targets:
            raise ValueError(f"step {name} does not lead to {target}")
        rows = type(obj)._default_manager.filter(
            self._time_filter(step), pk=obj.pk, **{f"{self.status_field}__in": step.sources})
        if not rows.update(**{self.status_field: target}, **stamps):
            obj.refresh_from_db()
            raise self._status_error(obj, step)
        obj.refresh_from_db()
        return obj

    def _status_error(self, obj: models.Model, step: Step) -> ValidationError:
        noun = self.model._meta.verbose_name
        if step.starts_from(self._status(obj)) and not self._in_time(step, obj):
            return ValidationError({self.status_field: _(
                "Time: the %(object)s has started; this step was possible only before.")
                % {"object": noun}})
        status = getattr(obj, f"get_{self.status_field}_display")()
        return ValidationError({self.status_field: _(
            "Status: the %(object)s is %(status)s now; this step is not possible.")
            % {"object": noun, "status": status}})
