"""Contract pages: the list and the overview of one contract."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from django.views.generic import ListView

from govcloud.contract.models import Contract, ContractVersion
from govcloud.contract.services import key_dates, payment_deadlines, term_phase
from govcloud.lib.integrity import IntegrityMismatch
from govcloud.lib.scoping import sees_whole_contract
from govcloud.lib.views import RestrictedDetailView, RestrictedMixin, object_or_404


class ContractListView(RestrictedMixin, ListView):
    model = Contract
    queryset = Contract.objects.prefetch_related("versions")


class ContractDetailView(RestrictedDetailView):
    """The contract overview: identity, money, payments, key dates, catalog, KPIs, systems."""

    model = Contract

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        contract, user = self.object, self.request.user
        whole_contract = sees_whole_contract(user)
        version = self.chosen_version(contract)
        try:
            version.check_integrity()
        except IntegrityMismatch as error:
            context.update(version=version, integrity_error=str(error))
            return context
        today = timezone.localdate()
        context.update(
            version=version,
            versions=contract.versions.all(),
            phase=term_phase(version, today),
            shows_whole_contract=whole_contract,
        )
        if version.is_current:
            context["systems"] = (
                contract.systems.with_host_count().filter(listed_in_contract=True)
                .restrict(user).select_related("vendor")
            )
        elif whole_contract:
            context["superseded_rows"] = [
                row for row in version.document["systems"] if row.get("stored_as") != "merged"
            ]
        if whole_contract:
            context.update(
                payments=payment_deadlines(version),
                key_dates=key_dates(version),
                catalog=version.catalogitems.all(),
                kpis=version.kpis.all(),
                obligations=version.obligations.all(),
            )
        return context

    def chosen_version(self, contract: Contract) -> ContractVersion:
        number = self.request.GET.get("version")
        if number is None:
            current = contract.current_version
            if current is None:
                raise Http404("the contract has no current version")
            return current
        return object_or_404(contract.versions.all(), number, field="number",
                             message="no such version")
