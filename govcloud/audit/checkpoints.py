"""Checkpoints of the audit chain, kept outside the database.

The chain and its signed head show any record changed, moved or deleted, but not a
database put back to an earlier copy, nor one emptied of its log and accounts alike: what
is gone then left no trace inside it. A checkpoint is a small file, signed with the audit
key (HMAC-SM3), naming the chain's start, end, count and time. Written regularly to a
write-once store (docs/security.md), it lets ``govcloud audit verify`` tell that records it
saw were deleted or rewritten, or that the log was rolled back behind it.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import UTC
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from govcloud.audit.choices import ProblemKind
from govcloud.audit.constants import CHECKPOINT_VARIABLE, KEY_BYTES, KEY_NAME
from govcloud.audit.models import AuditChainHead, AuditEvent, AuditLogError
from govcloud.audit.services import Problem, record_event, verify_chain
from govcloud.lib.env import env_str
from govcloud.lib.gmcrypto import hmac_sm3_hex, load_key, tags_equal

FORMAT = "govcloud-audit-checkpoint/1"
#: The largest checkpoint file read; a real one is about 300 bytes.
MAX_CHECKPOINT_BYTES = 4096


@dataclass(frozen=True)
class Checkpoint:
    """What the chain was at one moment: records ``first_sequence``–``last_sequence``."""

    first_sequence: int
    last_sequence: int
    last_tag: str
    count: int
    written_at: str

    def signed_text(self) -> str:
        """Return the checkpoint as the JSON text of its file, tag included."""
        content = {"format": FORMAT, **asdict(self)}
        return json.dumps({**content, "tag": _tag(content)}, indent=2) + "\n"


def _tag(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hmac_sm3_hex(load_key(KEY_NAME, KEY_BYTES), canonical.encode())


# Writing ---------------------------------------------------------------------------------


def configured_path() -> Path | None:
    """Return where checkpoints go and are read from by default (a file or a directory)."""
    configured = env_str(CHECKPOINT_VARIABLE, "").strip()
    return Path(configured) if configured else None


def write_checkpoint(output: Path | None) -> tuple[Checkpoint, str, Path | None]:
    """Record the checkpoint, take it and write it; return it, its text and its file.

    ``output`` is a new file, or a directory to add a file to; None gives the text only
    (to pipe to a store). The log must verify: a checkpoint of a tampered log would vouch
    for the tampering. Nothing is recorded if the file cannot be written.
    """
    with transaction.atomic():
        problems = verify_chain()
        if problems:
            raise AuditLogError(f"the audit log does not verify ({len(problems)} problems); "
                                "no checkpoint is taken")
        record_event("audit.checkpoint", details={"output": str(output or "-")})
        checkpoint = _take()
        text = checkpoint.signed_text()
        written = _write(output, checkpoint, text) if output is not None else None
    return checkpoint, text, written


def _take() -> Checkpoint:
    head = AuditChainHead.objects.select_for_update().get(pk=1)
    count = AuditEvent.objects.count()
    moment = timezone.now().astimezone(UTC).isoformat(timespec="seconds")
    return Checkpoint(head.first_sequence, head.last_sequence, head.last_tag, count, moment)


def _write(output: Path, checkpoint: Checkpoint, text: str) -> Path:
    """Create the file; never replace one (a write-once store would refuse it too)."""
    if output.is_dir():
        stamp = re.sub(r"[^0-9T]", "", checkpoint.written_at[:19]) + "Z"
        output = output / f"audit-checkpoint-{checkpoint.last_sequence}-{stamp}.json"
    try:
        descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise AuditLogError(f"{output} exists already: a checkpoint is written once; name a "
                            "new file or a directory") from None
    except OSError as error:
        raise AuditLogError(f"{output}: cannot be written ({error.strerror})") from None
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        stream.write(text)
    return output


# Verifying -------------------------------------------------------------------------------


def verify_log(checkpoint: Path | None = None) -> list[Problem]:
    """Return the chain's problems and those against every checkpoint at ``checkpoint``
    (a file or a directory of them; the configured path if None, none if unset)."""
    problems = verify_chain()
    location = checkpoint or configured_path()
    if location is not None:
        problems += [problem for path in _checkpoint_files(location)
                     for problem in _against(path)]
    return problems


def _checkpoint_files(location: Path) -> list[Path]:
    if location.is_dir():
        return sorted(location.glob("*.json"))
    return [location]


def _problem(kind: str, path: Path, message: str, sequence: int | None = None,
             through: int | None = None) -> Problem:
    return Problem(kind, sequence, f"checkpoint {path}: {message}", through=through)


def _against(path: Path) -> list[Problem]:
    """Compare the log with one checkpoint file."""
    checkpoint, trouble = read_checkpoint(path)
    if checkpoint is None:
        return [_problem(ProblemKind.CHANGED, path, trouble)]
    head = AuditChainHead.objects.filter(pk=1).first()
    first = head.first_sequence if head else 1
    last = head.last_sequence if head else 0
    seen = f"the checkpoint of {checkpoint.written_at} saw records " \
           f"{checkpoint.first_sequence}–{checkpoint.last_sequence}"
    if last < checkpoint.last_sequence:
        return [_problem(ProblemKind.TRUNCATED, path, f"the log ends at record {last} but {seen}: "
                         "records were cut off the end or the database was rolled back",
                         last + 1, checkpoint.last_sequence)]
    if first < checkpoint.first_sequence:
        return [_problem(ProblemKind.CHANGED, path, f"the log starts at record {first} but {seen}: "
                         "the database was rolled back to before a purge")]
    return _records_behind(path, checkpoint, first, seen)


def _records_behind(path: Path, checkpoint: Checkpoint, first: int, seen: str) -> list[Problem]:
    """Check the records the checkpoint saw that no purge has removed since."""
    last = checkpoint.last_sequence
    if last < first or last == 0:
        return []
    start = max(first, checkpoint.first_sequence)
    kept = AuditEvent.objects.filter(sequence__gte=start, sequence__lte=last)
    problems = []
    missing = (last - start + 1) - kept.count()
    if missing > 0:
        problems.append(_problem(ProblemKind.DELETED, path, f"{missing} of the records "
                                 f"{start}–{last} it saw are gone ({seen})", start, last))
    end = kept.filter(sequence=last).values_list("tag", flat=True).first()
    if end is not None and not tags_equal(end, checkpoint.last_tag):
        problems.append(_problem(ProblemKind.CHANGED, path, f"record {last} is not the record "
                                 "it saw: the log behind the checkpoint was rewritten", last))
    return problems


def read_checkpoint(path: Path) -> tuple[Checkpoint | None, str]:
    """Return the checkpoint in ``path``, or None and why it cannot be trusted."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_CHECKPOINT_BYTES + 1)
    except OSError as error:
        return None, f"cannot be read ({error.strerror})"
    if len(raw) > MAX_CHECKPOINT_BYTES:
        return None, f"is larger than {MAX_CHECKPOINT_BYTES} bytes: not a checkpoint"
    try:
        content = json.loads(raw)
        tag = content.pop("tag")
        checkpoint = Checkpoint(**{name: content[name] for name in Checkpoint.__dataclass_fields__})
    except (ValueError, TypeError, KeyError, AttributeError):
        return None, f"is not a checkpoint file ({FORMAT})"
    if content.get("format") != FORMAT or not isinstance(tag, str) or not tags_equal(
        _tag(content), tag
    ):
        return None, ("does not match its tag: it was changed, or written with another "
                      "audit key")
    return checkpoint, ""
