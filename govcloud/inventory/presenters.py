"""How change requests, ledger entries and hosts read on the inventory pages."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils.translation import gettext as _

from govcloud.contract.models import CatalogItem
from govcloud.inventory.changes import kinds_for_host
from govcloud.inventory.choices import ChangeKind, ChangeStatus
from govcloud.inventory.drivers import current_driver
from govcloud.inventory.forms import QUANTITY_LABELS
from govcloud.inventory.ledger import allocated_by_meter
from govcloud.inventory.models import ChangeRequest, CloudHost
from govcloud.inventory.templatetags.inventory import service_names


def catalog_of(contract) -> dict[str, CatalogItem]:
    """Return meter -> catalog item of the contract's current version, in catalog order."""
    return {item.meter: item
            for item in contract.current_version.catalogitems.order_by("number")}


def catalogs_of(contract_ids) -> dict[int, dict[str, CatalogItem]]:
    """Return contract id -> meter -> catalog item, for the current versions, in one query."""
    items = CatalogItem.objects.filter(
        version__contract_id__in=set(contract_ids), version__is_current=True,
    ).annotate(contract_id=F("version__contract_id"))  # not the version: it holds the file
    catalogs: dict[int, dict[str, CatalogItem]] = {}
    for item in items:
        catalogs.setdefault(item.contract_id, {})[item.meter] = item
    return catalogs


def label_entries(entries) -> None:
    """Give each ledger entry the catalog item its meter counts (``entry.item``) and the
    name its recorder goes by (``entry.recorded_by``), in one query each."""
    catalogs = catalogs_of(entry.contract_id for entry in entries)
    usernames = {entry.actor_username for entry in entries if entry.actor_username}
    names = {user.username: str(user)
             for user in get_user_model().objects.filter(username__in=usernames)}
    for entry in entries:
        entry.item = catalogs.get(entry.contract_id, {}).get(entry.meter)
        entry.recorded_by = names.get(entry.actor_username, entry.actor_username)


def host_request_kinds(host: CloudHost) -> list[tuple[str, str]]:
    """Return the kinds of change that fit the host's status, as (kind, label)."""
    return [(kind, ChangeKind(kind).label) for kind in kinds_for_host(host)]


def driver_label(name: str) -> str:
    """Return how people know the driver that carried a change out."""
    driver = current_driver()
    return str(driver.label) if name == driver.name and driver.label else name


def timeline(change: ChangeRequest) -> list[dict]:
    """Return the stamps of a request, oldest first: what happened, when, by whom."""
    decided = _("Rejected") if change.status == ChangeStatus.REJECTED else _("Approved")
    finished = _("Failed") if change.status == ChangeStatus.FAILED else _("Done")
    started_detail = " · ".join(filter(None, [
        _("driver: %(driver)s") % {"driver": driver_label(change.driver)} if change.driver
        else "",
        _("reference %(reference)s") % {"reference": change.driver_reference}
        if change.driver_reference else "",
    ]))
    steps = [
        (_("Drafted"), change.created_at, change.created_by, ""),
        (_("Submitted"), change.submitted_at, change.created_by, ""),
        (_("Identity confirmed with a second factor (C-17)"), change.identity_confirmed_at,
         change.created_by, ""),
        (decided, change.decided_at, change.decided_by, change.decision_note),
        (_("Started"), change.started_at, change.started_by, started_detail),
        (finished, change.finished_at, change.finished_by, change.outcome_note),
        (_("Verified"), change.verified_at, change.verified_by, change.verification_note),
        (_("Withdrawn"), change.withdrawn_at, change.created_by, ""),
    ]
    return [{"label": label, "at": at, "by": by, "note": note}
            for label, at, by, note in steps if at is not None]


def requested_rows(change: ChangeRequest, catalog: dict) -> list[dict]:
    """Return what the request asks for against what there is now (and before, when done)."""
    wanted, host = change.requested, change.host
    before = change.applied.get("before", {}) if change.applied else {}
    if change.kind in (ChangeKind.RESIZE, ChangeKind.STORAGE):
        return [{"label": QUANTITY_LABELS[field], "now": getattr(host, field),
                 "requested": value, "before": before.get(field)}
                for field, value in wanted.items()]
    if change.kind == ChangeKind.SERVICES:
        return [{"label": _("Per-host services"), "now": service_names(host.services),
                 "requested": service_names(wanted["services"]),
                 "before": service_names(before["services"]) if "services" in before else None}]
    if change.kind == ChangeKind.SUBSCRIPTION:
        current = allocated_by_meter(change.contract, system=change.system)
        return [{"label": str(catalog[meter]) if meter in catalog else meter,
                 "now": current.get(meter, 0), "requested": quantity,
                 "before": before.get(meter)}
                for meter, quantity in wanted["subscriptions"].items()]
    if change.kind == ChangeKind.NEW_HOST:
        labels = {"name": _("Host name"), **QUANTITY_LABELS,
                  "operating_system": _("Operating system"), "data_center": _("Data center")}
        rows = [{"label": label, "now": getattr(host, field) if host else "—",
                 "requested": wanted.get(field) or "—", "before": None}
                for field, label in labels.items() if field in wanted]
        return [*rows, {"label": _("Per-host services"),
                        "now": service_names(host.services) if host else "—",
                        "requested": service_names(wanted.get("services")), "before": None}]
    if host is not None:
        return [{"label": _("Status"), "now": host.get_status_display(),
                 "requested": change.get_kind_display(), "before": None}]
    return []


def allocation_rows(deltas: dict, catalog: dict, current: dict | None = None) -> list[dict]:
    """Return one row per catalog item a change moves, with the headroom left now."""
    rows = []
    in_catalog_order = sorted(deltas.items(), key=lambda pair: (
        catalog[pair[0]].number if pair[0] in catalog else 10**6, pair[0]))
    for meter, delta in in_catalog_order:
        item = catalog.get(meter)
        row = {"meter": meter, "item": item, "delta": delta}
        if item is not None and current is not None:
            headroom = item.quantity - current.get(meter, 0)
            row.update(headroom=headroom, fits=delta <= headroom)
        rows.append(row)
    return rows
