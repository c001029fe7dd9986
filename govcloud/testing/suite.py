"""Run the whole test suite: ruff, then pytest on SQLite, then pytest on PostgreSQL.

``python -m govcloud.testing.suite [pytest arguments]`` is what ``scripts/test`` runs.
PostgreSQL is a cluster of its own on a free port, started and stopped here.
"""

from __future__ import annotations

import os
import subprocess
import sys

from govcloud.testing.postgres import TemporaryPostgres


def run(command: list[str], **environment: str) -> int:
    print(f"\n=== {' '.join(command)}" + (f"  ({', '.join(environment)})" if environment else ""),
          flush=True)
    return subprocess.run(command, env={**os.environ, **environment}).returncode


def main(pytest_arguments: list[str]) -> int:
    python = sys.executable
    results = {"ruff": run([python, "-m", "ruff", "check", "."])}
    pytest = [python, "-m", "pytest", *pytest_arguments]
    results["pytest on SQLite"] = run(pytest)
    with TemporaryPostgres() as url:
        results["pytest on PostgreSQL"] = run(pytest, DATABASE_URL=url)
    print()
    for name, code in results.items():
        print(f"{name}: {'passed' if code == 0 else f'FAILED (exit {code})'}")
    return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
