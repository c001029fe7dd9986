"""Run the whole test suite: ruff, then pytest on SQLite and on PostgreSQL.

``python -m govcloud.testing.suite [pytest arguments]`` is what ``scripts/test`` runs.
PostgreSQL is a cluster of its own on a free port, started and stopped here. The two
pytest passes run side by side (each mostly waits on its database, one core each) and
their output is printed one after the other; ``GOVCLOUD_TEST_SERIAL=1`` runs them in turn
with live output.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from contextlib import ExitStack

from govcloud.testing.postgres import TemporaryPostgres


def run(command: list[str], **environment: str) -> int:
    print(f"\n=== {' '.join(command)}" + (f"  ({', '.join(environment)})" if environment else ""),
          flush=True)
    return subprocess.run(command, env={**os.environ, **environment}).returncode


def run_side_by_side(passes: dict[str, tuple[list[str], dict[str, str]]]) -> dict[str, int]:
    """Run each pass in its own process at once; print each one's output when all end."""
    results = {}
    with ExitStack() as stack:
        started = {}
        for name, (command, environment) in passes.items():
            log = stack.enter_context(tempfile.TemporaryFile())
            process = subprocess.Popen(command, env={**os.environ, **environment},
                                       stdout=log, stderr=subprocess.STDOUT)
            started[name] = (command, environment, process, log)
        print(f"\n=== running side by side: {', '.join(passes)}", flush=True)
        for name, (command, environment, process, log) in started.items():
            results[name] = process.wait()
            print(f"\n=== {' '.join(command)}"
                  + (f"  ({', '.join(environment)})" if environment else ""), flush=True)
            log.seek(0)
            sys.stdout.buffer.write(log.read())
            sys.stdout.flush()
    return results


def main(pytest_arguments: list[str]) -> int:
    python = sys.executable
    results = {"ruff": run([python, "-m", "ruff", "check", "."])}
    pytest = [python, "-m", "pytest", *pytest_arguments]
    with TemporaryPostgres() as url:
        passes = {"pytest on SQLite": (pytest, {}),
                  "pytest on PostgreSQL": (pytest, {"DATABASE_URL": url})}
        if os.environ.get("GOVCLOUD_TEST_SERIAL") == "1":
            for name, (command, environment) in passes.items():
                results[name] = run(command, **environment)
        else:
            results.update(run_side_by_side(passes))
    print()
    for name, code in results.items():
        print(f"{name}: {'passed' if code == 0 else f'FAILED (exit {code})'}")
    return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
