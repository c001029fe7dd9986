"""Audit rules: the one way to write the log, to check its chain and to purge it.

Each record's tag is HMAC-SM3 over its canonical bytes, which include its sequence and
the tag of the record before it; the chain head's tag covers where the chain starts and
ends. ``verify_chain`` recomputes every tag and, for a record that fails, looks for the
position its content was tagged at, so it can tell a record that was moved from one that
was changed. A purge records what it removed, so a start moved without one is named.
What the database alone cannot show (the whole database rolled back, or emptied with its
accounts) a checkpoint kept outside it does: ``govcloud.audit.checkpoints``.
"""

from __future__ import annotations

import ipaddress
import json
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from govcloud.audit.choices import Outcome, ProblemKind
from govcloud.audit.constants import GENESIS_TAG, KEY_BYTES, KEY_NAME, retention_days
from govcloud.audit.models import AuditChainHead, AuditEvent, AuditLogError, retention_cutoff
from govcloud.lib.batches import each_in_order
from govcloud.lib.gmcrypto import hmac_sm3_hex, load_key, tags_equal

PURGE_ACTION = "audit.purge"

#: The fields the tag covers: every field but the tag itself and the database id (a storage
#: detail a restore may renumber; ``sequence`` is the record's place in the chain).
TAGGED_FIELDS = (
    "sequence", "occurred_at", "actor_id", "actor_username", "actor_role", "source_address",
    "action", "target_type", "target_id", "target_repr", "outcome", "details", "previous_tag",
)


def _key() -> bytes:
    return load_key(KEY_NAME, KEY_BYTES)


def canonical_bytes(event: AuditEvent, sequence: int | None = None) -> bytes:
    """Return the bytes the tag covers; ``sequence`` overrides the record's own."""
    values = {name: getattr(event, name) for name in TAGGED_FIELDS}
    if sequence is not None:
        values["sequence"] = sequence
    values["occurred_at"] = _utc_text(event.occurred_at)
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def compute_tag(event: AuditEvent, key: bytes, sequence: int | None = None) -> str:
    """Return the HMAC-SM3 tag of the record (at ``sequence`` if given)."""
    return hmac_sm3_hex(key, canonical_bytes(event, sequence))


def head_tag(first_sequence: int, first_previous_tag: str, last_sequence: int,
             last_tag: str, key: bytes | None = None) -> str:
    """Return the HMAC-SM3 tag of a chain head: its start and its end.

    The bytes name what they are, so a head's tag can never pass for a record's.
    """
    content = json.dumps({"chain_head": [first_sequence, first_previous_tag, last_sequence,
                                         last_tag]}, separators=(",", ":"))
    return hmac_sm3_hex(key or _key(), content.encode())


def _sign(head: AuditChainHead) -> None:
    head.tag = head_tag(head.first_sequence, head.first_previous_tag, head.last_sequence,
                        head.last_tag)


# Writing ---------------------------------------------------------------------------------


def record_event(action: str, *, actor=None, request=None, target=None,
                 outcome: str = Outcome.SUCCESS, details: dict | None = None) -> AuditEvent:
    """Append an event to the log and return it.

    ``actor`` defaults to the request's signed-in user; ``target`` is any model instance.
    The chain head is locked until the caller's transaction ends, so records are appended
    one at a time and a rolled-back change leaves no record and no gap.
    """
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is not None and not actor.is_authenticated:
        actor = None
    event = AuditEvent(
        occurred_at=timezone.now(), action=action, outcome=Outcome(outcome).value,
        source_address=_source_address(request), details=_plain_json(details or {}),
        **_actor_fields(actor), **_target_fields(target),
    )
    with transaction.atomic():
        head = _locked_head()
        event.sequence = head.last_sequence + 1
        event.previous_tag = head.last_tag
        event.tag = compute_tag(event, _key())
        event.save(force_insert=True)
        head.last_sequence, head.last_tag = event.sequence, event.tag
        _sign(head)
        head.save(update_fields=["last_sequence", "last_tag", "tag"])
    return event


def _actor_fields(actor) -> dict:
    if actor is None:
        return {"actor_id": None, "actor_username": "", "actor_role": ""}
    return {"actor_id": actor.pk, "actor_username": actor.get_username(),
            "actor_role": getattr(actor, "role", "")}


def _target_fields(target) -> dict:
    if target is None:
        return {"target_type": "", "target_id": "", "target_repr": ""}
    meta = target._meta
    return {"target_type": f"{meta.app_label}.{meta.object_name}",
            "target_id": "" if target.pk is None else str(target.pk),
            "target_repr": str(target)[:300]}


def _source_address(request) -> str:
    """Return the client's address as the server saw it (no proxy headers are trusted yet)."""
    raw = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return ""


def _plain_json(details: dict) -> dict:
    """Return ``details`` as the database will give it back (dates and decimals as text)."""
    return json.loads(json.dumps(details, cls=DjangoJSONEncoder))


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    if AuditEvent.objects.exists():
        raise AuditLogError("the audit chain head is missing: run `govcloud audit verify`")
    try:
        with transaction.atomic():
            return AuditChainHead.objects.create(pk=1)
    except IntegrityError:  # another writer created it first
        return AuditChainHead.objects.select_for_update().get(pk=1)


# Verifying -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A record of the log that is not as it was written.

    ``sequence`` is the record's sequence (the first of a run of deleted records, with
    ``through`` the last); ``record_id`` its database id when the row still exists.
    """

    kind: str
    sequence: int | None
    message: str
    record_id: int | None = None
    through: int | None = None

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


@dataclass
class _Link:
    """What verifying needs of a row: its place, its tags, and where its content belongs."""

    record_id: int
    sequence: int
    previous_tag: str
    tag: str
    position: int | None  # the sequence its tag verifies at; None if at none


def verify_chain() -> list[Problem]:
    """Return every record that was changed, deleted, inserted or moved; [] if intact.

    The chain head, the start of the chain and the purges are checked too; an empty log
    is intact only on an installation that never wrote a record.
    """
    key = _key()
    head = AuditChainHead.objects.filter(pk=1).first()
    links, suspects = _read_links(key)
    if head is None:
        return _headless(links)
    _place_suspects(links, suspects, head, key)
    problems = (_misplaced(links, head) + _missing(links, head) + _head_problems(head, key)
                + _start_problems(head))
    return sorted(problems, key=lambda problem: (problem.sequence or 0, problem.record_id or 0))


def _headless(links: list[_Link]) -> list[Problem]:
    """Name what is wrong with a log that has no chain head."""
    if links:
        return [Problem(ProblemKind.TRUNCATED, None, "the audit chain head is missing")]
    accounts = get_user_model().objects.count()
    if not accounts:
        return []
    # Every account is created through an audited step (bootstrap, account create), so
    # an installation with accounts has written records (GB/T 22239-2019 8.1.4.3 c).
    return [Problem(ProblemKind.TRUNCATED, None,
                    f"the audit log is empty and its chain head is missing, but {accounts} "
                    "account(s) exist whose creation was recorded: every record was deleted")]


def _head_problems(head: AuditChainHead, key: bytes) -> list[Problem]:
    expected = head_tag(head.first_sequence, head.first_previous_tag, head.last_sequence,
                        head.last_tag, key)
    if tags_equal(expected, head.tag):
        return []
    return [Problem(ProblemKind.CHANGED, None,
                    f"the chain head (records {head.first_sequence}–{head.last_sequence}) does "
                    "not match its tag: the start or the end of the chain was moved")]


def _start_problems(head: AuditChainHead) -> list[Problem]:
    """Check that the chain starts at record 1 or where the latest purge left it."""
    first = head.first_sequence
    if first == 1:
        if tags_equal(head.first_previous_tag, GENESIS_TAG):
            return []
        return [Problem(ProblemKind.CHANGED, None,
                        "the chain head says the log starts at record 1 after another record")]
    purge = (AuditEvent.objects.filter(action=PURGE_ACTION, sequence__gte=first)
             .order_by("-sequence").first())
    details = purge.details if purge is not None else {}
    if details.get("through_sequence") == first - 1 and tags_equal(
        str(details.get("through_tag", head.first_previous_tag)), head.first_previous_tag
    ):
        return []
    named = "record 1" if first == 2 else f"records 1–{first - 1}"
    return [Problem(ProblemKind.DELETED, 1, f"{named} are gone from the start of the log, and "
                    "no purge record accounts for them", through=first - 1)]


def _read_links(key: bytes) -> tuple[list[_Link], dict[int, AuditEvent]]:
    """Return every row as a link, and the rows whose tag fails at their own sequence."""
    links, suspects = [], {}
    for event in each_in_order(AuditEvent.objects.all(), "sequence"):
        intact = tags_equal(compute_tag(event, key), event.tag)
        links.append(_Link(event.pk, event.sequence, event.previous_tag, event.tag,
                           event.sequence if intact else None))
        if not intact:
            suspects[event.pk] = event
    return links, suspects


def _place_suspects(links, suspects, head, key) -> None:
    """Find the position each failing row was tagged at, following the links of the chain.

    A row moved elsewhere still names its old predecessor's tag and is named by its old
    successor, so its position is one after the first's or one before the second's;
    positions found lead to more, which places a whole run of shifted rows.
    """
    if not suspects:
        return
    by_previous, by_tag = defaultdict(list), defaultdict(list)
    for link in links:
        if link.record_id in suspects:
            by_previous[link.previous_tag].append(link)
            by_tag[link.tag].append(link)

    def try_at(link: _Link, position: int) -> bool:
        event = suspects[link.record_id]
        if link.position is None and position >= 0 and tags_equal(
            compute_tag(event, key, position), event.tag
        ):
            link.position = position
            return True
        return False

    placed = deque(link for link in links if link.position is not None)
    for link in by_previous.get(head.first_previous_tag, []):
        if try_at(link, head.first_sequence):
            placed.append(link)
    while placed:
        link = placed.popleft()
        neighbours = [(after, link.position + 1) for after in by_previous.get(link.tag, [])]
        neighbours += [(before, link.position - 1) for before in by_tag.get(link.previous_tag, [])]
        placed.extend(other for other, position in neighbours if try_at(other, position))


def _misplaced(links: list[_Link], head: AuditChainHead) -> list[Problem]:
    """Return the rows that were changed, inserted or moved."""
    claimed = Counter(link.position for link in links if link.position is not None)
    stored = Counter(link.sequence for link in links)
    taken: set[int] = set()
    problems = []
    for link in links:
        kind, reason = _classify(link, head, claimed, stored, taken)
        if kind is not None:
            problems.append(Problem(kind, link.sequence,
                                    f"record {link.sequence} (id {link.record_id}) {reason}",
                                    link.record_id))
    return problems + _broken_links(links, head)


def _classify(link, head, claimed, stored, taken) -> tuple[str | None, str]:
    """Say what happened to one row; (None, "") if it is intact and in its place.

    A row that verifies nowhere is an insertion when its place is otherwise accounted for
    (beyond the head, a duplicate sequence, or a place another row was tagged at), and a
    change of the record that was there otherwise.
    """
    first, last, position = head.first_sequence, head.last_sequence, link.position
    outside = f"is not part of the chain (it holds records {first}–{last})"
    if position is None:
        if not first <= link.sequence <= last or stored[link.sequence] > 1 or claimed[
            link.sequence
        ]:
            return ProblemKind.INSERTED, outside
        return ProblemKind.CHANGED, "does not match its tag: its content was changed"
    if not first <= position <= last or position in taken:
        return ProblemKind.INSERTED, outside
    taken.add(position)
    if position != link.sequence:
        return ProblemKind.REORDERED, f"was moved: it was written as record {position}"
    return None, ""


def _broken_links(links: list[_Link], head: AuditChainHead) -> list[Problem]:
    """Return intact rows in place whose previous tag is not their predecessor's tag."""
    at = {link.position: link for link in links
          if link.position is not None and link.position == link.sequence}
    problems = []
    for position, link in sorted(at.items()):
        if position == head.first_sequence:
            expected = head.first_previous_tag
        elif position - 1 in at:
            expected = at[position - 1].tag
        else:
            continue
        if not tags_equal(link.previous_tag, expected):
            problems.append(Problem(
                ProblemKind.REORDERED, link.sequence,
                f"record {link.sequence} (id {link.record_id}) does not follow the record "
                "before it", link.record_id,
            ))
    return problems


def _missing(links: list[_Link], head: AuditChainHead) -> list[Problem]:
    """Return the runs of positions no row accounts for: deleted, or cut from the end."""
    covered = {link.position for link in links if link.position is not None}
    covered |= {link.sequence for link in links if link.position is None}
    first, last = head.first_sequence, head.last_sequence
    in_range = [position for position in covered if first <= position <= last]
    end = max(in_range, default=first - 1)
    problems = []
    for start, stop in _runs(p for p in range(first, last + 1) if p not in covered):
        named = f"record {start}" if start == stop else f"records {start}–{stop}"
        if start > end:
            problems.append(Problem(ProblemKind.TRUNCATED, start,
                                    f"{named} deleted from the end of the log (the chain "
                                    f"head records {last})", through=stop))
        else:
            problems.append(Problem(ProblemKind.DELETED, start, f"{named} deleted",
                                    through=stop))
    last_link = next((link for link in links if link.position == last), None)
    if last_link is not None and not tags_equal(last_link.tag, head.last_tag):
        problems.append(Problem(ProblemKind.CHANGED, last,
                                f"record {last} is not the record the chain head ends with",
                                last_link.record_id))
    return problems


def _runs(positions):
    """Yield (start, stop) of each run of consecutive numbers."""
    start = stop = None
    for position in positions:
        if stop is not None and position == stop + 1:
            stop = position
            continue
        if start is not None:
            yield start, stop
        start = stop = position
    if start is not None:
        yield start, stop


# Purging ---------------------------------------------------------------------------------


def purge_expired() -> int:
    """Delete the records past the retention period from the start of the chain.

    The chain head then starts at the first record kept, so the log still verifies. A log
    that does not verify is not purged: that would destroy the evidence.
    """
    with transaction.atomic():
        head = _locked_head()
        problems = verify_chain()
        if problems:
            raise AuditLogError(f"the audit log does not verify ({len(problems)} problems); "
                                "it is not purged")
        cutoff = retention_cutoff()
        first_kept = (AuditEvent.objects.filter(occurred_at__gte=cutoff)
                      .order_by("sequence").values_list("sequence", flat=True).first())
        expired = AuditEvent.objects.filter(occurred_at__lt=cutoff)
        if first_kept is not None:
            expired = expired.filter(sequence__lt=first_kept)
        newest = expired.order_by("-sequence").first()
        if newest is None:
            return 0
        count, _ = expired.delete()
        purged_from = head.first_sequence
        head.first_sequence, head.first_previous_tag = newest.sequence + 1, newest.tag
        _sign(head)
        head.save(update_fields=["first_sequence", "first_previous_tag", "tag"])
        # The purge record is chained and tagged like any other: verify_chain checks that
        # the head starts where the latest one says the purge ended.
        record_event(PURGE_ACTION, details={
            "records": count, "first_sequence": purged_from,
            "through_sequence": newest.sequence, "through_tag": newest.tag,
            "retention_days": retention_days(),
        })
    return count

