"""``govcloud audit verify|checkpoint|purge|export``: check, anchor, trim and hand over the
audit log."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from govcloud.audit.checkpoints import configured_path, verify_log, write_checkpoint
from govcloud.audit.constants import CHECKPOINT_VARIABLE
from govcloud.audit.exports import FORMATS, export_events
from govcloud.audit.filtersets import AuditEventFilterSet
from govcloud.audit.models import AuditEvent, AuditLogError
from govcloud.audit.services import purge_expired, record_event

FILTERS = ("actor", "action", "outcome", "date_from", "date_to", "q")


class Command(BaseCommand):
    help = ("Verify the audit log's HMAC-SM3 chain, write a checkpoint of it, purge expired "
            "records, export the log.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        verify = actions.add_parser("verify",
                                    help="check every record; exit 1 naming each broken one")
        verify.add_argument("--checkpoint", type=Path, metavar="PATH",
                            help="a checkpoint file, or a directory of them, to check the log "
                                 f"against (default: {CHECKPOINT_VARIABLE} if set)")
        checkpoint = actions.add_parser(
            "checkpoint", help="write a signed checkpoint of the chain (start, end, count, time)")
        checkpoint.add_argument("--output", type=Path, metavar="FILE",
                                help="a new file, or a directory to add one to (default: "
                                     f"{CHECKPOINT_VARIABLE} if set, else standard output)")
        actions.add_parser("purge", help="delete the records past the retention period")
        export = actions.add_parser("export", help="write the (filtered) log to a file")
        export.add_argument("--format", dest="file_format", choices=sorted(FORMATS),
                            required=True)
        export.add_argument("--output", required=True, help="the file to write")
        for name in FILTERS:
            export.add_argument(f"--{name.replace('_', '-')}", dest=f"filter_{name}")

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_verify(self, checkpoint=None, **options):
        problems = verify_log(checkpoint)
        if not problems:
            self.stdout.write(f"audit log intact: {AuditEvent.objects.count()} records")
            return
        for problem in problems:
            self.stdout.write(str(problem))
        raise CommandError(f"the audit log was tampered with: {len(problems)} problem(s)")

    def handle_checkpoint(self, output=None, **options):
        try:
            checkpoint, text, written = write_checkpoint(output or configured_path())
        except AuditLogError as error:
            raise CommandError(str(error)) from None
        if written is None:
            self.stdout.write(text, ending="")
            return
        self.stdout.write(f"checkpoint of records {checkpoint.first_sequence}–"
                          f"{checkpoint.last_sequence} ({checkpoint.count} records) written "
                          f"to {written}")

    def handle_purge(self, **options):
        try:
            count = purge_expired()
        except AuditLogError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"purged {count} expired audit records")

    def handle_export(self, file_format, output, **options):
        data = {name: options[f"filter_{name}"] for name in FILTERS if options[f"filter_{name}"]}
        filterset = AuditEventFilterSet(data, AuditEvent.objects.all())
        if not filterset.is_valid():
            raise CommandError(f"bad filter: {filterset.errors.as_text()}")
        content, count = export_events(filterset.qs, file_format)
        Path(output).write_bytes(content)
        record_event("export.audit_log", details={
            "format": file_format, "filters": data, "rows": count, "via": "command",
        })
        self.stdout.write(f"exported {count} audit records to {output}")
