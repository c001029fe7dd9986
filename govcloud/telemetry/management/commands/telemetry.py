"""``govcloud telemetry collect``: pull, scrape and probe every enabled telemetry source, in
rounds until stopped (or once); ``prune``: drop raw samples older than their retention.

Several collectors may run side by side: each takes a source for a round by a conditional
UPDATE (``collect.claim``), so no source is collected twice at once. SIGTERM and Ctrl-C end
the loop between rounds.
"""

from __future__ import annotations

import signal
import threading
from argparse import ArgumentParser
from functools import partial

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from govcloud.telemetry import store
from govcloud.telemetry.collect import CollectResult, claim, collect, is_due
from govcloud.telemetry.models import TelemetrySource

#: The longest pause between rounds, so that new or edited sources are picked up.
LONGEST_PAUSE = 60.0


def describe(source: TelemetrySource, result: CollectResult) -> str:
    """One line per source and round: what was stored, what was missing, what failed."""
    head = f"{source.contract.code} / {source.name} ({source.kind})"
    if result.errors:
        return f"{head}: FAILED: {' '.join(result.errors)}"
    if result.note and not result.received:
        return f"{head}: {result.note}"
    parts = [f"stored {result.stored} of {result.received} samples",
             f"{result.hosts} hosts", f"{result.endpoints} endpoints"]
    if result.down:
        parts.append(f"down: {'; '.join(result.down)}")
    if result.silent:
        parts.append(f"no series for: {', '.join(result.silent)}")
    if result.unmapped_count:
        more = result.unmapped_count - len(result.unmapped)
        parts.append(f"{result.unmapped_count} unmapped: {'; '.join(result.unmapped)}"
                     + (f" and {more} more" if more else ""))
    if result.behind:
        parts.append("catching up")
    return f"{head}: {', '.join(parts)}"


class Command(BaseCommand):
    help = "Collect telemetry from the configured sources, or prune old raw samples."
    leave_locale_alone = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: Set by SIGTERM (or by a test) to end the loop after the current source.
        self.stop = threading.Event()

    def add_arguments(self, parser):
        common = ArgumentParser(add_help=False)
        common.add_argument("--language", choices=["zh-hans", "en"],
                            help="language of the messages stored on sources (default: "
                                 "zh-hans)")
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        add = partial(actions.add_parser, parents=[common])
        collecting = add("collect", help="pull, scrape and probe the enabled sources")
        collecting.add_argument("--once", action="store_true",
                                help="one round of every source, then exit")
        collecting.add_argument("--source", metavar="NAME", help="only the source so named")
        collecting.add_argument("--contract", metavar="CODE",
                                help="only the sources of this contract")
        collecting.add_argument("--interval", metavar="SECONDS", type=float,
                                help="seconds between rounds of a source (default: its "
                                     "sampling interval)")
        add("prune", help="drop raw samples older than GOVCLOUD_TELEMETRY_RAW_DAYS")

    def handle(self, *args, action, language=None, **options):
        run = {"collect": self.collect, "prune": self.prune}[action]
        with translation.override(language or translation.get_language() or "zh-hans"):
            run(**options)

    def prune(self, **options):
        dropped = store.prune_raw()
        self.stdout.write(f"dropped {dropped} raw sample buckets older than "
                          f"{store.raw_retention().days} days")

    def sources(self, name: str | None, code: str | None):
        chosen = TelemetrySource.objects.filter(enabled=True).select_related("contract")
        if code:
            chosen = chosen.filter(contract__code=code)
        if name:
            chosen = chosen.filter(name=name)
        return chosen

    def collect(self, *, once=False, source=None, contract=None, interval=None, **options):
        if interval is not None and not interval > 0:
            raise CommandError("--interval must be a number of seconds above 0")
        if not self.sources(source, contract).exists():
            raise CommandError("no enabled telemetry source matches"
                               + (f" --source {source!r}" if source else "")
                               + (f" --contract {contract!r}" if contract else ""))
        if once:
            self.round(source, contract, interval, every_source=True)
            return
        in_main_thread = threading.current_thread() is threading.main_thread()
        if in_main_thread:
            previous = signal.signal(signal.SIGTERM, lambda *_: self.stop.set())
        try:
            while not self.stop.is_set():
                pause = self.round(source, contract, interval, every_source=False)
                self.stop.wait(pause)
        except KeyboardInterrupt:
            pass
        finally:
            if in_main_thread:
                signal.signal(signal.SIGTERM, previous)

    def round(self, name, code, interval, *, every_source: bool) -> float:
        """Collect the sources that are due (all of them with ``every_source``); return the
        seconds until the next one is due."""
        pause = LONGEST_PAUSE
        for source in self.sources(name, code):
            if self.stop.is_set():
                break
            now = timezone.now()
            if (every_source or is_due(source, now, interval)) and claim(source, now):
                self.collect_one(source, now)
            every = interval or source.interval_seconds
            waited = (timezone.now() - (source.last_collected_at or now)).total_seconds()
            pause = min(pause, max(0.5, every - waited))
        return pause

    def collect_one(self, source: TelemetrySource, now) -> None:
        """A source that fails for an unforeseen reason (the database went away) is
        reported and recorded; the loop carries on with the next one."""
        try:
            result = collect(source, now)
        except Exception as error:
            message = f"{type(error).__name__}: {error}"
            TelemetrySource.objects.filter(pk=source.pk).update(last_error=message)
            self.stderr.write(f"{source.contract.code} / {source.name} ({source.kind}): "
                              f"FAILED: {message}")
            return
        self.stdout.write(describe(source, result))
