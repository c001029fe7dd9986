"""The import page and the export download (issue #5): thin, the rules in spreadsheets/."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import View

from govcloud.contract.models import Contract
from govcloud.inventory import spreadsheets
from govcloud.inventory.choices import IMPORTER_ROLES
from govcloud.lib.views import RestrictedMixin, object_or_404

#: The most problems the page lists; the API and the command give them all.
PROBLEMS_SHOWN = 500


class ImportForm(forms.Form):
    contract = forms.ModelChoiceField(queryset=Contract.objects.none(),
                                      label=gettext_lazy("Contract"))
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("An XLSX workbook with the sheets 系统 (systems) and 主机 "
                               "(hosts), or a CSV file of one table (UTF-8 or GB18030); at "
                               "most 5 MB and 5,000 rows."))
    kind = forms.ChoiceField(
        label=gettext_lazy("Table"), required=False,
        choices=[("", gettext_lazy("Tell by the sheet names or headings")),
                 (spreadsheets.SYSTEMS, pgettext_lazy("import table", "Systems")),
                 (spreadsheets.HOSTS, pgettext_lazy("import table", "Hosts"))])
    dry_run = forms.BooleanField(label=gettext_lazy("Only check the file, store nothing"),
                                 required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        contracts = Contract.objects.restrict(user).for_display()
        self.fields["contract"].queryset = contracts
        if len(contracts[:2]) == 1:
            self.fields["contract"].initial = contracts[0]

    def lone_contract(self) -> Contract | None:
        """Return the only contract on offer, whose catalog names the services' columns."""
        choices = self.fields["contract"].queryset
        return choices[0] if len(choices[:2]) == 1 else None


def _visible_contract(user, value) -> Contract:
    """Return the contract the user named, if they may see it; another's is a 404."""
    return object_or_404(Contract.objects.restrict(user), value,
                         message=_("Choose a contract of yours."))


class InventoryImportView(RestrictedMixin, View):
    """Upload a spreadsheet of systems and hosts (the purchaser admin of the contract)."""

    write_roles = IMPORTER_ROLES
    template_name = "inventory/import.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if (request.method == "GET" and user.is_authenticated
                and user.role not in IMPORTER_ROLES):
            messages.error(request, _("Only the purchaser admin imports systems and hosts."))
            return redirect("system-list")
        return super().dispatch(request, *args, **kwargs)

    def render(self, form, *, problems=(), status=200):
        context = {"form": form, "problems": problems[:PROBLEMS_SHOWN],
                   "problems_hidden": max(len(problems) - PROBLEMS_SHOWN, 0),
                   "problem_count": len(problems),
                   "format": spreadsheets.import_format(form.lone_contract())}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        return self.render(ImportForm(user=request.user))

    def post(self, request, *args, **kwargs):
        if request.POST.get("contract"):
            _visible_contract(request.user, request.POST["contract"])
        form = ImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.render(form, status=400)
        data = form.cleaned_data
        upload = data["file"]
        try:
            result = spreadsheets.import_inventory(
                data["contract"], spreadsheets.read_limited(upload), file_name=upload.name,
                actor=request.user, kind=data["kind"] or None, dry_run=data["dry_run"],
                request=request)
        except spreadsheets.ImportRefused as refusal:
            return self.render(form, problems=[p.as_dict() for p in refusal.problems],
                               status=400)
        messages.success(request, _result_message(result))
        return redirect("inventory-import")


def _result_message(result: spreadsheets.ImportResult) -> str:
    counts = {"file": result.file_name, **result.counts()}
    if result.dry_run:
        return _("%(file)s has no problem. Importing it would create %(systems_created)s "
                 "systems, update %(systems_updated)s, and create %(hosts_created)s hosts and "
                 "%(vendors_created)s vendors. Nothing was stored.") % counts
    return _("%(file)s is imported: %(systems_created)s systems created, %(systems_updated)s "
             "updated, %(systems_unchanged)s unchanged; %(hosts_created)s hosts created; "
             "%(vendors_created)s vendors added.") % counts


class InventoryExportView(RestrictedMixin, View):
    """Download a contract's inventory and ledger as XLSX (?contract=ID), as far as the
    person may see them; without a contract, the choice of contracts."""

    def get(self, request, *args, **kwargs):
        if "contract" not in request.GET:
            contracts = Contract.objects.restrict(request.user).for_display()
            return render(request, "inventory/import_export.html", {"contracts": contracts})
        contract = _visible_contract(request.user, request.GET["contract"])
        workbook = spreadsheets.export_workbook(contract, actor=request.user, request=request)
        return xlsx_response(workbook, spreadsheets.export_file_name(contract))


def xlsx_response(workbook: bytes, file_name: str) -> HttpResponse:
    """Return an XLSX file as a download that no cache keeps."""
    response = HttpResponse(workbook, content_type=spreadsheets.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    response["Cache-Control"] = "no-store"
    return response
