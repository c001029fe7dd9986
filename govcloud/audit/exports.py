"""The audit log as CSV or XLSX, times in Beijing time, for the audit administrator."""

from __future__ import annotations

import csv
import io
import json
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from govcloud.audit.models import AuditEvent
from govcloud.audit.presenters import action_label, role_label
from govcloud.lib.batches import each_in_order
from govcloud.lib.sheets import csv_value, write_rows

BEIJING = ZoneInfo("Asia/Shanghai")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _headings() -> list[str]:
    return [_("Sequence"), _("Time (Beijing)"), _("Actor"), _("Actor role"),
            _("Source address"), _("Action"), _("What happened"), _("Target type"),
            _("Target id"), _("Target"), _("Outcome"), _("Details"), _("Previous tag"), _("Tag")]


def _row(event: AuditEvent) -> list:
    return [event.sequence, event.occurred_at.astimezone(BEIJING).replace(tzinfo=None),
            event.actor_username, role_label(event.actor_role), event.source_address,
            event.action, action_label(event.action), event.target_type, event.target_id,
            event.target_repr, event.get_outcome_display(),
            json.dumps(event.details, ensure_ascii=False, sort_keys=True), event.previous_tag,
            event.tag]


def export_events(events, file_format: str) -> tuple[bytes, int]:
    """Return the events as a CSV (UTF-8 with BOM, for Excel) or XLSX file, and their count."""
    rows = [_row(event) for event in each_in_order(events, "sequence")]
    return (_csv(rows) if file_format == "csv" else _xlsx(rows)), len(rows)


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_headings())
    for row in rows:
        row[1] = row[1].strftime("%Y-%m-%d %H:%M:%S")
        writer.writerow([csv_value(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Audit log")
    # Failed sign-ins put attacker-chosen names in the log: written through the guards.
    write_rows(sheet, [_headings(), *rows])
    for column, width in enumerate((8, 20, 18, 16, 16, 20, 24, 20, 10, 30, 10, 40, 20, 20), 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
