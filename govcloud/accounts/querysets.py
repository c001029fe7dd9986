"""The one place where object visibility is decided: ``queryset.restrict(user)``.

A model says how its rows reach a contract (``scope_contract_field``, one path or several)
and, where they belong to one application system, how they reach it (``scope_system_field``).
Contract-wide roles see the rows of their contracts; system-scoped roles see the rows of
their systems and nothing that belongs to the contract as a whole unless the model opts in
(``scope_visible_to_system_users``). The system administrator sees the models marked
``scope_visible_to_account_admin`` (contracts, systems, organizations), to scope accounts.

Two more declarations narrow or widen this: ``scope_roles`` names the only roles that may
see the model at all (stored credentials: purchaser roles only, C-18), and
``scope_platform_wide`` marks rows that belong to no contract (the audit log), which the
roles of ``scope_roles`` see whole.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from govcloud.accounts.choices import CONTRACT_WIDE_ROLES, SYSTEM_SCOPED_ROLES, Role


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user) -> RestrictedQuerySet:
        """Return only the rows ``user`` may see."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        model = self.model
        allowed_roles = getattr(model, "scope_roles", None)
        if allowed_roles is not None and user.role not in allowed_roles:
            return self.none()
        if getattr(model, "scope_platform_wide", False):
            return self if allowed_roles is not None else self.none()
        account_admin_sees = getattr(model, "scope_visible_to_account_admin", False)
        if user.role == Role.SYSTEM_ADMIN and account_admin_sees:
            return self
        contract_field = model.scope_contract_field
        if user.role in CONTRACT_WIDE_ROLES:
            contracts = user.contracts.all()
            return self.filter(self._contract_filter(contract_field, contracts)).distinct()
        if user.role in SYSTEM_SCOPED_ROLES:
            system_field = getattr(model, "scope_system_field", None)
            systems = user.systems.all()
            if system_field is not None:
                return self.filter(**{f"{system_field}__in": systems}).distinct()
            if getattr(model, "scope_visible_to_system_users", False):
                contract_ids = systems.values("contract_id")
                return self.filter(self._contract_filter(contract_field, contract_ids)).distinct()
        return self.none()

    @staticmethod
    def _contract_filter(contract_field: str | tuple[str, ...], contracts) -> Q:
        """Match rows that reach one of the contracts by any of the model's paths."""
        paths = (contract_field,) if isinstance(contract_field, str) else contract_field
        condition = Q()
        for path in paths:
            lookup = "pk" if path == "self" else path
            condition |= Q(**{f"{lookup}__in": contracts})
        return condition


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)
