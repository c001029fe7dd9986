"""``govcloud audit checkpoint`` anchors the chain outside the database; ``verify`` checks
the log against it and names what went behind its back."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govcloud.audit.models import AuditEvent
from govcloud.audit.services import compute_tag, verify_chain
from govcloud.audit.tests.conftest import run_sql
from govcloud.audit.tests.test_the_start_and_the_head_are_covered import (
    delete_everything,
    set_head,
)
from govcloud.lib.gmcrypto import load_key


def checkpoint(path) -> dict:
    call_command("audit", "checkpoint", "--output", str(path))
    return json.loads(path.read_text())


def verify_against(path, capsys=None) -> str:
    with pytest.raises(CommandError, match="tampered") as error:
        call_command("audit", "verify", "--checkpoint", str(path))
    return str(error.value) + (capsys.readouterr().out if capsys else "")


def test_a_checkpoint_names_the_chain_and_verify_accepts_it(five_events, tmp_path, capsys):
    content = checkpoint(tmp_path / "cp.json")
    assert content["format"] == "govcloud-audit-checkpoint/1"
    assert (content["first_sequence"], content["last_sequence"], content["count"]) == (1, 6, 6)
    assert content["last_tag"] == AuditEvent.objects.get(sequence=6).tag
    assert len(content["tag"]) == 64 and content["written_at"].endswith("+00:00")
    assert AuditEvent.objects.get(sequence=6).action == "audit.checkpoint"
    capsys.readouterr()
    call_command("audit", "verify", "--checkpoint", str(tmp_path / "cp.json"))
    assert "audit log intact: 6 records" in capsys.readouterr().out


def test_a_log_rolled_back_behind_a_checkpoint_fails(five_events, tmp_path, capsys):
    checkpoint(tmp_path / "cp.json")
    # A restored copy of the database from before records 5 and 6: consistent in itself.
    run_sql("DELETE FROM {table} WHERE sequence >= 5")
    set_head(sign=True, last_sequence=4, last_tag=five_events[3].tag)
    assert verify_chain() == []  # undetectable without the checkpoint
    output = verify_against(tmp_path / "cp.json", capsys)
    assert "the log ends at record 4 but the checkpoint of" in output
    assert "rolled back" in output


def test_an_emptied_installation_fails_against_its_checkpoint(five_events, tmp_path, capsys):
    checkpoint(tmp_path / "cp.json")
    delete_everything()
    assert verify_chain() == []  # no accounts either: it looks like a new installation
    assert "the log ends at record 0" in verify_against(tmp_path / "cp.json", capsys)


def test_a_log_rewritten_with_the_key_behind_a_checkpoint_fails(five_events, tmp_path, capsys):
    checkpoint(tmp_path / "cp.json")
    last = AuditEvent.objects.get(sequence=6)
    last.target_repr = "rewritten"
    tag = compute_tag(last, load_key("audit", 32))
    run_sql("UPDATE {table} SET target_repr = %s, tag = %s WHERE sequence = 6",
            ["rewritten", tag])
    set_head(sign=True, last_tag=tag)
    assert verify_chain() == []
    assert "record 6 is not the record it saw" in verify_against(tmp_path / "cp.json", capsys)


def test_records_deleted_behind_a_checkpoint_are_named(five_events, tmp_path, capsys):
    checkpoint(tmp_path / "cp.json")
    run_sql("DELETE FROM {table} WHERE sequence = 2")
    assert "1 of the records 1–6 it saw are gone" in verify_against(tmp_path / "cp.json", capsys)


def test_a_changed_checkpoint_file_fails(five_events, tmp_path, capsys):
    path = tmp_path / "cp.json"
    content = checkpoint(path)
    path.write_text(json.dumps({**content, "last_sequence": 3}))
    assert "does not match its tag" in verify_against(path, capsys)


@pytest.mark.parametrize("text", ["", "not json", "[]", '{"format": "x"}'])
def test_a_file_that_is_no_checkpoint_fails(text, five_events, tmp_path, capsys):
    path = tmp_path / "cp.json"
    path.write_text(text)
    assert "is not a checkpoint file" in verify_against(path, capsys)


def test_a_missing_checkpoint_file_fails(five_events, tmp_path, capsys):
    assert "cannot be read" in verify_against(tmp_path / "gone.json", capsys)


def test_a_checkpoint_is_never_written_over(five_events, tmp_path):
    checkpoint(tmp_path / "cp.json")
    with pytest.raises(CommandError, match="exists already"):
        call_command("audit", "checkpoint", "--output", str(tmp_path / "cp.json"))
    assert AuditEvent.objects.filter(action="audit.checkpoint").count() == 1


def test_a_tampered_log_gets_no_checkpoint(five_events, tmp_path):
    run_sql("DELETE FROM {table} WHERE sequence = 2")
    with pytest.raises(CommandError, match="no checkpoint is taken"):
        call_command("audit", "checkpoint", "--output", str(tmp_path / "cp.json"))
    assert not (tmp_path / "cp.json").exists()


def test_checkpoints_go_to_the_configured_directory_and_verify_reads_each(
        five_events, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GOVCLOUD_AUDIT_CHECKPOINT", str(tmp_path))
    call_command("audit", "checkpoint")
    call_command("audit", "checkpoint")
    files = sorted(tmp_path.glob("audit-checkpoint-*.json"))
    assert [path.name.split("-")[2] for path in files] == ["6", "7"]
    call_command("audit", "verify")
    run_sql("DELETE FROM {table} WHERE sequence = 7")
    set_head(sign=True, last_sequence=6, last_tag=AuditEvent.objects.get(sequence=6).tag)
    with pytest.raises(CommandError, match="1 problem"):
        call_command("audit", "verify")
    assert "the log ends at record 6" in capsys.readouterr().out


def test_without_an_output_the_checkpoint_is_printed(five_events, capsys, monkeypatch):
    monkeypatch.delenv("GOVCLOUD_AUDIT_CHECKPOINT", raising=False)
    call_command("audit", "checkpoint")
    assert json.loads(capsys.readouterr().out)["last_sequence"] == 6
