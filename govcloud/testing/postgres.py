"""A throw-away PostgreSQL cluster on 127.0.0.1 for the test suite.

initdb refuses to run as root, so as root the server runs as the ``postgres`` user in a
directory under /tmp that user can enter. pg_ctl daemonizes: the server is stopped in
``__exit__`` and at interpreter exit, so a crashed run leaves nothing behind.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from govcloud.testing.ports import free_port

POSTGRES_ROOT = Path("/usr/lib/postgresql")


def postgres_bin() -> Path:
    """Return the bin directory of the newest installed PostgreSQL server."""
    versions = sorted(
        (path for path in POSTGRES_ROOT.glob("*/bin") if (path / "initdb").exists()),
        key=lambda path: int(path.parent.name),
    )
    if not versions:
        raise RuntimeError("no PostgreSQL server under /usr/lib/postgresql (run scripts/setup)")
    return versions[-1]


class TemporaryPostgres:
    """``with TemporaryPostgres() as url:`` gives a ``postgres://`` URL to a fresh cluster."""

    def __init__(self) -> None:
        self.bin = postgres_bin()
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="govcloud-pg-", dir="/tmp"))
        self.running = False

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, text=True)

    def __enter__(self) -> str:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        data = self.directory / "data"
        self._run(str(self.bin / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions")
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.directory} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._run(str(self.bin / "pg_ctl"), "-D", str(data), "-l", str(self.directory / "log"),
                  "-w", "-t", "30", "-o", options, "start")
        self.running = True
        atexit.register(self.stop)
        return f"postgres://postgres@127.0.0.1:{self.port}/govcloud"

    def stop(self) -> None:
        if self.running:
            self.running = False
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.directory / "data"),
                      "-m", "fast", "-w", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)

    def __exit__(self, *exc_info) -> None:
        self.stop()
