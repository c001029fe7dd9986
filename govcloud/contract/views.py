"""Contract pages: the list and the overview of one contract."""

from __future__ import annotations

from django.utils import timezone
from django.views.generic import ListView

from govcloud.contract.models import Contract
from govcloud.contract.services import key_dates, payment_deadlines, term_phase
from govcloud.lib.integrity import IntegrityMismatch
from govcloud.lib.views import RestrictedDetailView, RestrictedMixin, object_or_404


class ContractListView(RestrictedMixin, ListView):
    model = Contract
    queryset = Contract.objects.prefetch_related("versions")


class ContractDetailView(RestrictedDetailView):
    """The contract overview: identity, money, payments, key dates, catalog, KPIs, systems."""

    model = Contract

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contract, user = self.object, self.request.user
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
            shows_whole_contract=user.is_contract_wide,
        )
        if version.is_current:
            context["systems"] = (
                contract.systems.with_host_count().filter(listed_in_contract=True)
                .restrict(user).select_related("vendor")
            )
        elif user.is_contract_wide:
            context["superseded_rows"] = [
                row for row in version.document["systems"] if row.get("stored_as") != "merged"
            ]
        if user.is_contract_wide:
            context.update(
                payments=payment_deadlines(version),
                key_dates=key_dates(version),
                catalog=version.catalogitems.all(),
                kpis=version.kpis.all(),
                obligations=version.obligations.all(),
            )
        return context

    def chosen_version(self, contract):
        number = self.request.GET.get("version")
        if number is None:
            return contract.current_version
        return object_or_404(contract.versions.all(), number, field="number",
                             message="no such version")
