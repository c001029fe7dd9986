"""Helpers of the audit tests: a short log, and tampering straight in the database."""

from __future__ import annotations

import pytest
from django.db import connection

from govcloud.audit.models import AuditEvent
from govcloud.audit.services import record_event

TABLE = AuditEvent._meta.db_table


@pytest.fixture
def five_events(db) -> list[AuditEvent]:
    """Five records, the only ones of the log: sequences 1 to 5."""
    return [
        record_event("policy.change", details={"第": index, "说明": "口令策略调整"})
        for index in range(1, 6)
    ]


def run_sql(sql: str, parameters=()) -> None:
    """Change the table behind the application's back, as an intruder with SQL access would."""
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("{table}", connection.ops.quote_name(TABLE)), parameters)


def found(problems) -> list[tuple[str, int | None]]:
    return [(problem.kind, problem.sequence) for problem in problems]
