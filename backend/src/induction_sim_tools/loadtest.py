"""`induction-sim load`: many dashboards at once while a large job runs (hardening issue, point 6).

Against a server on loopback — one this command starts on the configured database (embedded
unless DATABASE_URL is set), or a running one given with `--url` — for `duration_s` seconds:

- `subscribers` clients of `GET /api/stream` (`probe.Cadence`, reconnecting with Last-Event-ID as
  the dashboard does); for each, the samples it received and the ones it missed: every seq from
  the newest sample when the load starts to the newest when it ends must arrive.
- One client making dashboard requests `api_rate` times a second, alternately `GET /api/telemetry`
  (the live run's latest 600 samples) and `GET /api/machine`: p50/p99/max over the window and
  while the job runs (time to a complete 200 response on a keep-alive connection).
- A `rows`-row job (`POST /api/jobs`) started `job_after_s` into the window; its outcome and
  rows/s. A job still running when the window ends is cancelled (and reported so).
- Live tick jitter as the server measures it (`GET /api/machine` → `loop`: how late each tick woke
  after its drift-free deadline, over the server's last ≤ 3,600 ticks), and the intervals between
  arrivals at the subscribers (client side: also includes this process's own scheduling).

Bounded: ≤ 200 subscribers, ≤ 1 h, ≤ 5,000,000 rows, loopback only. What it creates in a server it
started (the job, its run, the server's live run) is deleted at the end and the space vacuumed;
against `--url` nothing is deleted and the report names what was left.
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from induction_sim.settings import Settings
from induction_sim.storage.database import create_engine, running_database
from induction_sim.storage.repositories import runs as runs_repo
from induction_sim_tools.bench import Figure, server_env
from induction_sim_tools.probe import Cadence, Client, ProbeError, finite_json, server

TARGET_P99_MS = 50.0
MAX_SUBSCRIBERS = 200
MAX_DURATION_S = 3_600.0
MAX_ROWS = 5_000_000
MAX_API_RATE = 1_000.0
DASHBOARD_LIMIT = 600
ACTIVE = ("queued", "running", "cancelling")


@dataclass(frozen=True)
class LoadOptions:
    subscribers: int = 50
    duration_s: float = 300.0
    rows: int = 1_000_000  # 0: no job
    scenario: str = "normal_production"
    api_rate: float = 50.0  # requests/s (one per subscriber-dashboard per second); 0: back to back
    job_after_s: float = 10.0  # an idle stretch first (at most a third of the window)

    def check(self) -> None:
        if not 1 <= self.subscribers <= MAX_SUBSCRIBERS:
            raise ValueError(f"subscribers: 1 to {MAX_SUBSCRIBERS}")
        if not 1.0 <= self.duration_s <= MAX_DURATION_S:
            raise ValueError(f"duration: 1 to {MAX_DURATION_S:g} s")
        if not 0 <= self.rows <= MAX_ROWS:
            raise ValueError(f"rows: 0 to {MAX_ROWS:,}")
        if not 0.0 <= self.api_rate <= MAX_API_RATE:
            raise ValueError(f"api rate: 0 to {MAX_API_RATE:g} requests/s")


def loopback_address(url: str) -> tuple[str, int]:
    """(host, port) of an http:// URL on this machine; anything else is refused."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if parts.scheme != "http" or not loopback:
        raise ProbeError(
            f"refusing {url!r}: the load test only targets http:// servers on loopback "
            "(127.0.0.1, ::1, localhost)"
        )
    return host, parts.port or 80


# --- results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    """p50/p99/max of a set of durations, ms."""

    n: int
    p50_ms: float
    p99_ms: float
    max_ms: float

    @staticmethod
    def of(seconds: Any) -> Spread:
        ms = np.asarray(seconds, dtype=np.float64) * 1000.0
        if ms.size == 0:
            return Spread(0, math.nan, math.nan, math.nan)
        p50, p99 = np.percentile(ms, [50, 99])
        return Spread(int(ms.size), float(p50), float(p99), float(ms.max()))


@dataclass(frozen=True)
class SubscriberResult:
    received: int  # samples of the window received (each seq once)
    missed: int  # samples of the window never received
    reconnects: int  # times the server ended its stream and it resumed
    refused: str | None  # the server's answer when it sent no stream


@dataclass(frozen=True)
class TickResult:
    """The live loop's timing as the server measured it (`GET /api/machine` → loop)."""

    ticks_during: int  # ticks in the load window
    window: int  # recent ticks the figures cover (may include a few before the window)
    late_p50_ms: float | None
    late_p99_ms: float | None
    late_max_ms: float | None
    queued_samples: int  # waiting for the database at the end
    lost_samples: int


@dataclass(frozen=True)
class JobResult:
    id: int
    run_id: int | None
    status: str
    rows_requested: int
    rows_written: int
    seconds: float | None  # started → finished, as the server recorded it
    error: str | None
    cancelled_at_end: bool

    @property
    def rows_per_s(self) -> float | None:
        return self.rows_written / self.seconds if self.seconds else None


@dataclass
class LoadReport:
    url: str
    options: LoadOptions
    speed: float = math.nan
    live_run_id: int = 0
    window_samples: int = 0  # seqs every subscriber should have received
    subscribers: list[SubscriberResult] = field(default_factory=list)
    tick: TickResult | None = None
    arrival: Spread | None = None  # intervals between samples at the subscribers
    arrival_late_max_ms: float = math.nan  # worst drift from the drift-free slot, any subscriber
    api: dict[str, Spread] = field(default_factory=dict)  # whole window, by endpoint
    api_busy: dict[str, Spread] = field(default_factory=dict)  # while the job ran
    job: JobResult | None = None
    left: str = ""  # what the run left in the database
    created_jobs: list[int] = field(default_factory=list)
    created_runs: list[int] = field(default_factory=list)

    @property
    def missed(self) -> int:
        return sum(s.missed for s in self.subscribers)

    def figures(self) -> list[Figure]:
        return _figures(self)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = finite_json(
            {
                "url": self.url,
                "options": asdict(self.options),
                "live": {"run_id": self.live_run_id, "speed": self.speed},
                "window_samples": self.window_samples,
                "subscribers": [asdict(s) for s in self.subscribers],
                "missed": self.missed,
                "tick": asdict(self.tick) if self.tick else None,
                "arrival": asdict(self.arrival) if self.arrival else None,
                "arrival_late_max_ms": self.arrival_late_max_ms,
                "api": {k: asdict(v) for k, v in self.api.items()},
                "api_busy": {k: asdict(v) for k, v in self.api_busy.items()},
                "job": (
                    {**asdict(self.job), "rows_per_s": self.job.rows_per_s} if self.job else None
                ),
                "left": self.left,
                "figures": [asdict(f) for f in self.figures()],
                "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()[0]},
            }
        )
        return data


# --- the run --------------------------------------------------------------------------------------


def run(
    settings: Settings,
    options: LoadOptions,
    url: str | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> LoadReport:
    """The whole load test: start (or reach) the server, load it, clean up what it made."""
    options.check()
    stop = threading.Event()
    token = settings.operator_token
    if url is not None:
        host, port = loopback_address(url)
        report = LoadReport(url, options)
        load(host, port, options, report, say, token)
        made = [f"job {j}" for j in report.created_jobs]
        made += [f"run {r}" for r in report.created_runs]
        report.left = f"left in that server's database: {', '.join(made) or 'nothing'}"
        return report
    with running_database(settings) as database:
        env = server_env(settings, database)
        # room for every subscriber (and a browser or two) above the server's default limit
        limit = max(settings.max_stream_subscribers, options.subscribers + 10)
        env["SIM_MAX_STREAM_SUBSCRIBERS"] = str(limit)
        where = "embedded" if database.kind == "embedded" else database.display
        report = LoadReport("", options)
        try:
            say(f"starting induction-sim serve on PostgreSQL {database.server_version} ({where})")
            with server(env, stop) as (_, host, port):
                report.url = f"http://{host}:{port}"
                load(host, port, options, report, say, token)
                if report.live_run_id:  # the server's live run is load-test data too
                    report.created_runs.append(report.live_run_id)
        finally:  # the server has stopped: nothing writes to what is deleted
            say("cleaning up: the job, its run and the server's live run")
            report.left = asyncio.run(_delete(database.url, report))
    return report


def load(
    host: str,
    port: int,
    options: LoadOptions,
    report: LoadReport,
    say: Callable[[str], None],
    token: str | None = None,
) -> None:
    client = Client(host, port, token)
    try:
        machine = client.get_json("/api/machine", missing_ok=True)
        if machine is None:
            raise ProbeError("the server runs no live machine (SIM_LIVE=false): nothing to stream")
        report.live_run_id = int(machine["run_id"])
        report.speed = float(machine["speed"])
        period = 1.0 / report.speed
        say(f"{options.subscribers} stream subscribers to {host}:{port}")
        with _subscribers(host, port, period, options.subscribers) as subs:
            _wait_for_first_samples(subs, timeout_s=max(10.0, 5 * period))
            first = client.get_json("/api/machine")
            window_from = int((first["last_sample"] or {"seq": -1})["seq"]) + 1
            say(f"loading for {options.duration_s:g} s")
            requests, job_window = _drive(client, options, report)
            last = client.get_json("/api/machine")
            window_to = int(last["last_sample"]["seq"])
            time.sleep(2 * period + 0.5)  # every subscriber receives `window_to` too
        report.window_samples = window_to - window_from + 1
        report.subscribers = [_subscriber(s, window_from, window_to) for s in subs]
        report.arrival, report.arrival_late_max_ms = _arrivals(subs, window_from, window_to)
        loop = last["loop"]
        report.tick = TickResult(
            ticks_during=int(loop["ticks"]) - int(first["loop"]["ticks"]),
            window=int(loop["window"]),
            late_p50_ms=loop["late_p50_ms"],
            late_p99_ms=loop["late_p99_ms"],
            late_max_ms=loop["late_max_ms"],
            queued_samples=int(loop["queued_samples"]),
            lost_samples=int(loop["lost_samples"]),
        )
        report.api = {name: Spread.of([s for _, s in r]) for name, r in requests.items()}
        if job_window is not None:
            start, end = job_window
            report.api_busy = {
                name: Spread.of([s for t, s in r if start <= t <= end])
                for name, r in requests.items()
            }
    finally:
        client.close()


@contextmanager
def _subscribers(host: str, port: int, period: float, n: int) -> Iterator[list[Cadence]]:
    subs: list[Cadence] = []
    try:
        for i in range(n):
            subs.append(Cadence(host, port, period, resume=True, name=f"load-stream-{i}"))
        yield subs
    finally:
        for s in subs:
            s.close()


def _wait_for_first_samples(subs: list[Cadence], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if all(len(s.seqs) or s.refused for s in subs):
            return
        time.sleep(0.05)


def _drive(
    client: Client, options: LoadOptions, report: LoadReport
) -> tuple[dict[str, list[tuple[float, float]]], tuple[float, float] | None]:
    """Dashboard requests for the window (and the job in it). Returns (endpoint → [(sent at,
    seconds)], the job's (start, end) on this clock)."""
    paths = {
        "telemetry": f"/api/telemetry?run_id={report.live_run_id}&limit={DASHBOARD_LIMIT}",
        "machine": "/api/machine",
    }
    names = list(paths)
    requests: dict[str, list[tuple[float, float]]] = {name: [] for name in paths}
    interval = 1.0 / options.api_rate if options.api_rate > 0 else 0.0
    start = time.monotonic()
    end = start + options.duration_s
    job_at = start + min(options.job_after_s, options.duration_s / 3)
    job: dict[str, Any] | None = None
    job_from = job_to = None
    next_poll = next_request = start
    k = 0
    while (now := time.monotonic()) < end:
        if job is None and options.rows > 0 and now >= job_at:
            body = {"scenario": options.scenario, "rows": options.rows, "seed": 0}
            job = client.post("/api/jobs", body)
            report.created_jobs.append(int(job["id"]))
            job_from = time.monotonic()
        if job is not None and job_to is None and now >= next_poll:  # not counted
            job = client.get_json(f"/api/jobs/{job['id']}")
            if job["status"] not in ACTIVE:
                job_to = time.monotonic()
            next_poll = now + 0.5
        name = names[k % len(names)]
        k += 1
        requests[name].append((time.monotonic(), client.get(paths[name])))
        if interval:  # on a fixed schedule; after a slow answer, on from now (no burst)
            next_request = max(next_request + interval, time.monotonic() - interval)
            time.sleep(max(0.0, next_request - time.monotonic()))
    cancelled = False
    if job is not None and job_to is None:
        # the job may end between the last poll and this cancel: then it was not cancelled
        cancelled = client.cancel_job(int(job["id"]), "load test over")
        deadline = time.monotonic() + 120
        while job["status"] in ACTIVE and time.monotonic() < deadline:
            time.sleep(0.25)
            job = client.get_json(f"/api/jobs/{job['id']}")
        job_to = time.monotonic()
    if job is not None:
        report.job = _job_result(job, cancelled)
        if job.get("run_id"):
            report.created_runs.append(int(job["run_id"]))
    window = (job_from, job_to) if job_from is not None and job_to is not None else None
    return requests, window


def _job_result(view: Mapping[str, Any], cancelled: bool) -> JobResult:
    seconds = None
    if view.get("started_at") and view.get("finished_at"):
        seconds = (
            datetime.fromisoformat(view["finished_at"]) - datetime.fromisoformat(view["started_at"])
        ).total_seconds()
    return JobResult(
        id=int(view["id"]),
        run_id=view.get("run_id"),
        status=str(view["status"]),
        rows_requested=int(view["rows_requested"]),
        rows_written=int(view["rows_written"]),
        seconds=seconds,
        error=view.get("error"),
        cancelled_at_end=cancelled,
    )


def _subscriber(sub: Cadence, first: int, last: int) -> SubscriberResult:
    seqs = np.array(sub.seqs, dtype=np.int64)  # a copy: never a view of a growing array
    got = np.unique(seqs[(seqs >= first) & (seqs <= last)])
    expected = max(0, last - first + 1)
    return SubscriberResult(int(got.size), expected - int(got.size), sub.reconnects, sub.refused)


def _arrivals(subs: list[Cadence], first: int, last: int) -> tuple[Spread, float]:
    """Intervals between consecutive samples at each subscriber (pooled), and the worst drift of
    an arrival from its drift-free slot (first arrival + k·period) at any subscriber, ms."""
    intervals: list[np.ndarray[Any, np.dtype[np.float64]]] = []
    late = 0.0
    for sub in subs:
        n = len(sub.seqs)
        times = np.array(sub.times, dtype=np.float64)[:n]
        seqs = np.array(sub.seqs, dtype=np.int64)[:n]
        keep = (seqs >= first) & (seqs <= last)
        times, seqs = times[keep], seqs[keep]
        if times.size < 2:
            continue
        intervals.append(np.diff(times))
        slots = times - (seqs - seqs[0]) * sub.period_s
        late = max(late, float(slots.max() - slots.min()) * 1000.0)
    pooled = np.concatenate(intervals) if intervals else np.array([])
    return Spread.of(pooled), late


async def _delete(url: str, report: LoadReport) -> str:
    """Delete the load's job, its run and the server's live run (rows, parts and events)."""
    jobs, runs = report.created_jobs, sorted(set(report.created_runs))
    if not jobs and not runs:
        return "nothing created"
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text("DELETE FROM generation_jobs WHERE id = ANY(:ids)"), {"ids": jobs}
            )
            await runs_repo.delete_runs(conn, runs)
        with suppress(SQLAlchemyError):  # make the space reusable now (best effort)
            async with engine.connect() as conn:
                auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
                await auto.execute(text("VACUUM telemetry, parts, machine_events"))
    finally:
        await engine.dispose()
    return f"deleted: jobs {jobs}, runs {runs}"


# --- the table ------------------------------------------------------------------------------------


def _figures(r: LoadReport) -> list[Figure]:
    o = r.options
    received = [s.received for s in r.subscribers] or [0]
    refused = sum(1 for s in r.subscribers if s.refused)
    reconnects = sum(s.reconnects for s in r.subscribers)
    figures = [
        Figure(
            f"samples missed by {len(r.subscribers)} stream subscribers",
            float(r.missed),
            "samples",
            "0",
            f"each expected {r.window_samples:,} ({r.speed:g} Hz × {o.duration_s:g} s); received "
            f"{min(received):,}–{max(received):,}; {reconnects} resumed, {refused} refused",
            met=r.missed == 0 and refused == 0 and r.window_samples > 0,
            key="stream.missed",
        )
    ]
    if r.tick is not None:
        t = r.tick
        cover = f"server-side, last {t.window:,} ticks ({t.ticks_during:,} in the window)"
        for name, value, target in (
            ("p50", t.late_p50_ms, ""),
            ("p99", t.late_p99_ms, f"≤ {TARGET_P99_MS:g} ms"),
            ("max", t.late_max_ms, ""),
        ):
            figures.append(
                Figure(
                    f"live tick lateness {name}",
                    math.nan if value is None else value,
                    "ms",
                    target,
                    cover,
                    met=(value is not None and value <= TARGET_P99_MS) if target else None,
                    key=f"tick.late_{name}_ms",
                )
            )
    if r.arrival is not None and r.arrival.n:
        a = r.arrival
        figures.append(
            Figure(
                "sample interval at subscribers p99",
                a.p99_ms,
                "ms",
                "",
                f"client side, period {1000 / r.speed:g} ms: p50 {a.p50_ms:.4g}, max "
                f"{a.max_ms:.4g} ms; worst drift from the slot {r.arrival_late_max_ms:.4g} ms",
                key="stream.interval_p99_ms",
            )
        )
    rate = f"{o.api_rate:g}/s" if o.api_rate else "back to back"
    figures += _api_figures(r, "telemetry", f"GET /api/telemetry ({DASHBOARD_LIMIT} rows)", rate)
    figures += _api_figures(r, "machine", "GET /api/machine", rate)
    if r.job is not None:
        j = r.job
        ok = j.status == "succeeded"
        note = (
            f"{j.rows_per_s:,.0f} rows/s"
            if ok and j.rows_per_s
            else f"job {j.id} {j.status}{' (window ended)' if j.cancelled_at_end else ''}: "
            f"{j.error}"
        )
        figures.append(
            Figure(
                f"job {j.rows_requested:,} rows via POST /api/jobs",
                j.seconds if j.seconds is not None else math.nan,
                "s",
                "succeeds",
                note,
                met=ok,
                key="job.seconds",
            )
        )
    return figures


def _api_figures(r: LoadReport, name: str, label: str, rate: str) -> list[Figure]:
    figures = []
    for when, spread in (("whole window", r.api.get(name)), ("job running", r.api_busy.get(name))):
        if spread is None or not spread.n:
            continue
        figures.append(
            Figure(
                f"{label} p99, {when}",
                spread.p99_ms,
                "ms",
                f"≤ {TARGET_P99_MS:g} ms",
                f"p50 {spread.p50_ms:.3g} ms, max {spread.max_ms:.3g} ms; {spread.n:,} requests "
                f"(the two dashboard requests alternate, {rate} in all)",
                met=spread.p99_ms <= TARGET_P99_MS,
                key=f"api.{name}.{'busy' if when == 'job running' else 'all'}.p99_ms",
            )
        )
    return figures
