"""Recording events and verifying an untouched log."""

from __future__ import annotations

from itertools import pairwise

from django.core.management import call_command

from govcloud.audit.models import AuditChainHead, AuditEvent
from govcloud.audit.services import record_event, verify_chain


def test_records_are_numbered_and_linked_one_after_another(five_events):
    sequences = [event.sequence for event in five_events]
    assert sequences == [1, 2, 3, 4, 5]
    for before, after in pairwise(five_events):
        assert after.previous_tag == before.tag
    head = AuditChainHead.objects.get()
    assert (head.last_sequence, head.last_tag) == (5, five_events[-1].tag)


def test_an_untouched_log_has_no_problems(five_events):
    assert verify_chain() == []


def test_an_empty_log_verifies(db):
    assert verify_chain() == []


def test_the_command_says_the_log_is_intact(five_events, capsys):
    call_command("audit", "verify")
    assert "audit log intact: 5 records" in capsys.readouterr().out


def test_a_record_names_its_actor_target_and_chinese_details(cast):
    event = record_event("account.role_change", actor=cast.audit_admin, target=cast.vendor_a,
                         details={"原角色": "应用开发商"})
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor_username, stored.actor_role) == ("audit-admin", "audit_admin")
    assert (stored.target_type, stored.target_id) == ("accounts.User", str(cast.vendor_a.pk))
    assert stored.details == {"原角色": "应用开发商"}
    assert verify_chain() == []


def test_loading_a_contract_is_recorded_with_its_version_and_outcome(cast):
    loads = AuditEvent.objects.filter(action="contract.load").order_by("sequence")
    assert [event.details["outcome"] for event in loads] == ["created", "created"]
    assert loads[0].details == {"code": cast.contract_a.code, "version": 1,
                                "outcome": "created"}
    assert loads[0].target_type == "contract.Contract"


def test_a_deleted_user_leaves_the_records_of_their_acts(cast):
    event = record_event("policy.change", actor=cast.security_admin)
    cast.security_admin.delete()
    assert AuditEvent.objects.get(pk=event.pk).actor_username == "security-admin"
    assert verify_chain() == []
