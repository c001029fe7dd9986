"""Every role × every step × every status, generated from the workflow tables.

One object per step and status; before each person acts it is put back in the status, so
what one person's step did is not what the next one meets.

The service, the page and the API must each answer as the table says: a person the table
does not name for the step (or who is not the author of an author's step, or who does not
see the object) is refused; a named person is told the status when the step does not start
from it; otherwise the step is taken (or refused for another reason, never the status).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from govcloud.access import services as access
from govcloud.access.models import AccessRequest
from govcloud.inventory import changes
from govcloud.inventory.choices import ChangeKind
from govcloud.inventory.models import ChangeRequest
from govcloud.lib.workflow import Workflow
from govcloud.telemetry import maintenance
from govcloud.telemetry.models import MaintenanceWindow


@dataclass(frozen=True)
class Case:
    """How to make an object of a workflow, and how each step is asked for."""

    workflow: Workflow
    make: Any
    #: step -> (service, keyword arguments)
    services: dict[str, tuple[Any, dict]]
    #: step -> (page path suffix, form data); steps without a page are left out
    pages: dict[str, tuple[str, dict]]
    page_root: str
    #: step -> (API action, JSON body)
    api: dict[str, tuple[str, dict]]
    api_root: str


def _change(cast) -> ChangeRequest:
    return changes.create_change(
        actor=cast.vendor_a, system=cast.host_a1.system, kind=ChangeKind.RESIZE,
        host=cast.host_a1, requested={"vcpu": 5, "memory_gb": 9}, reason="更大",
        risk_assessment="低", fallback_plan="回退")


def _access(cast) -> AccessRequest:
    now = timezone.now()
    made = access.request_access(
        cast.contract_a, actor=cast.provider_operator, systems=[cast.system_a1],
        purpose="排查", scope="日志", window_start=now + timedelta(hours=1),
        window_end=now + timedelta(days=1))
    AccessRequest.objects.filter(pk=made.pk).update(window_start=now - timedelta(hours=1))
    return made


def _window(cast) -> MaintenanceWindow:
    start = timezone.now() + timedelta(days=3)
    return maintenance.announce_window(
        actor=cast.provider_operator, contract=cast.contract_a, system=None, title="升级",
        description="", starts_at=start, ends_at=start + timedelta(hours=2))


CASES = {
    "change": Case(
        changes.WORKFLOW, _change,
        services={
            "edit": (changes.update_draft, {"requested": {"vcpu": 6, "memory_gb": 9},
                                            "reason": "r", "risk_assessment": "r",
                                            "fallback_plan": "f"}),
            "submit": (changes.submit_change, {}),
            "withdraw": (changes.withdraw_change, {}),
            "decide": (changes.decide_change, {"approve": True, "note": "同意"}),
            "start": (changes.start_change, {}),
            "finish": (changes.finish_change, {"succeeded": True}),
            "verify": (changes.verify_change, {}),
        },
        pages={"submit": ("submit", {}), "withdraw": ("withdraw", {}),
               "decide": ("decide", {"decision": "approve", "decide-note": "同意"}),
               "start": ("start", {}), "finish": ("finish", {"outcome": "done"}),
               "verify": ("verify", {})},
        page_root="/inventory/changes/",
        api={"submit": ("submit", {}), "withdraw": ("withdraw", {}),
             "decide": ("decide", {"approve": True, "note": "同意"}), "start": ("start", {}),
             "finish": ("finish", {"succeeded": True}), "verify": ("verify", {})},
        api_root="/api/change-requests/",
    ),
    "access": Case(
        access.WORKFLOW, _access,
        services={"decide": (access.decide_access, {"approve": True, "note": "同意"}),
                  "revoke": (access.revoke_access, {"note": "完成"}),
                  "use": (access.record_access_use, {"action": "读取日志"})},
        pages={"decide": ("decide", {"decision": "approve", "decide-note": "同意"}),
               "revoke": ("revoke", {"revoke-note": "完成"}),
               "use": ("use", {"use-action": "读取日志"})},
        page_root="/access/",
        api={"decide": ("decide", {"approve": True, "note": "同意"}),
             "revoke": ("revoke", {"note": "完成"}), "use": ("uses", {"action": "读取日志"})},
        api_root="/api/access-requests/",
    ),
    "maintenance": Case(
        maintenance.WORKFLOW, _window,
        services={"decide": (maintenance.decide_window, {"approve": True, "note": ""}),
                  "cancel": (maintenance.cancel_window, {})},
        pages={"decide": ("decide", {"decision": "approve", "decide-note": ""}),
               "cancel": ("cancel", {})},
        page_root="/maintenance/",
        api={"decide": ("decide", {"approve": True}), "cancel": ("cancel", {})},
        api_root="/api/maintenance-windows/",
    ),
}

CASES_OF_TABLES = [(name, step.name, status) for name, case in CASES.items()
                   for step in case.workflow.steps for status in case.workflow.statuses]


def _in_status(case: Case, obj, status: str):
    type(obj).objects.filter(pk=obj.pk).update(**{case.workflow.status_field: status})
    obj.refresh_from_db()
    return obj


def expected(case: Case, step: str, person, obj) -> str:
    """What the table says must happen: refused, status, or taken."""
    rule = case.workflow.step(step)
    visible = type(obj).objects.restrict(person).filter(pk=obj.pk).exists()
    author = getattr(obj, f"{case.workflow.author_field}_id") == person.pk
    if not visible or person.role not in rule.roles or (rule.own and not author):
        return "refused"
    if not case.workflow.permits(step, person, obj):
        return "status"
    return "taken"


def _outcome(call) -> str:
    try:
        call()
    except PermissionDenied:
        return "refused"
    except ValidationError as error:
        named = error.message_dict if hasattr(error, "error_dict") else {}
        return "status" if "status" in named else f"other: {error.messages}"
    return "taken"


@pytest.mark.parametrize(("name", "step", "status"), CASES_OF_TABLES)
def test_the_service_answers_every_person_as_the_table_says(cast, name, step, status):
    case = CASES[name]
    service, arguments = case.services[step]
    obj = case.make(cast)
    for person in cast.people().values():
        _in_status(case, obj, status)
        want = expected(case, step, person, obj)
        answer = _outcome(lambda person=person: service(obj, actor=person, **arguments))
        assert answer == want, (person.username, step, status)


PAGE_CODES = {"refused": {403, 404}, "status": {400}, "taken": {302}}
API_CODES = {"refused": {403, 404}, "status": {400}, "taken": {200, 201}}


@pytest.mark.parametrize(("name", "step", "status"), CASES_OF_TABLES)
def test_the_page_and_the_api_answer_every_person_as_the_table_says(cast, client_for, name,
                                                                    step, status):
    case = CASES[name]
    obj = case.make(cast)
    for person in cast.people().values():
        client = client_for(person)
        if step in case.pages:
            want = expected(case, step, person, _in_status(case, obj, status))
            suffix, data = case.pages[step]
            response = client.post(f"{case.page_root}{obj.pk}/{suffix}/", data)
            assert response.status_code in PAGE_CODES[want], (person.username, step, status)
        if step in case.api:
            want = expected(case, step, person, _in_status(case, obj, status))
            action, body = case.api[step]
            response = client.post(f"{case.api_root}{obj.pk}/{action}/", body,
                                   content_type="application/json")
            assert response.status_code in API_CODES[want], (person.username, step, status,
                                                             response.content[:300])


def test_every_step_of_every_table_is_generated():
    for case in CASES.values():
        assert set(case.services) == set(case.workflow.by_name)
        assert set(case.api) == set(case.workflow.by_name) - {"edit"}
