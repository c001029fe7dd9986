"""The KPI benchmark (issue 6): rollups, the scorecard at scale, and a real Prometheus side
by side, on SQLite and on PostgreSQL.

    .venv/bin/python bench/kpi.py            # the full run: about 5 minutes on 2 cores
    .venv/bin/python bench/kpi.py --quick    # the same steps on small sizes (smoke run)

(a) Roll up one-minute samples of 180 hosts × 365 days (up, CPU, memory, disk: about 95
    million samples per series) into hourly mean, p95, max and count on one core, timing
    the rollup only; then write the 1.58 million hourly rows and the daily rows into each
    database.
(b) Compute every KPI of the scorecard for the year from the stored rollups, for the 180
    hosts, then for a fleet of 20,000 hosts (CloudHost rows with status history and 7.3
    million synthetic daily rows, loaded in bulk).
(c) Load the same samples of 180 hosts × the last 30 days (up and CPU) into a real
    Prometheus (promtool tsdb create-blocks-from openmetrics), ask PromQL for availability,
    mean CPU and hourly p95, and compare answers and speed with govcloud's, computed from
    its stored rollups. Prometheus 2.42 draws ``[T−30d, T]`` with both ends, so the
    instant queries are evaluated at the last sample's time and the hourly ones at the end
    of each hour less 1 ms: each window then holds exactly the samples govcloud rolled up.

Every step runs in a process of its own (``--step``), so that its peak RSS is its own;
the full run gives each database step its own process too. PostgreSQL and Prometheus are
started on free ports of 127.0.0.1 and stopped whatever happens. Timings of the three
PromQL questions and of govcloud's answers are the best of three runs each, from the
request (HTTP, or the database query) to the parsed answer.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fleet import analyze, bench_hosts, create_database, grow_fleet  # noqa: E402

#: Libraries that could start threads of their own are held to one.
ONE_CORE = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                   "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")}
SEED = "bench"
FIRST_DAY = date(2025, 1, 1)
DB_STEPS = ("setup", "compare", "kpi", "fleet", "kpi-fleet")
TRIES = 3


@dataclass(frozen=True)
class Sizes:
    hosts: int
    days: int
    fleet: int
    window_days: int


FULL = Sizes(hosts=180, days=365, fleet=20_000, window_days=30)
QUICK = Sizes(hosts=12, days=14, fleet=400, window_days=3)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def say(text: str) -> None:
    print(text, flush=True)


def best_of(function, tries: int = TRIES):
    """Return the answer and the shortest of ``tries`` runs, in seconds."""
    best = math.inf
    for _ in range(tries):
        began = time.perf_counter()
        answer = function()
        best = min(best, time.perf_counter() - began)
    return answer, best


# --- the steps, each in a process of its own ---------------------------------------------


class Step:
    """One step in its own process: Django set up on the database of DATABASE_URL."""

    def __init__(self, sizes: Sizes, work: Path):
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcloud.settings")
        import django

        django.setup()
        from govcloud.telemetry.store import utc_offset_seconds

        self.sizes, self.work = sizes, work
        self.offset = utc_offset_seconds(FIRST_DAY)
        self.first_day = (FIRST_DAY - date(1970, 1, 1)).days
        self.start = self.first_day * 86400 - self.offset
        self.end = self.start + sizes.days * 86400
        self.window_end = self.end
        self.window_start = self.end - sizes.window_days * 86400

    def names(self) -> list[str]:
        return [f"bench-host-{index:03d}" for index in range(self.sizes.hosts)]

    def profile(self, name: str):
        from govcloud.telemetry.simulator import host_profile

        return host_profile(name, SEED, disk_gb=200)

    def series(self, name: str, start: float, end: float):
        from govcloud.telemetry.simulator import host_series

        return host_series(self.profile(name), start, end, [(self.start, self.end)])

    @property
    def period(self):
        from govcloud.kpi.periods import parse_period

        last = FIRST_DAY + timedelta(days=self.sizes.days - 1)
        label = str(FIRST_DAY.year) if self.sizes.days == 365 else f"{FIRST_DAY}..{last}"
        return parse_period(label)


def step_rollup(step: Step) -> dict:
    """(a) Simulate each host-year (not timed) and roll it up (timed), on one core."""
    import numpy as np

    from govcloud.telemetry.rollup import day_columns, hour_columns, hour_stats

    kernel = full = 0.0
    cpu_samples = up_samples = all_samples = 0
    hours, days = [], []
    for index, name in enumerate(step.names()):
        series = step.series(name, step.start, step.end)
        cpu_timestamps, cpu = series["cpu"]
        began = time.perf_counter()
        stats = hour_stats(cpu_timestamps, cpu)
        _mean = stats.total / stats.count  # the mean is part of the answer timed
        kernel += time.perf_counter() - began
        began = time.perf_counter()
        host_hours = hour_columns(series, 60.0)
        host_days = day_columns(host_hours, step.offset)
        full += time.perf_counter() - began
        for columns in (host_hours, host_days):
            columns["target"] = np.full(columns.get("hour", columns.get("day")).size, index)
        hours.append(host_hours)
        days.append(host_days)
        cpu_samples += cpu.size
        up_samples += series["up"][0].size
        all_samples += sum(values.size for _timestamps, values in series.values())
    series = step.series(step.names()[0], step.start, step.end)
    tracemalloc.start()
    day_columns(hour_columns(series, 60.0), step.offset)
    traced = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    joined = {}
    for prefix, parts in (("hour_", hours), ("day_", days)):
        joined.update({prefix + name: np.concatenate([part[name] for part in parts])
                       for name in parts[0]})
    np.savez(step.work / "rollups.npz", **joined)
    return {"kernel_seconds": kernel, "full_seconds": full, "cpu_samples": cpu_samples,
            "up_samples": up_samples, "all_samples": all_samples,
            "hourly_rows": int(joined["hour_hour"].size),
            "daily_rows": int(joined["day_day"].size), "traced_mib": traced,
            "cpu": sorted(os.sched_getaffinity(0))}


def _contract():
    from govcloud.contract.contract_file import bundled_contract_path
    from govcloud.contract.services import load_contract

    return load_contract(bundled_contract_path()).contract


def step_setup(step: Step) -> dict:
    """(a) Write the rolled-up year of the 180 hosts into the database; probes too."""
    import numpy as np
    from django.core.management import call_command
    from django.db import transaction

    from govcloud.telemetry import bulk
    from govcloud.telemetry.choices import ProbeKind
    from govcloud.telemetry.models import (
        HostDaily,
        HostHourly,
        ProbeDaily,
        ProbeHourly,
        ServiceEndpoint,
    )
    from govcloud.telemetry.simulator import probe_series, rolled_up

    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate = time.perf_counter() - began
    from datetime import UTC, datetime

    contract = _contract()
    hosts = bench_hosts(contract, step.names(), datetime.fromtimestamp(step.start, UTC))
    pks = np.array([host.pk for host in hosts])
    stored = np.load(step.work / "rollups.npz")
    hourly = {name[5:]: stored[name] for name in stored.files if name.startswith("hour_")}
    daily = {name[4:]: stored[name] for name in stored.files if name.startswith("day_")}
    hourly["target"], daily["target"] = pks[hourly["target"]], pks[daily["target"]]
    began = time.perf_counter()
    hourly_rows = bulk.write_rows(HostHourly, hourly)
    hourly_seconds = time.perf_counter() - began
    rss_hourly = peak_rss_mib()
    began = time.perf_counter()
    daily_rows = bulk.write_rows(HostDaily, daily)
    daily_seconds = time.perf_counter() - began
    began = time.perf_counter()
    endpoints = ServiceEndpoint.objects.bulk_create([
        ServiceEndpoint(system=system, name="bench", kind=ProbeKind.TCP,
                        target=f"10.0.{index}.1:443")
        for index, system in enumerate(contract.systems.order_by("contract_row", "label"))])
    with transaction.atomic():
        for endpoint in endpoints:
            series = probe_series(f"bench/{endpoint.system.label}", SEED, step.start, step.end,
                                  [(step.start, step.end)])
            hours, days = rolled_up(series, [], step.offset, target=endpoint.pk,
                                    with_usage=False)
            bulk.write_rows(ProbeHourly, hours)
            bulk.write_rows(ProbeDaily, days)
    probes = time.perf_counter() - began
    began = time.perf_counter()
    analyze()
    return {"migrate_seconds": migrate, "hourly_rows": hourly_rows,
            "hourly_seconds": hourly_seconds, "daily_rows": daily_rows,
            "daily_seconds": daily_seconds, "probe_seconds": probes,
            "endpoints": len(endpoints), "analyze_seconds": time.perf_counter() - began,
            "rss_after_hourly_mib": rss_hourly}


def step_compare(step: Step) -> dict:
    """(c) govcloud's answers from its stored rollups, for the hosts and window of (c)."""
    from datetime import UTC, datetime

    import psycopg
    from django.db import connection
    from django.db.models import Sum

    from govcloud.inventory.models import CloudHost
    from govcloud.telemetry.models import HostDaily, HostHourly

    names = dict(CloudHost.objects.filter(name__in=step.names()).values_list("pk", "name"))
    first = FIRST_DAY + timedelta(days=step.sizes.days - step.sizes.window_days)
    last = FIRST_DAY + timedelta(days=step.sizes.days - 1)
    days = HostDaily.objects.filter(host_id__in=list(names), day__gte=first, day__lte=last)

    def availability():
        totals = days.values("host_id").annotate(up=Sum("seconds_up"),
                                                 seen=Sum("seconds_observed"))
        return {names[row["host_id"]]: row["up"] / row["seen"] for row in totals}

    def utilization():
        totals = days.values("host_id").annotate(busy=Sum("cpu_sum"), count=Sum("cpu_samples"))
        return {names[row["host_id"]]: row["busy"] / row["count"] for row in totals}

    table = HostHourly._meta.db_table
    hour = HostHourly._meta.get_field("hour")
    window = [hour.get_db_prep_value(datetime.fromtimestamp(edge, UTC), connection)
              for edge in (step.window_start, step.window_end)]
    marks = ", ".join(["%s"] * len(names))
    if connection.vendor == "sqlite":
        # The text as stored, parsed once per hour below rather than once per row by
        # Django's converter; "+host_id" so that SQLite reads the window through the hour
        # index, in the order rows were written, not host by host all over the table.
        moment, host = "hour || ''", "+host_id"
    else:
        moment, host = "CAST(date_part('epoch', hour) AS BIGINT)", "host_id"
    sql = (f"SELECT host_id, {moment}, cpu_p95 FROM {table} WHERE {host} IN ({marks}) "
           "AND hour >= %s AND hour < %s AND cpu_p95 IS NOT NULL")

    def rows() -> list[tuple]:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(sql, [*names, *window])
                return cursor.fetchall()
        # Django's psycopg cursors bind on the client and read text; a cursor of the same
        # connection that binds on the server reads binary numbers, in half the time.
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, [*names, *window], binary=True)
            return cursor.fetchall()

    def hourly_p95():
        answer: dict[str, dict[int, float]] = {name: {} for name in names.values()}
        epochs: dict[str, int] = {}
        for host_id, at, p95 in rows():
            if isinstance(at, str):
                at = epochs.get(at) or epochs.setdefault(at, int(
                    datetime.fromisoformat(at).replace(tzinfo=UTC).timestamp()))
            answer[names[host_id]][at] = p95
        return answer

    results = {}
    for question, function in (("availability", availability), ("utilization", utilization),
                               ("p95", hourly_p95)):
        answer, seconds = best_of(function)
        results[question] = {"answer": answer, "seconds": seconds}
    return results


def step_kpi(step: Step) -> dict:
    """(b) The scorecard of the period from storage: timed, then again under tracemalloc."""
    from govcloud.contract.models import Contract
    from govcloud.inventory.models import CloudHost

    try:
        from govcloud.kpi.engine import scorecard
    except ImportError as error:
        return {"missing": str(error)}
    contract = Contract.objects.get()
    period = step.period
    began = time.perf_counter()
    card = scorecard(contract, period, now=period.end)
    seconds = time.perf_counter() - began
    rss = peak_rss_mib()
    tracemalloc.start()
    scorecard(contract, period, now=period.end)
    traced = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    rows = [[str(row.number), row.value, row.unit, row.status] for row in card.rows]
    return {"seconds": seconds, "traced_mib": traced, "rss_mib": rss, "period": str(period),
            "hosts": CloudHost.objects.filter(system__contract=contract).count(), "rows": rows}


def step_fleet(step: Step) -> dict:
    """(b) Grow the contract to the fleet size: hosts with status history and their
    synthetic daily rows, loaded in bulk, a slice of hosts at a time."""
    from datetime import UTC, datetime

    from govcloud.contract.models import Contract
    from govcloud.telemetry.models import HostDaily

    contract = Contract.objects.get()
    began = time.perf_counter()
    grown = grow_fleet(contract, step.sizes.fleet, FIRST_DAY, step.sizes.days, SEED,
                       started=datetime.fromtimestamp(step.start, UTC))
    load = time.perf_counter() - began
    began = time.perf_counter()
    analyze()
    return {**grown, "seconds": load, "analyze_seconds": time.perf_counter() - began,
            "total_daily_rows": HostDaily.objects.count()}


def step_prometheus(step: Step) -> dict:
    """(c) The same samples in a real Prometheus, and its answers to the same questions."""
    from govcloud.testing.ports import free_port

    results = {}
    samples_file = step.work / "samples.om"
    began = time.perf_counter()
    results["samples"] = _write_openmetrics(step, samples_file)
    results["openmetrics_seconds"] = time.perf_counter() - began
    results["openmetrics_mib"] = samples_file.stat().st_size / 2**20
    data = step.work / "tsdb"
    began = time.perf_counter()
    subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics",
                    "--max-block-duration=720h", "--quiet", str(samples_file), str(data)],
                   check=True, capture_output=True)
    results["promtool_seconds"] = time.perf_counter() - began
    results["promtool_rss_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    samples_file.unlink()
    config = step.work / "prometheus.yml"
    config.write_text("global: {scrape_interval: 1m, evaluation_interval: 1m}\n")
    port = free_port()
    log = (step.work / "prometheus.log").open("w")
    began = time.perf_counter()
    server = subprocess.Popen(
        ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={data}",
         f"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=10y"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_ready(base, server)
        results["start_seconds"] = time.perf_counter() - began
        results.update(_ask_prometheus(step, base))
        results["prometheus_rss_mib"] = _peak_rss_of(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
    return results


def _write_openmetrics(step: Step, path: Path) -> int:
    """Write up and CPU of every host, one series after another, each in time order."""
    written = 0
    with path.open("w") as out:
        for metric in ("up", "cpu"):
            out.write(f"# TYPE {metric} gauge\n")
            for name in step.names():
                timestamps, values = step.series(name, step.window_start, step.window_end)[
                    metric]
                prefix = f'{metric}{{host="{name}"}} '
                out.write("".join(f"{prefix}{value!r} {moment}\n" for value, moment in zip(
                    values.tolist(), timestamps.astype("int64").tolist(), strict=True)))
                written += values.size
        out.write("# EOF\n")
    return written


def _wait_ready(base: str, server: subprocess.Popen, timeout: float = 120) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("Prometheus stopped; see prometheus.log in the work directory")
        try:
            if requests.get(f"{base}/-/ready", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"Prometheus not ready after {timeout} s")


def _peak_rss_of(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _ask_prometheus(step: Step, base: str) -> dict:
    import requests

    window = f"{step.sizes.window_days}d"
    last_sample = step.window_end - 60

    def instant(query: str):
        def ask():
            reply = requests.get(f"{base}/api/v1/query",
                                 params={"query": query, "time": f"{last_sample:.3f}"})
            reply.raise_for_status()
            return {item["metric"]["host"]: float(item["value"][1])
                    for item in reply.json()["data"]["result"]}
        return ask

    def hourly_p95():
        reply = requests.get(f"{base}/api/v1/query_range", params={
            "query": "quantile_over_time(0.95, cpu[1h])",
            "start": f"{step.window_start + 3600 - 0.001:.3f}",
            "end": f"{step.window_end - 0.001:.3f}", "step": "3600"})
        reply.raise_for_status()
        return {item["metric"]["host"]: {round(moment + 0.001) - 3600: float(value)
                                         for moment, value in item["values"]}
                for item in reply.json()["data"]["result"]}

    results = {}
    for question, function in (
            ("availability", instant(f"avg_over_time(up[{window}])")),
            ("utilization", instant(f"avg_over_time(cpu[{window}])")),
            ("p95", hourly_p95)):
        answer, seconds = best_of(function)
        results[question] = {"answer": answer, "seconds": seconds}
    return results


STEPS = {"rollup": step_rollup, "setup": step_setup, "compare": step_compare,
         "kpi": step_kpi, "fleet": step_fleet, "kpi-fleet": step_kpi,
         "prometheus": step_prometheus}


def run_steps(names: list[str], sizes: Sizes, work: Path) -> None:
    """Run steps in this process and leave each one's results in the work directory."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that finally stops Prometheus
    if "rollup" in names:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    step = Step(sizes, work)
    label = os.environ.get("BENCH_DATABASE", "")
    for name in names:
        began = time.perf_counter()
        result = STEPS[name](step)
        result["step_seconds"] = time.perf_counter() - began
        result["rss_mib"] = max(result.get("rss_mib", 0), peak_rss_mib())
        (work / f"{name}{'-' + label if label else ''}.json").write_text(json.dumps(result))


# --- the run -----------------------------------------------------------------------------


class Run:
    """The parent process: starts PostgreSQL, runs the steps, compares and reports."""

    def __init__(self, sizes: Sizes, quick: bool):
        self.sizes, self.quick = sizes, quick
        self.work = Path(tempfile.mkdtemp(prefix="govcloud-bench-"))
        self.results: dict[str, dict] = {}
        self.running: list[subprocess.Popen] = []

    def start(self, names: list[str], database: str = "", url: str = "",
              extra: dict | None = None) -> tuple:
        """Start a process running the steps ``names`` on the database of ``url``."""
        env = {**os.environ, "GOVCLOUD_DATA_DIR": str(self.work / "data"),
               "DATABASE_URL": url or f"sqlite:///{self.work / 'rollup.sqlite3'}",
               "BENCH_DATABASE": database, **(extra or {})}
        command = [sys.executable, __file__, "--work", str(self.work), "--step",
                   ",".join(names), *(["--quick"] if self.quick else [])]
        process = subprocess.Popen(command, env=env)
        self.running.append(process)
        return process, names, database

    def finish(self, started: tuple) -> None:
        """Wait for a process of start() and read what its steps found."""
        process, names, database = started
        if process.wait() != 0:
            raise RuntimeError(f"step {','.join(names)} {database} failed ({process.returncode})")
        self.running.remove(process)
        for name in names:
            key = f"{name}-{database}" if database else name
            self.results[key] = json.loads((self.work / f"{key}.json").read_text())

    def child(self, names: list[str], database: str = "", url: str = "",
              extra: dict | None = None) -> None:
        self.finish(self.start(names, database, url, extra))

    def run(self) -> None:
        """The steps in order; --quick runs the databases and Prometheus side by side."""
        from govcloud.testing.postgres import TemporaryPostgres

        began = time.perf_counter()
        postgres = TemporaryPostgres()
        try:
            say(f"Sizes: {asdict(self.sizes)}; work directory {self.work}")
            if self.quick:
                say("--quick: sizes for a smoke run, steps side by side; its timings say "
                    "nothing of speed.")
            self.child(["rollup"], extra=ONE_CORE)
            self.report_rollup()
            pg_url = postgres.__enter__()
            create_database(pg_url)
            databases = (("SQLite", f"sqlite:///{self.work / 'bench.sqlite3'}"),
                         ("PostgreSQL", pg_url))
            if self.quick:
                started = [self.start(list(DB_STEPS), database, url)
                           for database, url in databases]
                for item in [*started, self.start(["prometheus"])]:
                    self.finish(item)
            else:
                for database, url in databases:
                    for name in DB_STEPS:
                        self.child([name], database, url)
                self.child(["prometheus"])
            for database, _url in databases:
                self.report_database(database)
            self.report_prometheus()
            self.table(time.perf_counter() - began)
        finally:
            for process in self.running:
                process.terminate()
                process.wait()
            postgres.stop()
            shutil.rmtree(self.work, ignore_errors=True)

    # reporting

    def report_rollup(self) -> None:
        rollup = self.results["rollup"]
        say(f"(a) rollup on CPU {rollup['cpu']}: {rollup['cpu_samples']:,} CPU samples -> "
            f"hourly mean/p95/max/count in {rollup['kernel_seconds']:.2f} s "
            f"({rollup['cpu_samples'] / rollup['kernel_seconds'] / 1e6:.0f} M samples/s); "
            f"all 4 series ({rollup['all_samples']:,} samples) -> "
            f"{rollup['hourly_rows']:,} hourly + {rollup['daily_rows']:,} daily rows in "
            f"{rollup['full_seconds']:.2f} s "
            f"({rollup['up_samples'] / rollup['full_seconds'] / 1e6:.0f} M samples/s per "
            f"series); peak RSS {rollup['rss_mib']:.0f} MiB, tracemalloc peak of one "
            f"host {rollup['traced_mib']:.0f} MiB")

    def report_database(self, database: str) -> None:
        setup = self.results[f"setup-{database}"]
        say(f"(a) {database}: wrote {setup['hourly_rows']:,} hourly rows in "
            f"{setup['hourly_seconds']:.2f} s and {setup['daily_rows']:,} daily rows in "
            f"{setup['daily_seconds']:.2f} s (peak RSS {setup['rss_mib']:.0f} MiB); "
            f"migrate {setup['migrate_seconds']:.1f} s, probes of {setup['endpoints']} "
            f"endpoints {setup['probe_seconds']:.1f} s")
        for name in ("kpi", "kpi-fleet"):
            kpi = self.results[f"{name}-{database}"]
            if "missing" in kpi:
                say(f"(b) {database}: no KPI engine yet ({kpi['missing']})")
                continue
            say(f"(b) {database}: scorecard {kpi['period']} for {kpi['hosts']:,} hosts in "
                f"{kpi['seconds']:.3f} s (peak RSS {kpi['rss_mib']:.0f} MiB, tracemalloc "
                f"peak {kpi['traced_mib']:.1f} MiB)")
            values = ", ".join(f"{number}={'—' if value is None else round(value, 4)}"
                               f"{unit if value is not None else ''} {status}"
                               for number, value, unit, status in kpi["rows"])
            say(f"    {values}")
            if name == "kpi":
                fleet = self.results[f"fleet-{database}"]
                say(f"(b) {database}: loaded {fleet['hosts']:,} hosts and "
                    f"{fleet['daily_rows']:,} daily rows in {fleet['seconds']:.1f} s "
                    f"({fleet['total_daily_rows']:,} daily rows in all; peak RSS "
                    f"{fleet['rss_mib']:.0f} MiB)")

    def comparison(self, database: str) -> dict:
        prometheus = self.results["prometheus"]
        govcloud = self.results[f"compare-{database}"]
        compared = {}
        for question in ("availability", "utilization", "p95"):
            ours, theirs = govcloud[question]["answer"], prometheus[question]["answer"]
            if question == "p95":
                ours = {(host, hour): value for host, hours in ours.items()
                        for hour, value in hours.items()}
                theirs = {(host, hour): value for host, hours in theirs.items()
                          for hour, value in hours.items()}
            both = ours.keys() & theirs.keys()
            compared[question] = {
                "values": len(both), "unmatched": len(ours.keys() ^ theirs.keys()),
                "difference": max((abs(ours[key] - theirs[key]) for key in both), default=0),
                "govcloud": govcloud[question]["seconds"],
                "prometheus": prometheus[question]["seconds"],
                "examples": [(key, ours[key], theirs[key]) for key in sorted(both)[:3]]}
        return compared

    def report_prometheus(self) -> None:
        prometheus = self.results["prometheus"]
        say(f"(c) Prometheus: {prometheus['samples']:,} samples as OpenMetrics "
            f"({prometheus['openmetrics_mib']:.0f} MiB) in "
            f"{prometheus['openmetrics_seconds']:.1f} s; promtool "
            f"{prometheus['promtool_seconds']:.1f} s (peak RSS "
            f"{prometheus['promtool_rss_mib']:.0f} MiB); ready in "
            f"{prometheus['start_seconds']:.1f} s; Prometheus peak RSS "
            f"{prometheus['prometheus_rss_mib']:.0f} MiB")
        for database in ("SQLite", "PostgreSQL"):
            for question, result in self.comparison(database).items():
                examples = "; ".join(f"{key}: govcloud {ours!r} / Prometheus {theirs!r}"
                                     for key, ours, theirs in result["examples"])
                say(f"(c) {database} {question}: {result['values']:,} values, "
                    f"{result['unmatched']} unmatched, max |difference| "
                    f"{result['difference']:.3g}; govcloud {result['govcloud'] * 1000:.1f} ms"
                    f", Prometheus {result['prometheus'] * 1000:.1f} ms "
                    f"({result['prometheus'] / result['govcloud']:.1f}× faster)")
                say(f"    {examples}")

    def table(self, seconds: float) -> None:
        rollup = self.results["rollup"]
        lines = [("(a) rollup, CPU -> hourly mean/p95/max/count, 1 core",
                  f"{rollup['cpu_samples'] / rollup['kernel_seconds'] / 1e6:.0f} M samples/s",
                  "", ">= 100 M/s"),
                 ("(a) rollup, 4 series -> hourly + daily rows, 1 core",
                  f"{rollup['up_samples'] / rollup['full_seconds'] / 1e6:.0f} M samples/s/series",
                  "", "")]
        cells = {}
        for database in ("SQLite", "PostgreSQL"):
            setup = self.results[f"setup-{database}"]
            fleet = self.results[f"fleet-{database}"]
            kpi, kpi_fleet = (self.results[f"{name}-{database}"] for name in ("kpi",
                                                                               "kpi-fleet"))
            compared = self.comparison(database)
            cells[database] = [
                f"{setup['hourly_seconds']:.1f} s", f"{setup['daily_seconds']:.2f} s",
                _kpi_cell(kpi), f"{fleet['seconds']:.1f} s", _kpi_cell(kpi_fleet),
                *[_comparison_cell(compared[question])
                  for question in ("availability", "utilization", "p95")]]
        setup = self.results["setup-SQLite"]
        fleet = self.results["fleet-SQLite"]
        labels = [
            (f"(a) write {setup['hourly_rows']:,} hourly rows", ""),
            (f"(a) write {setup['daily_rows']:,} daily rows", ""),
            (f"(b) scorecard, {self.results['kpi-SQLite'].get('hosts', '?')} hosts", "< 0.5 s"),
            (f"(b) load {fleet['hosts']:,} hosts + {fleet['daily_rows']:,} daily rows", ""),
            (f"(b) scorecard, {self.results['kpi-fleet-SQLite'].get('hosts', '?'):,} hosts",
             "< 10 s"),
            ("(c) availability: max |diff|, speed-up", "< 1e-6, >= 10×"),
            ("(c) mean CPU: max |diff|, speed-up", "< 1e-6, >= 10×"),
            ("(c) hourly p95: max |diff|, speed-up", "< 1e-6, >= 10×")]
        for index, (label, goal) in enumerate(labels):
            lines.append((label, cells["SQLite"][index], cells["PostgreSQL"][index], goal))
        say("")
        say(f"{'step':<56} {'SQLite':>22} {'PostgreSQL':>16}  goal")
        for label, sqlite, postgres, goal in lines:
            say(f"{label:<56} {sqlite:>22} {postgres:>16}  {goal}")
        say(f"whole run {seconds:.0f} s")


def _comparison_cell(result: dict) -> str:
    return (f"{result['difference']:.1e}, "
            f"{result['prometheus'] / result['govcloud']:.1f}×")


def _kpi_cell(result: dict) -> str:
    if "missing" in result:
        return "no engine"
    return f"{result['seconds']:.3f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    sizes = QUICK if arguments.quick else FULL
    if arguments.step:
        run_steps(arguments.step.split(","), sizes, Path(arguments.work))
        return 0
    Run(sizes, arguments.quick).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
