"""Keyset pages read every row once, in order, whatever the batch size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govcloud.audit.models import AuditEvent
from govcloud.audit.services import record_event
from govcloud.lib.batches import each_in_order

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("batch", "queries"), [(2, 4), (3, 3), (7, 2), (100, 1)])
def test_every_row_is_read_once_in_order_a_batch_a_query(batch, queries):
    for number in range(7):
        record_event("auth.login", details={"number": number})
    events = AuditEvent.objects.filter(action="auth.login").order_by("-pk")
    with CaptureQueriesContext(connection) as captured:
        read = [event.details["number"] for event in each_in_order(events, "sequence", batch)]
    assert read == list(range(7))
    assert len(captured.captured_queries) == queries


def test_an_empty_table_reads_nothing():
    assert list(each_in_order(AuditEvent.objects.none(), "sequence", 2)) == []
