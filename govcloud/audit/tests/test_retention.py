"""Records are kept for the retention period; purging trims only what is past it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from govcloud.audit.constants import retention_days
from govcloud.audit.models import AuditChainHead, AuditEvent, AuditLogError
from govcloud.audit.services import purge_expired, record_event, verify_chain
from govcloud.audit.tests.conftest import run_sql
from govcloud.lib.env import ConfigurationError


def test_the_retention_defaults_to_180_days(monkeypatch):
    monkeypatch.delenv("GOVCLOUD_AUDIT_RETENTION_DAYS", raising=False)
    assert retention_days() == 180


def test_a_retention_below_180_days_is_an_error_naming_the_variable(monkeypatch):
    monkeypatch.setenv("GOVCLOUD_AUDIT_RETENTION_DAYS", "90")
    with pytest.raises(ConfigurationError, match="GOVCLOUD_AUDIT_RETENTION_DAYS"):
        retention_days()


def test_a_retention_that_is_not_a_number_is_an_error(monkeypatch):
    monkeypatch.setenv("GOVCLOUD_AUDIT_RETENTION_DAYS", "half a year")
    with pytest.raises(ConfigurationError, match="GOVCLOUD_AUDIT_RETENTION_DAYS"):
        retention_days()


def test_a_young_record_cannot_be_deleted(five_events):
    with pytest.raises(AuditLogError, match="180 days"):
        five_events[2].delete()
    with pytest.raises(AuditLogError, match="GOVCLOUD_AUDIT_RETENTION_DAYS"):
        AuditEvent.objects.filter(sequence__gte=4).delete()
    assert AuditEvent.objects.count() == 5


def test_a_record_cannot_be_changed_through_the_application(five_events):
    event = five_events[0]
    event.action = "auth.logout"
    with pytest.raises(AuditLogError):
        event.save()
    with pytest.raises(AuditLogError):
        AuditEvent.objects.filter(pk=event.pk).update(action="auth.logout")


def _record_days_ago(monkeypatch, days: int, count: int) -> None:
    moment = timezone.now() - timedelta(days=days)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    for _ in range(count):
        record_event("policy.change")
    monkeypatch.undo()


def test_purge_deletes_only_expired_records_and_the_log_still_verifies(db, monkeypatch):
    _record_days_ago(monkeypatch, 200, 3)
    record_event("policy.change")
    record_event("policy.change")
    assert purge_expired() == 3
    assert sorted(AuditEvent.objects.values_list("action", flat=True)) == [
        "audit.purge", "policy.change", "policy.change"]
    assert AuditChainHead.objects.get().first_sequence == 4
    assert verify_chain() == []
    assert purge_expired() == 0


def test_purge_stops_at_the_first_record_still_kept(db, monkeypatch):
    _record_days_ago(monkeypatch, 200, 2)
    record_event("policy.change")
    _record_days_ago(monkeypatch, 190, 1)  # an old clock reading after a young record
    assert purge_expired() == 2
    assert verify_chain() == []


def test_an_expired_record_deleted_outside_purge_is_still_named(db, monkeypatch):
    _record_days_ago(monkeypatch, 200, 3)
    AuditEvent.objects.filter(sequence=2).delete()
    assert [(problem.kind, problem.sequence) for problem in verify_chain()] == [("deleted", 2)]


def test_a_log_that_does_not_verify_is_not_purged(db, monkeypatch):
    _record_days_ago(monkeypatch, 200, 3)
    run_sql("UPDATE {table} SET actor_username = %s WHERE sequence = 1", ["intruder"])
    with pytest.raises(CommandError, match="not purged"):
        call_command("audit", "purge")
    assert AuditEvent.objects.count() == 3


def test_the_purge_command_reports_what_it_deleted(db, monkeypatch, capsys):
    _record_days_ago(monkeypatch, 365, 2)
    call_command("audit", "purge")
    assert "purged 2 expired audit records" in capsys.readouterr().out
    call_command("audit", "verify")
