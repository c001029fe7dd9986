"""Inventory pages: systems and hosts, change requests and their workflow (C-9, C-17), the
work queue, the allocation ledger and the allocation against the contract (C-7)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView
from django.views.generic.detail import SingleObjectMixin

from govcloud.inventory import changes, services
from govcloud.inventory.choices import (
    HOST_KINDS,
    OPERATION_KINDS,
    REQUESTER_ROLES,
    SYSTEM_EDITOR_ROLES,
    ChangeKind,
    ChangeStatus,
    HostStatus,
)
from govcloud.inventory.filtersets import (
    AllocationEntryFilterSet,
    ApplicationSystemFilterSet,
    ChangeRequestFilterSet,
    CloudHostFilterSet,
)
from govcloud.inventory.forms import (
    AllocationForm,
    ChangeRequestForm,
    FinishForm,
    SubmitForm,
    SystemDetailsForm,
)
from govcloud.inventory.ledger import allocated_by_meter, allocation_seen_by, running_hosts
from govcloud.inventory.models import (
    AllocationEntry,
    ApplicationSystem,
    ChangeRequest,
    CloudHost,
    HostStatusChange,
    systems_with_host_count,
)
from govcloud.inventory.presenters import (
    allocation_rows,
    catalog_of,
    host_request_kinds,
    label_entries,
    requested_rows,
    timeline,
)
from govcloud.lib.roles import CONTRACT_WIDE_ROLES, SYSTEM_SCOPED_ROLES
from govcloud.lib.scoping import systems_in_scope
from govcloud.lib.second_factor import has_second_factor
from govcloud.lib.step_views import DecisionForm, NoteForm, StepAction, StepView, add_errors
from govcloud.lib.views import (
    FilteredListView,
    RestrictedDetailView,
    RestrictedMixin,
    object_or_404,
)

#: Roles that work with the inventory of a contract (the platform administrators do not).
INVENTORY_ROLES = CONTRACT_WIDE_ROLES | SYSTEM_SCOPED_ROLES
RECENT = 10
#: Changes decided better with the host's usage in view (C-10): its size, its existence.
USAGE_ADVISED_KINDS = frozenset({ChangeKind.RESIZE, ChangeKind.DECOMMISSION})
#: An item this full of its contracted quantity is shown as nearly used up.
NEARLY_FULL_PERCENT = 90
#: From this share on, the bar of an item turns from "plenty" to "watch".
WATCH_PERCENT = 75


def _ledger_of(user, **lookups):
    return (AllocationEntry.objects.restrict(user).filter(**lookups)
            .select_related("contract", "system", "host", "change_request")
            .order_by("-recorded_at", "-pk"))


def _changes_of(user, **lookups):
    return (ChangeRequest.objects.restrict(user).filter(**lookups)
            .select_related("system", "host", "created_by"))


# --- systems ----------------------------------------------------------------------------


class SystemListView(FilteredListView):
    model = ApplicationSystem
    queryset = systems_with_host_count().select_related("contract", "vendor")
    filterset_class = ApplicationSystemFilterSet
    partial_template_name = "inventory/_partials/system_table.html"


class SystemDetailView(RestrictedDetailView):
    model = ApplicationSystem
    queryset = ApplicationSystem.objects.select_related("contract", "vendor")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, system = self.request.user, self.object
        context.update(
            can_edit=user.role in SYSTEM_EDITOR_ROLES,
            can_request=user.role in REQUESTER_ROLES,
            shows_operations=user.role in INVENTORY_ROLES,
            hosts=CloudHost.objects.restrict(user).filter(system=system),
        )
        if not context["shows_operations"]:
            return context
        catalog = catalog_of(system.contract)
        allocated = allocated_by_meter(system.contract, system=system)
        context.update(
            subscriptions=[(catalog[meter], allocated.get(meter, 0))
                           for meter in changes.SYSTEM_METERS if meter in catalog],
            allocation=[(item, allocated[meter]) for meter, item in catalog.items()
                        if allocated.get(meter)],
            recent_changes=_changes_of(user, system=system)[:RECENT],
            recent_entries=_ledger_of(user, system=system)[:RECENT],
        )
        label_entries(context["recent_entries"])
        return context


class SystemEditView(RestrictedMixin, SingleObjectMixin, TemplateView):
    """The details the purchaser keeps of a system; others are told who may edit them."""

    model = ApplicationSystem
    write_roles = SYSTEM_EDITOR_ROLES
    template_name = "inventory/applicationsystem_form.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        may_edit = request.user.role in SYSTEM_EDITOR_ROLES
        form = SystemDetailsForm(system=self.object) if may_edit else None
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        self.object = system = self.get_object()
        form = SystemDetailsForm(request.POST, system=system)
        if form.is_valid():
            try:
                services.update_system_details(system, actor=request.user,
                                               values=form.cleaned_data, request=request)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The details of %(system)s are saved.")
                                 % {"system": system})
                return redirect("system-detail", pk=system.pk)
        system.refresh_from_db()
        return self.render_to_response(self.get_context_data(form=form), status=400)


# --- hosts ------------------------------------------------------------------------------


class HostListView(FilteredListView):
    model = CloudHost
    queryset = CloudHost.objects.select_related("system")
    filterset_class = CloudHostFilterSet
    partial_template_name = "inventory/_partials/host_table.html"


class HostDetailView(RestrictedDetailView):
    model = CloudHost
    queryset = CloudHost.objects.select_related("system__contract")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, host = self.request.user, self.object
        entries = _ledger_of(user, host=host)[:RECENT * 2]
        label_entries(entries)
        context.update(
            request_kinds=host_request_kinds(host) if user.role in REQUESTER_ROLES else [],
            status_changes=HostStatusChange.objects.restrict(user).filter(host=host)
            .order_by("-changed_at", "-pk"),
            recent_entries=entries,
            recent_changes=_changes_of(user, host=host)[:RECENT * 2],
        )
        return context


# --- change requests --------------------------------------------------------------------


class ChangeRequestListView(FilteredListView):
    model = ChangeRequest
    queryset = ChangeRequest.objects.select_related("contract", "system", "host", "created_by")
    filterset_class = ChangeRequestFilterSet
    partial_template_name = "inventory/_partials/change_table.html"


class ChangeRequestDetailView(RestrictedDetailView):
    model = ChangeRequest
    queryset = ChangeRequest.objects.select_related(
        "contract", "system", "host", "created_by", "decided_by", "started_by", "finished_by",
        "verified_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        change, user = self.object, self.request.user
        catalog = catalog_of(change.contract)
        context.update(
            timeline=timeline(change),
            waiting_for=changes.WORKFLOW.awaited(change.status),
            requested_rows=requested_rows(change, catalog),
            is_operation=change.kind in OPERATION_KINDS,
            shows_usage=change.host_id is not None and change.kind in USAGE_ADVISED_KINDS,
            entries=_ledger_of(user, change_request=change),
            **self._allocation(change, catalog),
            **ChangeStepView.empty_forms(user, change),
        )
        label_entries(context["entries"])
        if context["can_submit"] and change.kind in OPERATION_KINDS:
            context["has_second_factor"] = has_second_factor(user)
        return context

    @staticmethod
    def _allocation(change: ChangeRequest, catalog: dict) -> dict:
        applied = (change.applied or {}).get("allocation")
        if applied is not None:
            return {"applied_rows": allocation_rows(applied, catalog)}
        if change.status not in changes.OPEN_CHANGE_STATUSES:
            return {}
        current = allocated_by_meter(change.contract)
        return {"planned_rows": allocation_rows(changes.pending_allocation(change), catalog,
                                                current)}


class ChangeRequestCreateView(RestrictedMixin, TemplateView):
    """Draft a change of a system the requester sees, and submit it at once if asked.

    ``?system=&kind=&host=`` choose what is changed; the kind decides the value fields,
    which an htmx request gets alone when the kind or the host is changed.
    """

    model = ChangeRequest
    write_roles = REQUESTER_ROLES
    template_name = "inventory/changerequest_form.html"
    partial_template_name = "inventory/_partials/change_fields.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and request.method == "GET" and user.role not in REQUESTER_ROLES:
            messages.error(request, _("Only the purchaser's staff and the app vendors ask for "
                                      "changes of their systems."))
            return redirect("change-request-list")
        return super().dispatch(request, *args, **kwargs)

    def target(self, params) -> tuple[ApplicationSystem | None, str, CloudHost | None]:
        """Return the system, kind and host named by ``params``; one not visible is a 404."""
        user = self.request.user
        system = _visible(ApplicationSystem.objects.restrict(user), params.get("system"))
        host = None
        if system is not None:
            host = _visible(CloudHost.objects.restrict(user).filter(system=system),
                            params.get("host"))
        kind = params.get("kind")
        if kind not in ChangeKind.values:
            kind = ChangeKind.RESIZE if host else ChangeKind.NEW_HOST
        return system, kind, host if kind in HOST_KINDS else None

    def get(self, request, *args, **kwargs):
        system, kind, host = self.target(request.GET)
        if system is None:
            systems = ApplicationSystem.objects.restrict(request.user)
            return self.render_to_response({"systems": systems, "kind": kind})
        form = ChangeRequestForm(kind=kind, system=system, host=host)
        form.initial.update(self.prefill(form, request.GET))
        context = self._context(form, system, kind, host)
        if request.headers.get("HX-Request"):
            return render(request, self.partial_template_name, context)
        return self.render_to_response(context)

    @staticmethod
    def prefill(form: ChangeRequestForm, params) -> dict:
        """Values named in the link that opened the form (a usage finding's advice): shown
        as proposals, checked only when the form is sent."""
        names = [*form.value_names, *ChangeRequestForm.TEXT_FIELDS]
        return {name: params[name][:2000] for name in names
                if name != "second_factor" and params.get(name)}

    def post(self, request, *args, **kwargs):
        system, kind, host = self.target(request.POST)
        if system is None:
            raise Http404("no system")
        form = ChangeRequestForm(request.POST, kind=kind, system=system, host=host)
        if form.is_valid():
            data = form.cleaned_data
            try:
                change = changes.create_change(
                    actor=request.user, system=system, kind=kind, host=host,
                    requested=form.requested(), reason=data["reason"],
                    risk_assessment=data["risk_assessment"],
                    fallback_plan=data["fallback_plan"], request=request)
            except ValidationError as error:
                add_errors(form, error)
            else:
                if request.POST.get("action") == "submit":
                    self._submit(change, data.get("second_factor", ""))
                else:
                    messages.success(request, _("The draft is saved; submit it when ready."))
                return redirect("change-request-detail", pk=change.pk)
        context = self._context(form, system, kind, host)
        return self.render_to_response(context, status=400)

    def _submit(self, change: ChangeRequest, second_factor: str) -> None:
        request = self.request
        try:
            changes.submit_change(change, actor=request.user, second_factor=second_factor,
                                  request=request)
        except ValidationError as error:
            messages.error(request, _("The draft is saved but not submitted: %(reason)s")
                           % {"reason": " ".join(error.messages)})
        else:
            messages.success(request, _("The request is submitted to the purchaser admin."))

    def _context(self, form, system, kind, host) -> dict:
        user = self.request.user
        return {
            "form": form, "system": system, "kind": kind, "host": host,
            "kinds": ChangeKind.choices, "needs_host": kind in HOST_KINDS,
            "hosts": CloudHost.objects.restrict(user).filter(system=system)
            .exclude(status=HostStatus.DECOMMISSIONED),
            "is_operation": kind in OPERATION_KINDS,
            "has_second_factor": has_second_factor(user) if kind in OPERATION_KINDS else True,
        }


class ChangeRequestEditView(RestrictedMixin, SingleObjectMixin, TemplateView):
    """Change one's own draft: its values and texts (the kind and the host stay)."""

    model = ChangeRequest
    queryset = ChangeRequest.objects.select_related("contract", "system", "host")
    write_roles = REQUESTER_ROLES
    template_name = "inventory/changerequest_edit.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        change = self.object
        initial = {"reason": change.reason, "risk_assessment": change.risk_assessment,
                   "fallback_plan": change.fallback_plan, **change.requested}
        for meter, quantity in change.requested.get("subscriptions", {}).items():
            initial[f"subscription_{meter}"] = quantity
        form = ChangeRequestForm(initial=initial, kind=change.kind, system=change.system,
                                 host=change.host)
        return self.render_to_response(self._context(form))

    def post(self, request, *args, **kwargs):
        self.object = change = self.get_object()
        form = ChangeRequestForm(request.POST, kind=change.kind, system=change.system,
                                 host=change.host)
        if form.is_valid():
            data = form.cleaned_data
            try:
                changes.update_draft(change, actor=request.user, requested=form.requested(),
                                     reason=data["reason"],
                                     risk_assessment=data["risk_assessment"],
                                     fallback_plan=data["fallback_plan"], request=request)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The draft is saved; submit it when ready."))
                return redirect("change-request-detail", pk=change.pk)
        for error in form.non_field_errors():
            messages.error(request, error)
        return self.render_to_response(self._context(form), status=400)

    def _context(self, form) -> dict:
        change = self.object
        can_edit = changes.WORKFLOW.permits("edit", self.request.user, change)
        return {"object": change, "form": form, "kind": change.kind, "host": change.host,
                "needs_host": False, "can_edit": can_edit, "has_second_factor": False,
                "is_operation": False}


def _visible(queryset, pk):
    """Return the object of ``queryset`` that ``pk`` names (None if none is named); one
    that is not visible, or a malformed id, is a 404."""
    return None if pk in (None, "") else object_or_404(queryset, pk)


class ChangeStepView(StepView):
    """Every step of a change request, posted from its page (the table: changes.WORKFLOW)."""

    model = ChangeRequest
    queryset = ChangeRequest.objects.select_related("contract", "system", "host")
    workflow = changes.WORKFLOW
    detail_view = ChangeRequestDetailView
    detail_url = "change-request-detail"
    detail_template = "inventory/changerequest_detail.html"
    actions = {
        "submit": StepAction(changes.submit_change, gettext_lazy(
            "The request is submitted to the purchaser admin."), SubmitForm),
        "withdraw": StepAction(changes.withdraw_change,
                               gettext_lazy("The request is withdrawn.")),
        "decide": StepAction(changes.decide_change, {
            ChangeStatus.APPROVED: gettext_lazy("The request is approved."),
            ChangeStatus.REJECTED: gettext_lazy("The request is rejected.")}, DecisionForm),
        "start": StepAction(changes.start_change, gettext_lazy(
            "The change is started; mark it done or failed when it is.")),
        "finish": StepAction(changes.finish_change, {
            ChangeStatus.DONE: gettext_lazy(
                "The change is done; the inventory and the ledger are updated."),
            ChangeStatus.FAILED: gettext_lazy(
                "The change is recorded as failed; nothing changed.")}, FinishForm),
        "verify": StepAction(changes.verify_change, gettext_lazy("The change is verified."),
                             NoteForm),
    }


# --- the work queue ---------------------------------------------------------------------


class ChangeQueueView(RestrictedMixin, ListView):
    """What waits for the person: a section per step of their role that moves requests on
    (from the table, changes.WORKFLOW), then their open requests waiting for others.
    Oldest first. Roles that take no step (the supervisor) have no queue."""

    model = ChangeRequest
    queryset = ChangeRequest.objects.select_related("contract", "system", "host", "created_by")
    template_name = "inventory/change_queue.html"

    def get(self, request, *args, **kwargs):
        if request.user.role not in changes.WORKFLOW.roles:
            raise PermissionDenied("this role takes no step of a change request")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = self.sections(context["object_list"], self.request.user)
        return context

    @staticmethod
    def sections(visible, user) -> list[dict]:
        workflow, nothing = changes.WORKFLOW, _("Nothing is waiting here.")
        visible = changes.with_waiting_since(visible)
        sections = []
        for step in workflow.queue_steps(user):
            rows = workflow.waiting_for(user, visible, step)
            sections.append({"key": step.name, "title": step.label, "rows": rows,
                             "empty": nothing})
        others = visible.filter(status__in=list(changes.OPEN_CHANGE_STATUSES)).exclude(
            pk__in=workflow.waiting_for(user, visible).values("pk"))
        if user.role in REQUESTER_ROLES:
            others = others.filter(created_by=user)
        else:  # a draft is its author's until submitted
            others = others.exclude(status=ChangeStatus.DRAFT)
        sections.append({"key": "others", "title": _("Open requests waiting for others"),
                         "rows": others, "empty": nothing})
        for section in sections:
            section["rows"] = list(section["rows"].order_by("waiting_since", "pk"))
            for change in section["rows"]:
                change.waiting_for = workflow.awaited(change.status)
        return sections


# --- the ledger and the allocation ------------------------------------------------------


class AllocationEntryListView(FilteredListView):
    model = AllocationEntry
    #: The ledger table names a system and a host, nothing else of them: their other
    #: columns (JSON lists among them) are not read.
    queryset = AllocationEntry.objects.select_related("system", "host").only(
        *(field.name for field in AllocationEntry._meta.concrete_fields),
        "system__label", "host__name").order_by("-recorded_at", "-pk")
    filterset_class = AllocationEntryFilterSet
    partial_template_name = "inventory/_partials/ledger_table.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        label_entries(context["object_list"])
        return context


class AllocationView(RestrictedMixin, TemplateView):
    """Per catalog item: contracted, allocated, headroom, at a moment (C-7).

    Contract-wide roles see the contract's whole allocation; the purchaser's staff and the
    app vendors see what their systems are allocated, against the same contracted figures.
    """

    template_name = "inventory/allocation.html"

    def get(self, request, *args, **kwargs):
        user = request.user
        if user.role not in INVENTORY_ROLES:
            raise PermissionDenied("the allocation is for the people of a contract")
        form = AllocationForm(request.GET or None, user=user)
        contracts = form.fields["contract"].queryset
        if request.GET.get("contract"):
            object_or_404(contracts, request.GET["contract"], message="no such contract")
        form.is_valid()  # an unreadable moment is shown on the form; the contract still counts
        cleaned = getattr(form, "cleaned_data", {})
        contract = cleaned.get("contract") or contracts.first()
        at = cleaned.get("at")
        context = self.get_context_data(form=form, contract=contract, at=at)
        if contract is not None:
            context.update(self.allocation(user, contract, at))
        return self.render_to_response(context)

    @staticmethod
    def allocation(user, contract, at) -> dict:
        items, whole = allocation_seen_by(user, contract, at)
        rows = []
        for item in items:
            percent = round(item.allocated * 100 / item.contracted, 1) if item.contracted else 0
            most = item.contracted or 1
            rows.append({"item": item, "percent": percent, "max": most,
                         "low": most * WATCH_PERCENT / 100,
                         "high": most * NEARLY_FULL_PERCENT / 100,
                         "nearly_full": percent >= NEARLY_FULL_PERCENT})
        chart = {
            "names": [f"{row['item'].number}. {row['item'].name}" for row in rows],
            "percents": [row["percent"] for row in rows],
            "details": [f"{row['item'].allocated} / {row['item'].contracted} "
                        f"{row['item'].unit} ({row['percent']}%)" for row in rows],
            "allocated": _("Allocated"), "contracted": _("Contracted"),
        }
        running = running_hosts(contract, at, systems=systems_in_scope(user, contract))
        return {"rows": rows, "whole_contract": whole, "running": running, "chart": chart}
