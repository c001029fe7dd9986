"""Rows of history: written once, then only read (ledgers, status changes).

An abstract model and its queryset, no table of their own: a subclass's rows refuse
``save()`` once stored, ``update()`` and ``delete()``, so the past is reconstructed from
them and never rewritten. The queryset keeps ``restrict(user)``.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models

from govcloud.lib.scoping import RestrictedQuerySet


class ImmutableQuerySet(RestrictedQuerySet):
    """Rows that are history: never updated, never deleted in bulk."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise ImmutableRecord(f"{self.model.__name__} rows are history and are never changed")

    def delete(self) -> NoReturn:
        raise ImmutableRecord(f"{self.model.__name__} rows are history and are never deleted")


class ImmutableRecord(Exception):
    """An attempt to change or delete a row of history."""


class HistoryModel(models.Model):
    """A row of history: written once, then only read."""

    objects = models.Manager.from_queryset(ImmutableQuerySet)()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ImmutableRecord(f"{type(self).__name__} {self.pk} is history: never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ImmutableRecord(f"{type(self).__name__} {self.pk} is history: never deleted")
