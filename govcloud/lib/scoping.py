"""The one place where visibility is decided: ``queryset.restrict(user)`` and
``systems_in_scope(user, contract)``.

This module sits at the bottom of the layers (docs/development.md): it imports no app and
no model, so every app's models can stand on it. It reaches the user's contracts and
systems through the relations ``user.contracts`` and ``user.systems`` only.

A model says how its rows reach a contract (``scope_contract_field``, one path or several)
and, where they belong to one application system, how they reach it (``scope_system_field``).
Contract-wide roles see the rows of their contracts; system-scoped roles see the rows of
their systems and nothing that belongs to the contract as a whole unless the model opts in
(``scope_visible_to_system_users``); a model with both a system field and that opt-in shows
them the rows of their systems and the rows of their contracts that name no system (a
maintenance window of the whole platform). The system administrator sees the models marked
``scope_visible_to_account_admin`` (contracts, systems, organizations), to scope accounts.

Two more declarations narrow or widen this: ``scope_roles`` names the only roles that may
see the model at all (stored credentials: purchaser roles only, C-18), and
``scope_platform_wide`` marks rows that belong to no contract (the audit log), which the
roles of ``scope_roles`` see whole.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar, cast

from django.db import models
from django.db.models import Q

from govcloud.lib.roles import CONTRACT_WIDE_ROLES, SYSTEM_SCOPED_ROLES, Person, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


ModelT = TypeVar("ModelT", bound=models.Model)


class RestrictedQuerySet(models.QuerySet[ModelT]):
    def restrict(self, user: Person | AnonymousUser | None) -> Self:
        """Return only the rows ``user`` may see."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        model: Any = self.model  # its scope_* declarations are plain class attributes
        allowed_roles = getattr(model, "scope_roles", None)
        if allowed_roles is not None and user.role not in allowed_roles:
            return self.none()
        if getattr(model, "scope_platform_wide", False):
            return self if allowed_roles is not None else self.none()
        account_admin_sees = getattr(model, "scope_visible_to_account_admin", False)
        if user.role == Role.SYSTEM_ADMIN and account_admin_sees:
            return self
        contract_field = model.scope_contract_field
        paths = (contract_field,) if isinstance(contract_field, str) else contract_field
        if user.role in CONTRACT_WIDE_ROLES:
            contracts = user.contracts.all()
            return self._once(self.filter(self._contract_filter(contract_field, contracts)),
                              paths)
        if user.role in SYSTEM_SCOPED_ROLES:
            system_field = getattr(model, "scope_system_field", None)
            systems = user.systems.all()
            of_contract = getattr(model, "scope_visible_to_system_users", False)
            if system_field is None and not of_contract:
                return self.none()
            contract_ids = systems.values("contract_id")
            if system_field is None:
                return self._once(
                    self.filter(self._contract_filter(contract_field, contract_ids)), paths)
            mine = Q(**{f"{system_field}__in": systems})
            if of_contract:
                mine |= Q(**{f"{system_field}__isnull": True}) & self._contract_filter(
                    contract_field, contract_ids)
            return self._once(self.filter(mine), (*paths, system_field))
        return self.none()

    def for_display(self) -> Self:
        """The rows as choices and lists name them: a model whose name is read from
        another table annotates it here (one query for the list, not one a row)."""
        return self

    def _once(self, rows: Self, paths: tuple[str, ...]) -> Self:
        """``rows`` each once: DISTINCT where a path can meet a row more than once, and
        only there (it sorts every matching row before a page of them is cut)."""
        return rows.distinct() if fans_out(self.model, paths) else rows

    @staticmethod
    def _contract_filter(contract_field: str | tuple[str, ...],
                         contracts: models.QuerySet[Any, Any]) -> Q:
        """Match rows that reach one of the contracts by any of the model's paths."""
        paths = (contract_field,) if isinstance(contract_field, str) else contract_field
        condition = Q()
        for path in paths:
            lookup = "pk" if path == "self" else path
            condition |= Q(**{f"{lookup}__in": contracts})
        return condition


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)


@cache
def fans_out(model: type[models.Model], paths: tuple[str, ...]) -> bool:
    """Whether following one of ``paths`` from ``model`` takes a reverse or many-to-many
    step, so that a filter along it can match a row more than once."""
    for path in filter(None, paths):
        current: Any = model
        for name in path.split("__"):
            if name in ("self", "pk"):
                break
            step = current._meta.get_field(name)
            if step.many_to_many or step.one_to_many:
                return True
            current = step.related_model
    return False


def visible_rows(model: type[models.Model],
                 user: Person | AnonymousUser | None) -> RestrictedQuerySet:
    """Return the rows of ``model`` that ``user`` may see, for code given any model.

    Every model's one manager (``objects``) is built on ``RestrictedQuerySet``; the type of
    a model class in general does not say so, hence the cast.
    """
    return cast(RestrictedQuerySet, model._default_manager.all()).restrict(user)


class HasSystems(Protocol):
    """A contract as the bottom layer sees it: the application systems it covers."""

    @property
    def systems(self) -> models.Manager[Any]: ...


def sees_whole_contract(user: Person | AnonymousUser) -> bool:
    """Return whether ``user`` sees every system of the contracts they are assigned to."""
    return user.is_authenticated and user.role in CONTRACT_WIDE_ROLES


def systems_in_scope(user: Person | AnonymousUser,
                     contract: HasSystems) -> models.QuerySet[Any, Any] | None:
    """Return None when ``user`` sees the whole of ``contract``, else their systems of it.

    The one answer to "whole contract or only my systems": figures, exports and lists that
    sum over systems narrow to what this returns. Someone who is neither contract-wide nor
    system-scoped sees no system. The caller has checked that ``user`` sees ``contract``.
    """
    if sees_whole_contract(user):
        return None
    systems = contract.systems.all()
    if not user.is_authenticated or user.role not in SYSTEM_SCOPED_ROLES:
        return systems.none()
    return systems.filter(pk__in=user.systems.values("pk"))
