"""The demo fleet's history: change requests over the contract term, played through the
real workflow (govcloud.inventory.changes) at their moments under time_machine.travel.

The requests are planned first, each with the steps it takes and when (in Beijing office
hours on working days), then every step of every request is run in time order, so the
ledger, the request stamps, the audit log and the TOTP codes tell one story.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

import time_machine
from django.core.exceptions import ValidationError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from govcloud.accounts.models import User
from govcloud.demo.constants import (
    BEIJING,
    FAILURE,
    FALLBACKS,
    GAP_HOURS,
    OFFICE_END,
    OFFICE_START,
    REASONS,
    REJECTIONS,
    RISKS,
    STEPS,
    STILL_OPEN,
    STORAGE_METERS,
    STORAGE_STEP,
    SUBSCRIPTION_DECREASE,
    SUBSCRIPTION_REASONS,
    UNUSUAL,
    VERIFIED_MIX,
)
from govcloud.inventory import changes
from govcloud.inventory.choices import ChangeKind, ChangeStatus
from govcloud.inventory.ledger import HOST_SERVICE_METERS, allocation_problems
from govcloud.inventory.models import ApplicationSystem, ChangeRequest, CloudHost
from govcloud.lib.workdays import UnknownCalendarYear, is_working_day


@dataclass(frozen=True)
class DemoPeople:
    """Who acts in the history: the requesters are scoped to systems (C-9)."""

    approver: User
    operator: User
    requesters: list[User]


@dataclass
class Story:
    """One change request of the history, from its planned steps to its outcome."""

    kind: str
    variant: str
    outcome: str
    system: ApplicationSystem
    requester: User
    host: CloudHost | None
    draw: float  # a number drawn at planning, to choose amounts without shifting the draws
    steps: list[tuple[datetime, str]] = field(default_factory=list)
    change: ChangeRequest | None = None
    reserved: dict[str, int] = field(default_factory=dict)


class HistoryPlanner:
    """Plan the change requests of the term and play them through the workflow."""

    def __init__(self, contract, people: DemoPeople, start: datetime, end: datetime,
                 scale: float, slugs: dict[int, str], late: set[int]):
        self.contract, self.people = contract, people
        self.start, self.end = start, end
        self.scale, self.slugs = scale, slugs
        self.rng = random.Random(f"{contract.code}:history")
        self.rented = changes.rented_meters(contract)
        self.reserved: dict[str, int] = {}
        self.used_hosts: set[int] = set()
        self.used_systems: set[int] = set()
        self.host_names: dict[int, set[str]] = {}
        self.targets = self._targets(late)

    def _targets(self, late: set[int]) -> list[tuple[ApplicationSystem, User]]:
        """Return (system, requester) pairs: who may ask for changes of which system."""
        pairs = []
        for requester in self.people.requesters:
            for system in requester.systems.filter(contract=self.contract).order_by(
                    "contract_row", "label"):
                if system.pk not in late and system.hosts.exists():
                    pairs.append((system, requester))
        return sorted(pairs, key=lambda pair: (pair[0].contract_row or 0, pair[1].username))

    def plan(self) -> list[Story]:
        stories = []
        span = self.end - self.start
        body = [(kind, variant, ChangeStatus.VERIFIED)
                for kind, variant, count in VERIFIED_MIX
                for _ in range(max(1, round(count * self.scale)))]
        body += UNUSUAL
        moments = sorted(self.start + span * self.rng.uniform(0.04, 0.88) for _ in body)
        self.rng.shuffle(body)
        for (kind, variant, outcome), moment in zip(body, moments, strict=True):
            stories += self._story(kind, variant, outcome, moment, 1.0)
        for index, (kind, variant, outcome) in enumerate(STILL_OPEN):
            moment = self.end - timedelta(days=6) + timedelta(hours=18 * index)
            stories += self._story(kind, variant, outcome, max(moment, self.start), 0.3)
        return stories

    def _story(self, kind, variant, outcome, moment, pace) -> list[Story]:
        if kind == ChangeKind.SERVICES and not HOST_SERVICE_METERS & self.rented:
            return []
        if kind == ChangeKind.SUBSCRIPTION and not set(changes.SYSTEM_METERS) & self.rented:
            return []
        target = self._target(kind, variant)
        if target is None:
            return []
        system, requester, host = target
        story = Story(kind, variant, outcome, system, requester, host, self.rng.random())
        story.steps = self._steps(moment, STEPS[outcome], pace)
        if variant != "then start":
            return [story]
        after = story.steps[-1][0] + timedelta(days=self.rng.uniform(5, 12))
        restart = Story(ChangeKind.START, "", ChangeStatus.VERIFIED, system, requester, host,
                        self.rng.random())
        restart.steps = self._steps(after, STEPS[ChangeStatus.VERIFIED], pace)
        return [story, restart]

    def _target(self, kind, variant):
        """Choose a system, its requester and, for a host's change, a host nobody else uses."""
        pairs = list(self.targets)
        self.rng.shuffle(pairs)
        for system, requester in pairs:
            if kind == ChangeKind.SUBSCRIPTION:
                if system.pk not in self.used_systems:
                    self.used_systems.add(system.pk)
                    return system, requester, None
                continue
            if kind == ChangeKind.NEW_HOST:
                return system, requester, None
            hosts = [h for h in system.hosts.order_by("name")
                     if h.pk not in self.used_hosts and self._fits(h, kind, variant)]
            if hosts:
                host = self.rng.choice(hosts)
                self.used_hosts.add(host.pk)
                return system, requester, host
        return None

    def _fits(self, host: CloudHost, kind, variant) -> bool:
        if kind == ChangeKind.RESIZE:
            return host.vcpu <= 8 if variant == "up" else host.vcpu >= 4
        if kind == ChangeKind.STORAGE:
            return _disk(host)[1] >= (60 if variant == "shrink" else STORAGE_STEP)
        if kind == ChangeKind.SERVICES:
            rented = HOST_SERVICE_METERS & self.rented
            return bool(rented - set(host.services)) if variant == "add" else bool(host.services)
        if kind == ChangeKind.DECOMMISSION:
            return "-app-" in host.name and host.system.hosts.filter(
                name__contains="-app-").count() > 1
        return True

    def _steps(self, moment: datetime, names, pace: float) -> list[tuple[datetime, str]]:
        steps = [(office_hours(moment, self.rng), names[0])]
        for name in names[1:]:
            low, high = GAP_HOURS[name]
            later = steps[-1][0] + timedelta(hours=self.rng.uniform(low, high) * pace)
            steps.append((office_hours(later, self.rng), name))
        return steps

    # --- playing the stories --------------------------------------------------------

    def play(self, stories: list[Story], events=()) -> None:
        """Run every step in time order, each at its moment; steps past the end are left.

        ``events`` are other (moment, action) pairs to run in the same order.
        """
        timeline = [(moment, partial(self._step, name, story))
                    for story in stories for moment, name in story.steps]
        timeline = sorted([*timeline, *events], key=lambda step: step[0])  # stable
        previous = None
        for moment, action in timeline:
            if previous is not None and moment <= previous:  # a step a minute: unique codes
                moment = previous + timedelta(minutes=1)
            previous = moment
            if moment <= self.end:
                with time_machine.travel(moment, tick=False):
                    action()

    def _step(self, name: str, story: Story) -> None:
        if name == "create" or story.change is not None:  # else it was never made
            getattr(self, f"_{name}")(story)

    def _create(self, story: Story) -> None:
        if story.host is not None:
            story.host.refresh_from_db()
        requested = self._requested(story)
        try:  # what the host or the system has become may not allow it any more
            requested = changes.clean_requested(story.kind, story.system, story.host,
                                                requested if requested is not None else {})
        except ValidationError:
            return
        draft = ChangeRequest(contract=self.contract, system=story.system, host=story.host,
                              kind=story.kind, requested=requested)
        deltas = changes.planned_allocation(draft)
        wanted = {meter: delta for meter, delta in deltas.items() if delta > 0}
        if allocation_problems(self.contract, {m: d + self.reserved.get(m, 0)
                                               for m, d in wanted.items()}):
            return  # no headroom left for it: this request is not made
        story.change = changes.create_change(
            actor=story.requester, system=story.system, kind=story.kind, host=story.host,
            requested=requested, reason=self._reason(story, deltas),
            risk_assessment=RISKS[story.kind],
            fallback_plan=FALLBACKS[story.kind])
        story.reserved = wanted
        for meter, delta in wanted.items():
            self.reserved[meter] = self.reserved.get(meter, 0) + delta

    def _reason(self, story: Story, deltas: dict[str, int]) -> str:
        if story.kind != ChangeKind.SUBSCRIPTION:
            return self.rng.choice(REASONS[story.kind, story.variant])
        more = [meter for meter, delta in deltas.items() if delta > 0]
        return SUBSCRIPTION_REASONS[more[0]] if more else SUBSCRIPTION_DECREASE

    def _release(self, story: Story) -> None:
        for meter, delta in story.reserved.items():
            self.reserved[meter] -= delta
        story.reserved = {}

    def _submit(self, story: Story) -> None:
        code = (_current_code(story.requester)
                if story.kind in (ChangeKind.RESTART, ChangeKind.STOP, ChangeKind.START) else "")
        changes.submit_change(story.change, actor=story.requester, second_factor=code)

    def _approve(self, story: Story) -> None:
        changes.decide_change(story.change, actor=self.people.approver, approve=True,
                              note="同意。")

    def _reject(self, story: Story) -> None:
        note = REJECTIONS.get(story.kind, REJECTIONS[ChangeKind.RESIZE])
        changes.decide_change(story.change, actor=self.people.approver, approve=False,
                              note=note)
        self._release(story)

    def _withdraw(self, story: Story) -> None:
        changes.withdraw_change(story.change, actor=story.requester)
        self._release(story)

    def _start(self, story: Story) -> None:
        changes.start_change(story.change, actor=self.people.operator)

    def _finish(self, story: Story) -> None:
        changes.finish_change(story.change, actor=self.people.operator, succeeded=True,
                              note="已按申请完成。", ip_addresses=self._new_address(story))
        self._release(story)

    @staticmethod
    def _new_address(story: Story) -> list[str]:
        """Return the address the cloud gives a requested new host: the next one of a
        range of its own, so it never meets the fleet's addresses."""
        change = story.change
        if change.kind != ChangeKind.NEW_HOST:
            return []
        given = ChangeRequest.objects.filter(
            contract=change.contract, kind=ChangeKind.NEW_HOST, host__isnull=False).count()
        return [f"10.96.{given // 250}.{given % 250 + 10}"]

    def _fail(self, story: Story) -> None:
        changes.finish_change(story.change, actor=self.people.operator, succeeded=False,
                              note=FAILURE)
        self._release(story)

    def _verify(self, story: Story) -> None:
        changes.verify_change(story.change, actor=story.requester, note="已核实，运行正常。")

    def _requested(self, story: Story) -> dict | None:
        """Return the values the request asks for, from the host or system as it is now."""
        host, draw = story.host, story.draw
        if story.kind == ChangeKind.NEW_HOST:
            return self._new_host(story)
        if story.kind == ChangeKind.RESIZE:
            factor = 2 if story.variant == "up" else 0.5
            return {"vcpu": int(host.vcpu * factor), "memory_gb": max(1, int(host.memory_gb
                                                                          * factor))}
        if story.kind == ChangeKind.STORAGE:
            tier, size = _disk(host)
            step = max(STORAGE_STEP, round(size * (0.2 + 0.3 * draw) / STORAGE_STEP)
                       * STORAGE_STEP)
            return {tier: size + step if story.variant == "expand" else size - min(step,
                                                                                 size // 2)}
        if story.kind == ChangeKind.SERVICES:
            current = sorted(host.services)
            if story.variant == "add":
                missing = sorted((HOST_SERVICE_METERS & self.rented) - set(current))
                return {"services": sorted([*current, missing[int(draw * len(missing))]])}
            return {"services": [m for m in current if m != current[int(draw * len(current))]]}
        if story.kind == ChangeKind.SUBSCRIPTION:
            return self._subscription(story)
        return {}

    def _new_host(self, story: Story) -> dict:
        system, draw = story.system, story.draw
        taken = self.host_names.setdefault(system.pk, set(
            system.hosts.values_list("name", flat=True)))
        prefix = self.slugs[system.pk]
        number = 1 + sum(name.startswith(f"{prefix}-app-") for name in taken)
        name = f"{prefix}-app-{number:02d}"
        taken.add(name)
        template = system.hosts.order_by("name").first()
        vcpu = (4, 4, 8)[int(draw * 3)]
        factor = template.memory_gb / template.vcpu
        storage = {tier: (100 if tier == "performance_storage_gb" else 40)
                   for tier in STORAGE_METERS if tier in self.rented}
        return {"name": name, "vcpu": vcpu, "memory_gb": max(1, int(vcpu * factor)),
                "standard_storage_gb": 0, "performance_storage_gb": 0, **storage,
                "operating_system": template.operating_system,
                "data_center": system.primary_data_center,
                "services": sorted({"host_monitoring", "host_antivirus"} & self.rented)}

    def _subscription(self, story: Story) -> dict | None:
        """Return a new quantity of one subscription, leaving a tenth of the item free."""
        current = changes.allocated_by_meter(self.contract, system=story.system)
        total = changes.allocated_by_meter(self.contract)
        quantities = {item.meter: item.quantity
                      for item in self.contract.current_version.catalogitems.all()}
        offered = [m for m in changes.SYSTEM_METERS if m in self.rented]
        start = int(story.draw * len(offered))
        for meter in offered[start:] + offered[:start]:
            now = current.get(meter, 0)
            if meter == "vpn_account" and story.draw > 0.7 and now > 3:
                return {"subscriptions": {meter: now - 2}}  # accounts of people who left
            more = {"backup_gb": 100 * (2 + int(story.draw * 10)), "vpn_account": 2}.get(meter, 1)
            free = quantities[meter] - total.get(meter, 0) - self.reserved.get(meter, 0)
            if free - more >= max(1, math.ceil(quantities[meter] / 10)):
                return {"subscriptions": {meter: now + more}}
        return None


def _disk(host: CloudHost) -> tuple[str, int]:
    """Return the host's larger storage tier and its size."""
    return max(((tier, getattr(host, tier)) for tier in STORAGE_METERS), key=lambda t: t[1])


def office_hours(moment: datetime, rng: random.Random) -> datetime:
    """Return the moment, or the next working morning in Beijing if it is outside hours."""
    local = moment.astimezone(BEIJING).replace(second=0, microsecond=0)
    day, keep = local.date(), OFFICE_START <= local.time() < OFFICE_END
    if local.time() >= OFFICE_END:
        day += timedelta(days=1)
    while not _is_working_day(day):
        day, keep = day + timedelta(days=1), False
    if keep:
        return local
    return datetime.combine(day, OFFICE_START, BEIJING) + timedelta(minutes=rng.randrange(90))


def _current_code(user) -> str:
    """Return the code the requester's authenticator shows at the (travelled) moment."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits,
                drift=device.drift)
    return f"{code:0{device.digits}d}"


def _is_working_day(day) -> bool:
    try:
        return is_working_day(day)
    except UnknownCalendarYear:  # beyond the years the calendar ships
        return day.weekday() < 5


