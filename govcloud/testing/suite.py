"""Run the whole test suite: ruff, mypy, then pytest on SQLite and on PostgreSQL.

``python -m govcloud.testing.suite [pytest arguments]`` is what ``scripts/test`` runs.
PostgreSQL is a cluster of its own on a free port, started and stopped here. The two
pytest passes run side by side (each mostly waits on its database, one core each): while
they run, a progress line every ``PROGRESS_SECONDS`` says how far each one is, read from
its output file; when both end, each one's full output is printed, the failing one last.
``GOVCLOUD_TEST_SERIAL=1`` runs them in turn with live output.

The closing line is pytest's own summary line (of the failing pass, if one failed): it is
what CI reads.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from govcloud.testing.postgres import TemporaryPostgres

PROGRESS_SECONDS = 20
#: A progress line of pytest's default output: an optional test file, one character per
#: test, and the percentage done (absent on a line that wraps).
PROGRESS_LINE = re.compile(r"^(?:\S+\.py )?([.FEsxX]+)\s*(?:\[\s*(\d+)%\])?\s*$")
COLLECTED = re.compile(r"^collected (\d+) items?(?:.* (\d+) selected)?")
#: pytest's closing line: "==== 3 failed, 900 passed in 312.4s (0:05:12) ====".
SUMMARY_LINE = re.compile(r"^=+ .+ =+$")


@dataclass
class Progress:
    """How far a pytest pass is, read from its output so far."""

    done: int = 0
    failed: int = 0
    collected: int | None = None
    percent: int | None = None
    finished: bool = False

    def describe(self) -> str:
        share = f" ({self.percent}%)" if self.percent is not None else ""
        of = f" of {self.collected}" if self.collected is not None else ""
        state = ", finished" if self.finished else ""
        return f"{self.done}{of} tests done{share}, {self.failed} failed{state}"


def read_progress(output: str) -> Progress:
    """Count the tests a pass has run and failed from its output (pytest's default format)."""
    progress = Progress()
    for line in output.splitlines():
        if line.startswith("="):
            if progress.done:
                break  # the sections after the progress lines: failures, warnings, summary
            continue
        if (collected := COLLECTED.match(line)) is not None:
            progress.collected = int(collected.group(2) or collected.group(1))
            continue
        if (match := PROGRESS_LINE.match(line)) is None:
            continue
        results = match.group(1)
        progress.done += len(results)
        progress.failed += results.count("F") + results.count("E")
        if match.group(2) is not None:
            progress.percent = int(match.group(2))
    return progress


def summary_line(output: str) -> str:
    """Return pytest's closing summary line of an output, else its last non-empty line."""
    lines = [line for line in output.splitlines() if line.strip()]
    summaries = [line for line in lines if SUMMARY_LINE.match(line)]
    return summaries[-1] if summaries else (lines[-1] if lines else "(no output)")


@dataclass
class Pass:
    name: str
    command: list[str]
    environment: dict[str, str] = field(default_factory=dict)
    log: Path | None = None
    code: int | None = None

    def heading(self) -> str:
        extra = f"  ({', '.join(self.environment)})" if self.environment else ""
        return f"\n=== {' '.join(self.command)}{extra}"

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log else ""


def run(command: list[str], **environment: str) -> int:
    print(f"\n=== {' '.join(command)}" + (f"  ({', '.join(environment)})" if environment else ""),
          flush=True)
    return subprocess.run(command, env={**os.environ, **environment}).returncode


def run_live(test_pass: Pass, directory: Path) -> None:
    """Run one pass with its output shown as it comes and kept for the closing line."""
    print(test_pass.heading(), flush=True)
    test_pass.log = directory / f"{test_pass.name}.log"
    with test_pass.log.open("wb") as log:
        process = subprocess.Popen(test_pass.command, env={**os.environ, **test_pass.environment},
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for chunk in iter(lambda: process.stdout.read1(4096), b""):
            sys.stdout.buffer.write(chunk)
            sys.stdout.flush()
            log.write(chunk)
        test_pass.code = process.wait()


def run_side_by_side(passes: list[Pass], directory: Path) -> None:
    """Run the passes at once, report their progress while they run, then print each
    one's full output, the failing ones last."""
    processes = {}
    with ExitStack() as stack:
        for test_pass in passes:
            test_pass.log = directory / f"{test_pass.name}.log"
            log = stack.enter_context(test_pass.log.open("wb"))
            processes[test_pass.name] = subprocess.Popen(
                test_pass.command, env={**os.environ, **test_pass.environment},
                stdout=log, stderr=subprocess.STDOUT)
        print(f"\n=== running side by side: {', '.join(p.name for p in passes)}"
              f" (progress every {PROGRESS_SECONDS} s, full output when both end)", flush=True)
        started = time.monotonic()
        while any(process.poll() is None for process in processes.values()):
            deadline = time.monotonic() + PROGRESS_SECONDS
            while time.monotonic() < deadline and any(
                    process.poll() is None for process in processes.values()):
                time.sleep(0.5)
            print(progress_report(passes, processes, time.monotonic() - started), flush=True)
        for test_pass in passes:
            test_pass.code = processes[test_pass.name].wait()
    for test_pass in sorted(passes, key=lambda p: p.code != 0):
        print(test_pass.heading(), flush=True)
        sys.stdout.write(test_pass.output())
        sys.stdout.flush()


def progress_report(passes: list[Pass], processes: dict, elapsed: float) -> str:
    minutes, seconds = divmod(int(elapsed), 60)
    parts = []
    for test_pass in passes:
        progress = read_progress(test_pass.output())
        progress.finished = processes[test_pass.name].poll() is not None
        parts.append(f"{test_pass.name}: {progress.describe()}")
    return f"[{minutes}m{seconds:02d}s] " + " · ".join(parts)


def main(pytest_arguments: list[str]) -> int:
    python = sys.executable
    results = {"ruff": run([python, "-m", "ruff", "check", "."])}
    # The files it checks are listed in pyproject.toml ([tool.mypy]); it ends on one line:
    # "Success: no issues found in N source files" or "Found N errors in M files".
    results["mypy"] = run([python, "-m", "mypy"])
    pytest = [python, "-m", "pytest", *pytest_arguments]
    with TemporaryPostgres() as url, tempfile.TemporaryDirectory() as directory:
        passes = [Pass("pytest on SQLite", pytest),
                  Pass("pytest on PostgreSQL", pytest, {"DATABASE_URL": url})]
        if os.environ.get("GOVCLOUD_TEST_SERIAL") == "1":
            for test_pass in passes:
                run_live(test_pass, Path(directory))
        else:
            run_side_by_side(passes, Path(directory))
        results.update({test_pass.name: test_pass.code for test_pass in passes})
        print()
        for name, code in results.items():
            print(f"{name}: {'passed' if code == 0 else f'FAILED (exit {code})'}")
        closing = sorted(passes, key=lambda p: p.code != 0)[-1]
        print(summary_line(closing.output()), flush=True)
    return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
