"""Rows edited, deleted, inserted or moved straight in the database are each named."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govcloud.audit.services import verify_chain
from govcloud.audit.tests.conftest import found, run_sql

FAR = 10**12  # a free sequence number for swapping two rows under the unique constraint


def test_an_edited_field_names_its_record_as_changed(five_events):
    run_sql("UPDATE {table} SET actor_username = %s WHERE sequence = 3", ["intruder"])
    assert found(verify_chain()) == [("changed", 3)]


def test_edited_details_name_their_record_as_changed(five_events):
    run_sql("UPDATE {table} SET outcome = %s WHERE sequence = 2", ["failure"])
    run_sql("UPDATE {table} SET details = %s WHERE sequence = 4", ['{"说明": "无"}'])
    assert found(verify_chain()) == [("changed", 2), ("changed", 4)]


def test_a_rewritten_tag_names_only_its_record(five_events):
    run_sql("UPDATE {table} SET tag = %s WHERE sequence = 3", ["f" * 64])
    assert found(verify_chain()) == [("changed", 3)]


def test_a_deleted_middle_record_is_named_by_its_sequence(five_events):
    run_sql("DELETE FROM {table} WHERE sequence = 3")
    problems = verify_chain()
    assert found(problems) == [("deleted", 3)]
    assert "record 3 deleted" in str(problems[0])


def test_several_deleted_records_are_named_as_a_run(five_events):
    run_sql("DELETE FROM {table} WHERE sequence IN (2, 3)")
    problems = verify_chain()
    assert [(p.kind, p.sequence, p.through) for p in problems] == [("deleted", 2, 3)]


def test_deleting_the_last_record_is_truncation(five_events):
    run_sql("DELETE FROM {table} WHERE sequence = 5")
    assert found(verify_chain()) == [("truncated", 5)]


def test_deleting_the_first_record_is_named(five_events):
    run_sql("DELETE FROM {table} WHERE sequence = 1")
    assert found(verify_chain()) == [("deleted", 1)]


def _forge(sequence: int, previous_tag: str) -> None:
    run_sql(
        "INSERT INTO {table} (sequence, occurred_at, actor_id, actor_username, actor_role, "
        "source_address, action, target_type, target_id, target_repr, outcome, details, "
        "previous_tag, tag) SELECT %s, occurred_at, actor_id, %s, actor_role, source_address, "
        "action, target_type, target_id, target_repr, outcome, details, %s, %s FROM {table} "
        "WHERE sequence = 1",
        [sequence, "forger", previous_tag, "a" * 64],
    )


def test_a_forged_record_at_the_end_is_named_as_inserted(five_events):
    _forge(6, five_events[-1].tag)
    assert found(verify_chain()) == [("inserted", 6)]


def test_a_forged_record_squeezed_into_the_middle_is_named(five_events):
    for sequence in (5, 4):  # make room at 4, one row at a time for the unique constraint
        run_sql("UPDATE {table} SET sequence = %s WHERE sequence = %s", [sequence + 1, sequence])
    _forge(4, five_events[2].tag)
    assert found(verify_chain()) == [("inserted", 4), ("reordered", 5), ("reordered", 6)]


def _swap_sequences(first: int, second: int) -> None:
    run_sql("UPDATE {table} SET sequence = %s WHERE sequence = %s", [FAR, first])
    run_sql("UPDATE {table} SET sequence = %s WHERE sequence = %s", [first, second])
    run_sql("UPDATE {table} SET sequence = %s WHERE sequence = %s", [second, FAR])


def test_two_swapped_records_are_both_named_as_reordered(five_events):
    _swap_sequences(2, 4)
    problems = verify_chain()
    assert found(problems) == [("reordered", 2), ("reordered", 4)]
    assert "was written as record 4" in str(problems[0])


def test_two_neighbours_swapped_are_both_named_as_reordered(five_events):
    _swap_sequences(3, 4)
    assert found(verify_chain()) == [("reordered", 3), ("reordered", 4)]


def test_swapped_contents_name_both_records(five_events):
    second, fourth = five_events[1], five_events[3]
    for sequence, donor in ((2, fourth), (4, second)):
        run_sql("UPDATE {table} SET details = %s, occurred_at = %s WHERE sequence = %s",
                [json.dumps(donor.details), donor.occurred_at,
                 sequence])
    assert found(verify_chain()) == [("changed", 2), ("changed", 4)]


def test_swapped_whole_rows_name_both_records(five_events):
    second, fourth = five_events[1], five_events[3]
    for sequence, donor in ((2, fourth), (4, second)):
        run_sql("UPDATE {table} SET details = %s, occurred_at = %s, previous_tag = %s, "
                "tag = %s WHERE sequence = %s",
                [json.dumps(donor.details), donor.occurred_at,
                 donor.previous_tag, donor.tag, sequence])
    assert found(verify_chain()) == [("reordered", 2), ("reordered", 4)]


def test_the_command_exits_non_zero_naming_each_broken_record(five_events, capsys):
    run_sql("UPDATE {table} SET action = %s WHERE sequence = 2", ["auth.logout"])
    run_sql("DELETE FROM {table} WHERE sequence = 4")
    with pytest.raises(CommandError, match="2 problem"):
        call_command("audit", "verify")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("changed: record 2 ") and lines[1] == "deleted: record 4 deleted"


def test_the_command_line_exit_status_is_one(five_events):
    run_sql("DELETE FROM {table} WHERE sequence = 5")
    from govcloud.audit.management.commands.audit import Command

    with pytest.raises(SystemExit) as raised:
        Command().run_from_argv(["govcloud", "audit", "verify"])
    assert raised.value.code == 1
