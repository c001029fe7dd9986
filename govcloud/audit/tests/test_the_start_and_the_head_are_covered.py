"""The chain's start, its end, the count and the purges are covered by verify: moving the
head, deleting the oldest records or the whole log is named."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from govcloud.audit.models import AuditChainHead, AuditEvent
from govcloud.audit.services import head_tag, purge_expired, record_event, verify_chain
from govcloud.audit.tests.conftest import found, run_sql

HEAD_TABLE = AuditChainHead._meta.db_table


def set_head(sign: bool = False, **values) -> None:
    """Rewrite the chain head in SQL; ``sign`` as an intruder holding the audit key would."""
    head = AuditChainHead.objects.get()
    for name, value in values.items():
        setattr(head, name, value)
    if sign:
        values["tag"] = head_tag(head.first_sequence, head.first_previous_tag,
                                 head.last_sequence, head.last_tag)
    assignments = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in values)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {connection.ops.quote_name(HEAD_TABLE)} SET {assignments}",
                       list(values.values()))


def delete_everything() -> None:
    run_sql("DELETE FROM {table}")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(HEAD_TABLE)}")


def test_deleting_the_oldest_records_and_moving_the_heads_start_is_named(five_events):
    run_sql("DELETE FROM {table} WHERE sequence IN (1, 2)")
    set_head(first_sequence=3, first_previous_tag=five_events[1].tag)
    problems = verify_chain()
    assert found(problems) == [("changed", None), ("deleted", 1)]
    assert "start or the end of the chain was moved" in str(problems[0])
    assert "records 1–2 are gone from the start of the log" in str(problems[1])


def test_a_start_moved_with_the_key_is_still_named_without_a_purge_record(five_events):
    run_sql("DELETE FROM {table} WHERE sequence IN (1, 2)")
    set_head(sign=True, first_sequence=3, first_previous_tag=five_events[1].tag)
    assert found(verify_chain()) == [("deleted", 1)]


def test_cutting_the_end_and_moving_the_heads_end_is_named(five_events):
    run_sql("DELETE FROM {table} WHERE sequence = 5")
    set_head(last_sequence=4, last_tag=five_events[3].tag)
    assert found(verify_chain()) == [("changed", None)]


def test_an_edited_head_tag_is_named(five_events):
    set_head(tag="0" * 64)
    assert found(verify_chain()) == [("changed", None)]


def test_deleting_every_record_and_the_head_is_named_once_accounts_exist(
        five_events, django_user_model):
    django_user_model.objects.create_user("system-admin", password="x")
    delete_everything()
    problems = verify_chain()
    assert found(problems) == [("truncated", None)]
    assert "every record was deleted" in str(problems[0])
    with pytest.raises(CommandError, match="tampered"):
        call_command("audit", "verify")


def test_an_installation_without_accounts_or_records_verifies(db):
    assert verify_chain() == []


def _record_days_ago(monkeypatch, days: int, count: int) -> None:
    moment = timezone.now() - timedelta(days=days)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    for _ in range(count):
        record_event("policy.change")
    monkeypatch.undo()


def test_a_purge_records_the_range_it_removed_and_signs_the_new_start(db, monkeypatch):
    _record_days_ago(monkeypatch, 200, 3)
    record_event("policy.change")
    third = AuditEvent.objects.get(sequence=3)
    assert purge_expired() == 3
    purge = AuditEvent.objects.get(action="audit.purge")
    assert purge.details == {"records": 3, "first_sequence": 1, "through_sequence": 3,
                             "through_tag": third.tag, "retention_days": 180}
    assert verify_chain() == []


def test_a_second_purge_follows_the_first(db, monkeypatch):
    _record_days_ago(monkeypatch, 300, 2)
    _record_days_ago(monkeypatch, 250, 0)
    purge_expired()
    _record_days_ago(monkeypatch, 200, 2)
    record_event("policy.change")
    assert verify_chain() == []


def test_records_deleted_after_a_purge_from_the_new_start_are_named(db, monkeypatch):
    _record_days_ago(monkeypatch, 200, 2)
    for _ in range(3):
        record_event("policy.change")
    purge_expired()
    kept = AuditEvent.objects.get(sequence=3)
    run_sql("DELETE FROM {table} WHERE sequence = 3")
    set_head(sign=True, first_sequence=4, first_previous_tag=kept.tag)
    problems = verify_chain()
    assert [(p.kind, p.sequence, p.through) for p in problems] == [("deleted", 1, 3)]
