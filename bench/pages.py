"""The page benchmark (issue 11, item 8): the heaviest pages and their API calls, each
driven by a fixed number of concurrent requests over loopback against the real server.

    .venv/bin/python bench/pages.py                       # demo fleet, then 20,000 hosts
    .venv/bin/python bench/pages.py --requests 10         # fewer requests per page
    .venv/bin/python bench/pages.py --demo-only           # the demo fleet only
    .venv/bin/python bench/pages.py --database-url URL    # a database that holds the demo

By default it starts a PostgreSQL cluster on a free port of 127.0.0.1, builds the demo in
it as scripts/demo does (``govcloud migrate``, ``govcloud demo``, ``govcloud kpi
settle``), serves govcloud as scripts/demo does (gunicorn, two sync workers: one a core;
threads per worker only add contention for Python's lock on CPU-bound pages) on another
free port, signs in as the purchaser admin through the
sign-in pages (password, then the TOTP code ``govcloud demo --code`` prints) and measures:
the KPI dashboard and the usage evaluation for a month, a year and the term; the
allocation; the ledger; the hosts list; one host's usage page; and the API call that
answers the same question next to each page. Each page gets a warm-up round of
``--concurrency`` requests at once (so that every worker has served it before it is
timed), then ``--requests`` requests (``--fleet-requests`` on the large fleet),
``--concurrency`` at a time; p50 and p95 of their times are printed per page. Then the
fleet grows to ``--fleet`` hosts (bench/fleet.py: hosts and synthetic daily rows for the
term, loaded in bulk), the server starts again and the same pages are measured.
Everything it started is stopped and removed at the end.

With ``--database-url`` the database is measured as it is: nothing is built or added.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fleet import analyze, create_database, grow_fleet  # noqa: E402

GOVCLOUD = ROOT / ".venv" / "bin" / "govcloud"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
USERNAME = "purchaser-admin"
SEED = "pages"
#: The goals of issue 11: p95 at 10 concurrent requests, per fleet.
DEMO_GOAL, FLEET_GOAL = 0.3, 1.0


@dataclass(frozen=True)
class Target:
    """A page and the API call that answers the same question."""

    name: str
    page: str
    api: str


@dataclass(frozen=True)
class Timings:
    seconds: list[float]
    failures: int

    @property
    def p50(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p95(self) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def say(text: str) -> None:
    print(text, flush=True)


def targets(month: str, year: str, host: int) -> list[Target]:
    kpi = [Target(f"KPI dashboard {label}", f"/kpi/?period={period}",
                  f"/api/kpi/scorecard/?period={period}")
           for label, period in (("month", month), ("year", year), ("term", "term"))]
    usage = [Target(f"usage evaluation {label}", f"/kpi/usage/?period={period}",
                    f"/api/kpi/usage-evaluation/?period={period}")
             for label, period in (("month", month), ("year", year), ("term", "term"))]
    return [*kpi, *usage,
            Target("allocation", "/inventory/allocation/", "/api/allocation/"),
            Target("ledger", "/inventory/ledger/", "/api/allocation-entries/"),
            Target("hosts list", "/hosts/", "/api/hosts/"),
            Target(f"host usage {month}", f"/hosts/{host}/usage/?period={month}",
                   f"/api/hosts/{host}/usage/?period={month}")]


# --- in the database ---------------------------------------------------------------------


def setup_django(env: dict) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcloud.settings")
    import django

    django.setup()


def demo_facts() -> dict:
    """The month, year and host the pages are asked about, and the fleet's size."""
    from django.db import connection
    from django.utils import timezone

    from govcloud.contract.models import Contract
    from govcloud.inventory.models import CloudHost
    from govcloud.telemetry.models import HostHourly

    contract = Contract.objects.order_by("pk").first()
    if contract is None:
        raise SystemExit("the database holds no contract: run govcloud demo first")
    version = contract.current_version
    last = min(version.term_end, timezone.localdate() - timedelta(days=1))
    hosts = CloudHost.objects.filter(system__contract=contract)
    host = (HostHourly.objects.filter(host__in=hosts).order_by("host_id")
            .values_list("host_id", flat=True).first())
    facts = {"month": f"{last:%Y-%m}", "year": str(last.year), "host": host or hosts.first().pk,
             "hosts": hosts.count(), "term_start": version.term_start, "last": last,
             "vendor": connection.vendor}
    connection.close()
    return facts


def step_fleet(size: int) -> None:
    """Grow the first contract to ``size`` hosts with daily rows over its term so far."""
    from datetime import datetime

    from django.utils import timezone

    from govcloud.contract.models import Contract

    facts = demo_facts()
    contract = Contract.objects.order_by("pk").first()
    first, last = facts["term_start"], facts["last"]
    began = time.perf_counter()
    grown = grow_fleet(contract, size, first, (last - first).days + 1, SEED,
                       started=timezone.make_aware(datetime.combine(first, datetime.min.time())))
    analyze()
    say(f"grew the fleet by {grown['hosts']:,} hosts and {grown['daily_rows']:,} daily rows "
        f"({first}–{last}) in {time.perf_counter() - began:.0f} s")


# --- over HTTP ---------------------------------------------------------------------------


class Server:
    """gunicorn serving govcloud on a free port of 127.0.0.1, stopped on exit."""

    def __init__(self, env: dict, workers: int, threads: int, log: Path):
        from govcloud.testing.ports import free_port

        self.base = f"http://127.0.0.1:{free_port()}"
        self.log = log.open("a")
        self.process = subprocess.Popen(
            [str(GUNICORN), "govcloud.wsgi", "--bind", self.base.removeprefix("http://"),
             "--workers", str(workers), "--worker-class", "gthread" if threads > 1 else "sync",
             "--threads", str(threads), "--timeout", "300", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise

    def wait_ready(self, timeout: float = 60) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped; see {self.log.name}")
            try:
                requests.get(f"{self.base}/login/", timeout=timeout)
                return
            except requests.RequestException:  # not listening yet, or a worker starting
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn not ready after {timeout} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def sign_in(base: str, env: dict) -> dict:
    """Sign in as the purchaser admin through the pages; return the session's cookies."""
    import requests

    session = requests.Session()
    session.get(f"{base}/login/").raise_for_status()
    reply = session.post(f"{base}/login/", data={
        "username": USERNAME, "password": demo_password(),
        "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{base}/login/"})
    reply.raise_for_status()
    code = subprocess.run([str(GOVCLOUD), "demo", "--code", USERNAME], env=env, cwd=ROOT,
                          check=True, capture_output=True, text=True).stdout.strip()
    reply = session.post(f"{base}/account/two-factor/", data={
        "token": code, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{base}/account/two-factor/"})
    reply.raise_for_status()
    check = session.get(f"{base}/api/me/")
    if check.status_code != 200:
        raise RuntimeError(f"signing in as {USERNAME} failed: /api/me/ answers "
                           f"{check.status_code} {check.text[:200]}")
    return session.cookies.get_dict()


def demo_password() -> str:
    from govcloud.demo.services import DEMO_PASSWORD

    return DEMO_PASSWORD


def drive(base: str, cookies: dict, path: str, requests_count: int,
          concurrency: int) -> Timings:
    """A warm-up round of ``concurrency`` requests at once (every worker serves one), then
    ``requests_count`` requests, ``concurrency`` at a time."""
    import threading

    import requests

    local = threading.local()

    def fetch(_index: int) -> tuple[float, bool]:
        if not hasattr(local, "session"):
            local.session = requests.Session()
            local.session.cookies.update(cookies)
        began = time.perf_counter()
        reply = local.session.get(f"{base}{path}", timeout=600)
        _body = reply.content
        return time.perf_counter() - began, reply.status_code == 200

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(fetch, range(-concurrency, 0)))
        results = list(pool.map(fetch, range(requests_count)))
    return Timings([seconds for seconds, _ok in results],
                   sum(1 for _seconds, ok in results if not ok))


def measure(label: str, env: dict, arguments, work: Path, requests_count: int,
            ) -> list[tuple]:
    """Serve, sign in and drive every page and API call; print and return the rows."""
    facts = demo_facts()
    say(f"\n{label}: {facts['hosts']:,} hosts on {facts['vendor']}; month {facts['month']}, "
        f"year {facts['year']}, host {facts['host']}; {requests_count} requests per "
        f"page, {arguments.concurrency} at a time; gunicorn, {arguments.workers} workers × "
        f"{arguments.threads} threads")
    server = Server(env, arguments.workers, arguments.threads, work / "gunicorn.log")
    rows = []
    try:
        cookies = sign_in(server.base, env)
        say(f"{'page':<26} {'page p50':>9} {'p95':>7}   {'API p50':>8} {'p95':>7}   "
            f"{'page/API p50':>12}")
        for target in targets(facts["month"], facts["year"], facts["host"]):
            page = drive(server.base, cookies, target.page, requests_count,
                         arguments.concurrency)
            api = drive(server.base, cookies, target.api, requests_count,
                        arguments.concurrency)
            failures = page.failures + api.failures
            say(f"{target.name:<26} {page.p50 * 1000:7.0f}ms {page.p95 * 1000:5.0f}ms   "
                f"{api.p50 * 1000:6.0f}ms {api.p95 * 1000:5.0f}ms   "
                f"{page.p50 / api.p50:11.1f}×"
                + (f"   {failures} answers not 200" if failures else ""))
            rows.append((target, page, api))
    finally:
        server.stop()
    return rows


def summary(label: str, rows: list[tuple], goal: float) -> None:
    worst = max(rows, key=lambda row: row[1].p95)
    missed = [target.name for target, page, _api in rows if page.p95 >= goal]
    say(f"{label}: slowest page p95 {worst[1].p95 * 1000:.0f} ms ({worst[0].name}); goal "
        f"p95 < {goal * 1000:.0f} ms: "
        + ("met by every page" if not missed else f"missed by {', '.join(missed)}"))


def run(arguments) -> None:
    from govcloud.testing.postgres import TemporaryPostgres

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that finally stops it all
    work = Path(tempfile.mkdtemp(prefix="govcloud-pages-"))
    postgres = None
    try:
        env = {**os.environ, "GOVCLOUD_DATA_DIR": str(work / "data"),
               "GOVCLOUD_API_RATE_USER": "1000000/minute", "GOVCLOUD_LOG_LEVEL": "WARNING",
               "DJANGO_SETTINGS_MODULE": "govcloud.settings"}
        url = arguments.database_url
        if url is None:
            postgres = TemporaryPostgres()
            url = postgres.__enter__()
            create_database(url)
        env["DATABASE_URL"] = url
        if arguments.database_url is None:
            began = time.perf_counter()
            for command in (["migrate", "--no-input", "-v", "0"], ["demo"], ["kpi", "settle"]):
                subprocess.run([str(GOVCLOUD), *command], env=env, cwd=ROOT, check=True,
                               stdout=subprocess.DEVNULL)
            say(f"built the demo on PostgreSQL in {time.perf_counter() - began:.0f} s")
        setup_django(env)
        if arguments.database_url is None:
            analyze(vacuum=True)
        results = [("demo fleet", measure("demo fleet", env, arguments, work,
                                          arguments.requests), DEMO_GOAL)]
        if arguments.database_url is None and not arguments.demo_only:
            subprocess.run([sys.executable, __file__, "--step-fleet", str(arguments.fleet)],
                           env=env, cwd=ROOT, check=True)
            began = time.perf_counter()
            subprocess.run([str(GOVCLOUD), "kpi", "settle"], env=env, cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL)
            say(f"kept the figures of the settled periods in {time.perf_counter() - began:.0f} s")
            analyze(vacuum=True)
            label = f"{arguments.fleet:,} hosts"
            results.append((label, measure(label, env, arguments, work,
                                           arguments.fleet_requests), FLEET_GOAL))
        say("")
        for label, rows, goal in results:
            summary(label, rows, goal)
    finally:
        if postgres is not None:
            postgres.stop()
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="measure this database as it is "
                        "(it must hold the demo); by default a fresh PostgreSQL")
    parser.add_argument("--demo-only", action="store_true",
                        help="measure the demo fleet only, without growing it")
    parser.add_argument("--fleet", type=int, default=20_000, help="hosts of the large fleet")
    parser.add_argument("--requests", type=int, default=30,
                        help="requests per page, demo fleet")
    parser.add_argument("--fleet-requests", type=int, default=10,
                        help="requests per page, large fleet")
    parser.add_argument("--concurrency", type=int, default=10,
                        help="requests at a time")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker (more than one: gunicorn's gthread worker)")
    parser.add_argument("--step-fleet", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.step_fleet:
        setup_django({})
        step_fleet(arguments.step_fleet)
        return 0
    if min(arguments.requests, arguments.fleet_requests, arguments.concurrency,
           arguments.workers, arguments.threads) < 1:
        parser.error("--requests, --fleet-requests, --concurrency, --workers and --threads "
                     "must be at least 1")
    run(arguments)
    return 0


if __name__ == "__main__":
    sys.exit(main())
