"""Benchmarks the project ships (`induction-sim bench`): measured, never asserted in tests.

Engine figures: one part's full thermal–metallurgical simulation, and a batch of machine
samples (physics + PLC + sensors + labels) generated as one chunk, as the data factory does.

Database figures, in one run on one database (`run_bench`):

- **COPY ceiling** — the factory's telemetry rows, pre-encoded from real engine chunks, COPYed
  into `telemetry` itself under a run of their own, through the SQLAlchemy connection's asyncpg
  driver connection, split exactly like a factory job (one transaction per shard, chunks of
  `CHUNK_ROWS`) over as many connections as the factory has workers. Only COPY and commit are
  timed. Each measurement comes right before a factory job of the same size, so both write into
  the table in the same state (an index holding earlier runs' equal timestamps costs more per
  row than an empty one: measured 15–25 % here). It runs in a process of its own, so its
  pre-encoded payload never counts in the factory's memory.
- **Where a worker's time goes** — a shard's work done in this process, each stage timed alone.
- **Factory** — whole jobs through `Factory` (physics + labels + COPY + commit, parts and events
  included), its worker pool warmed up by four jobs first (two of the small size); peak memory
  is the summed RSS of the coordinator (this process) and its children, sampled every 50 ms.
- **API latency** — the real server (`induction-sim serve`) in a subprocess on the same database:
  the dashboard request `GET /api/telemetry?run_id=…&limit=600` and `GET /api/health`, sequential
  requests on one keep-alive connection, idle, then while a job runs in that server; meanwhile a
  stream subscriber notes when each live sample arrives (does the 1 Hz loop keep its cadence?).

Every timed database measurement starts after a CHECKPOINT (when the role may run one), so no
measurement pays for flushing the previous one; the small size is measured `repeats` times and
the best counts. Bench runs, jobs and the server's live run are deleted at the end.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import math
import multiprocessing
import os
import platform
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from types import TracebackType
from typing import Any

import numpy as np
import psutil
from rich.table import Table
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from induction_sim.drivers.factory import Factory
from induction_sim.drivers.shard import CHUNK_ROWS, shard_rows
from induction_sim.machine.chunk import SampleChunk
from induction_sim.machine.faults import FaultInstance, OnsetMode
from induction_sim.machine.machine import Machine, MachineConfig
from induction_sim.machine.recipe import DEFAULT_RECIPE, Recipe, builtin_recipes
from induction_sim.machine.scenario import BUILTIN, Scenario
from induction_sim.physics.part import simulate_part
from induction_sim.settings import Settings
from induction_sim.storage import records
from induction_sim.storage.database import DatabaseInfo, copy_payload, create_engine
from induction_sim.storage.repositories import jobs as jobs_repo
from induction_sim.storage.repositories import runs as runs_repo
from induction_sim.storage.telemetry_copy import TELEMETRY_FORMAT, telemetry_payload
from induction_sim_tools.probe import Cadence, CadenceStats, Client, ProbeError, finite_json, server


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    target: str
    note: str = ""
    met: bool | None = None  # None: no target here (or not at this size)
    key: str = ""  # stable name in `--json` output


def best_of(repeats: int, fn: Callable[[], object]) -> float:
    """Best wall time of `repeats` runs, s (the least disturbed by a shared machine)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def engine_figures(rows: int = 50_000, recipe: Recipe | None = None) -> list[Figure]:
    recipe = recipe or builtin_recipes()[DEFAULT_RECIPE]
    simulate_part(recipe)  # warm caches and imports
    one_part_s = best_of(20, lambda: simulate_part(recipe))

    mixed = (
        FaultInstance("quench_pump_wear", 0.3, OnsetMode.RAMP, onset_s=rows * 0.2, ramp_s=3600),
        FaultInstance(
            "coil_water_flow_loss", 1.0, OnsetMode.STEP, onset_s=rows * 0.5, duration_s=600
        ),
        FaultInstance(
            "capacitor_degradation", 0.6, OnsetMode.RAMP, onset_s=rows * 0.6, ramp_s=7200
        ),
    )
    normal_s = best_of(3, lambda: Machine(MachineConfig(recipe=recipe, seed=1)).advance(rows))
    faulty_s = best_of(
        3, lambda: Machine(MachineConfig(recipe=recipe, seed=1, faults=mixed)).advance(rows)
    )
    parts = len(Machine(MachineConfig(recipe=recipe, seed=1)).advance(rows).parts)
    at_size = rows == 50_000  # the 0.3 s target is for 50,000 rows
    return [
        Figure(
            "one part (thermal + metallurgy)",
            one_part_s * 1000,
            "ms",
            "≤ 5 ms",
            met=one_part_s <= 0.005,
            key="engine.one_part_ms",
        ),
        Figure(
            f"{rows:,} rows, normal production",
            normal_s,
            "s",
            "≤ 0.3 s",
            f"{rows / normal_s:,.0f} rows/s, {parts} parts",
            met=normal_s <= 0.3 if at_size else None,
            key="engine.normal_s",
        ),
        Figure(
            f"{rows:,} rows, three faults + an alarm",
            faulty_s,
            "s",
            "≤ 0.3 s",
            f"{rows / faulty_s:,.0f} rows/s",
            met=faulty_s <= 0.3 if at_size else None,
            key="engine.faults_s",
        ),
    ]


# --- database benchmark: options and results ------------------------------------------------------

TARGET_SMALL_ROWS = 50_000  # ≤ 1 s, at ≥ 50 % of the COPY rate
TARGET_LARGE_ROWS = 1_000_000  # ≤ 15 s, peak memory < 1 GB
TARGET_SMALL_S = 1.0
TARGET_SMALL_RATIO = 0.5
TARGET_LARGE_S = 15.0
TARGET_PEAK_BYTES = 1_000_000_000
TARGET_P99_MS = 50.0

CEILING_SCENARIO = "normal_production"  # the rows of the COPY ceiling, and its factory twin
DASHBOARD_LIMIT = 600
ACTIVE_JOB = ("queued", "running", "cancelling")


# The benchmark could not measure something (server did not start, a job failed, …); one error
# type with the probes it shares with `induction-sim load`.
BenchError = ProbeError


@dataclass
class Made:
    """What the bench created (here or in the server): deleted at the end, whatever happens."""

    jobs: list[int] = field(default_factory=list)
    runs: list[int] = field(default_factory=list)  # runs without a job (the server's live run)


@dataclass(frozen=True)
class BenchOptions:
    small_rows: int = TARGET_SMALL_ROWS
    large_rows: int = TARGET_LARGE_ROWS
    quick: bool = False  # small size only: no large figures, no busy latency
    mixed: bool = True  # also a large `mixed_faults` job (not in quick mode)
    workers: int = 2  # factory worker processes; the COPY ceiling uses as many connections
    requests: int = 300  # sequential requests per endpoint for the idle latency
    busy_requests: int = 5_000  # at most this many per endpoint while the job runs
    busy_max_s: float = 180.0  # cancel the busy job after this long
    settle_s: float = 3.0  # warm-up requests after the server starts (its workers spawn)
    repeats: int = 3  # the small size is measured this often (COPY and factory); the best counts
    seed: int = 0


@dataclass(frozen=True)
class CopyResult:
    rows: int
    seconds: float
    connections: int
    transaction_rows: int
    chunk_rows: int
    attempts: tuple[float, ...] = ()  # every measurement, s; `seconds` is the best

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds


@dataclass(frozen=True)
class PeakMemory:
    total_bytes: int
    coordinator_bytes: int
    workers_bytes: int
    workers: int
    samples: int


@dataclass(frozen=True)
class Breakdown:
    """A factory job's work done in one process, one stage after the other, each timed."""

    rows: int
    parts: int
    events: int
    seconds: dict[str, float]  # stage → s

    @property
    def total_s(self) -> float:
        return sum(self.seconds.values())


@dataclass(frozen=True)
class FactoryResult:
    scenario: str
    rows: int
    seconds: float
    status: str
    job_id: int
    run_id: int | None
    shards: int
    compute_s: float | None
    write_s: float | None
    error: str | None
    memory: PeakMemory | None = None
    attempts: tuple[float, ...] = ()  # every measurement, s; `seconds` is the best

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds


@dataclass(frozen=True)
class LatencyStats:
    path: str
    requests: int
    p50_ms: float
    p99_ms: float
    max_ms: float

    @staticmethod
    def of(path: str, seconds: Sequence[float]) -> LatencyStats:
        ms = np.asarray(seconds) * 1000.0
        if ms.size == 0:
            return LatencyStats(path, 0, math.nan, math.nan, math.nan)
        p50, p99 = np.percentile(ms, [50, 99])
        return LatencyStats(path, int(ms.size), float(p50), float(p99), float(ms.max()))


@dataclass(frozen=True)
class ServerJob:
    """The job that kept the server busy, as the server reported it."""

    job_id: int
    rows: int
    status: str
    seconds: float | None
    compute_s: float | None
    write_s: float | None
    error: str | None
    memory: PeakMemory | None


@dataclass(frozen=True)
class LatencyResult:
    run_id: int
    idle: dict[str, LatencyStats]  # by label: "telemetry", "health"
    busy: dict[str, LatencyStats] | None = None
    job: ServerJob | None = None
    live_idle: CadenceStats | None = None  # the live machine's samples on GET /api/stream
    live_busy: CadenceStats | None = None


@dataclass
class BenchReport:
    database: DatabaseInfo
    options: BenchOptions
    engine: list[Figure] = field(default_factory=list)
    copy: list[CopyResult] = field(default_factory=list)
    factory: list[FactoryResult] = field(default_factory=list)
    latency: LatencyResult | None = None
    job_floor: FactoryResult | None = None  # a 1-row job: what every job costs at least
    breakdown: Breakdown | None = None
    cleanup_s: float | None = None
    load_start: float | None = None  # 1-minute load average: was the machine quiet?
    load_end: float | None = None

    def caption(self) -> str:
        cpus = os.cpu_count()
        load = f"load average {self.load_start:.2f} → {self.load_end:.2f} on {cpus} CPUs; "
        return (
            load if self.load_start is not None and self.load_end is not None else ""
        ) + f"small sizes best of {self.options.repeats}; ✓/✗: target met or missed"

    def figures(self) -> list[Figure]:
        return [
            *self.engine,
            *_copy_figures(self),
            *_factory_figures(self),
            *_latency_figures(self),
        ]

    def as_json(self) -> dict[str, Any]:
        """Everything measured, as strict JSON data (a figure not measured is null)."""

        def with_rate(item: CopyResult | FactoryResult) -> dict[str, Any]:
            return {**asdict(item), "rows_per_s": round(item.rows_per_s, 1)}

        data: dict[str, Any] = finite_json(
            {
                "database": {
                    "kind": self.database.kind,
                    "server_version": self.database.server_version,
                    "url": self.database.display,
                },
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                "options": asdict(self.options),
                "figures": [asdict(f) for f in self.figures()],
                "copy": [with_rate(c) for c in self.copy],
                "factory": [with_rate(f) for f in self.factory],
                "job_floor_s": self.job_floor.seconds if self.job_floor else None,
                "breakdown": asdict(self.breakdown) if self.breakdown else None,
                "latency": asdict(self.latency) if self.latency else None,
                "cleanup_s": self.cleanup_s,
                "load_average": {"start": self.load_start, "end": self.load_end},
            }
        )
        return data


# --- figures for the table ------------------------------------------------------------------------


def _copy_at(report: BenchReport, rows: int) -> CopyResult | None:
    return next((c for c in report.copy if c.rows == rows), None)


def _copy_figures(report: BenchReport) -> list[Figure]:
    return [
        Figure(
            f"COPY ceiling, {c.rows:,} rows",
            c.rows_per_s,
            "rows/s",
            "the ceiling",
            f"{c.seconds:.3g} s; {c.connections} connections, {c.transaction_rows:,}-row "
            f"transactions of {c.chunk_rows:,}-row COPYs" + _spread(c.attempts),
            key=f"copy.{c.rows}.rows_per_s",
        )
        for c in report.copy
    ]


def _spread(attempts: Sequence[float]) -> str:
    if len(attempts) < 2:
        return ""
    return f"; best of {len(attempts)}, median {float(np.median(attempts)):.3g} s"


def _mb(n: int) -> str:
    return f"{n / 1e6:,.0f} MB"


def _breakdown_figures(b: Breakdown) -> list[Figure]:
    per_1m = 1e6 / b.rows
    figures = [
        Figure(
            "where a worker's time goes, per 1,000,000 rows",
            b.total_s * per_1m,
            "s",
            "",
            f"one process, stage after stage: {b.rows:,} rows, {b.parts:,} parts, "
            f"{b.events:,} events",
            key="breakdown.total_s_per_1m",
        )
    ]
    for stage, seconds in b.seconds.items():
        figures.append(
            Figure(
                f"  {stage}",
                seconds * per_1m,
                "s",
                "",
                f"{seconds / b.total_s:.0%}",
                key=f"breakdown.{stage.replace(' ', '_')}_s_per_1m",
            )
        )
    return figures


def _factory_figures(report: BenchReport) -> list[Figure]:
    figures: list[Figure] = _breakdown_figures(report.breakdown) if report.breakdown else []
    if report.job_floor is not None:
        figures.append(
            Figure(
                "factory, a 1-row job (fixed cost of every job)",
                report.job_floor.seconds,
                "s",
                "",
                "job + run rows, a shard on the pool (its connection kept), COPY, commit, count",
                key="factory.job_floor.seconds",
            )
        )
    for f in report.factory:
        normal = f.scenario == "normal_production"
        small = normal and f.rows == TARGET_SMALL_ROWS
        large = normal and f.rows == TARGET_LARGE_ROWS
        key = f"factory.{f.scenario}.{f.rows}"
        ok = f.status == "succeeded"
        limit = TARGET_SMALL_S if small else TARGET_LARGE_S if large else None
        note = (
            f"{f.rows_per_s:,.0f} rows/s; {f.shards} shards, CPU-s: compute "
            f"{f.compute_s or 0:.2f}, write {f.write_s or 0:.2f}" + _spread(f.attempts)
            if ok
            else f"job {f.job_id} {f.status}: {f.error}"
        )
        figures.append(
            Figure(
                f"factory {f.rows:,} rows, {f.scenario}",
                f.seconds,
                "s",
                f"≤ {limit:g} s" if limit else "",
                note,
                met=(ok and f.seconds <= limit) if limit else (None if ok else False),
                key=f"{key}.seconds",
            )
        )
        ceiling = _copy_at(report, f.rows)
        if ceiling is not None and ok:
            ratio = f.rows_per_s / ceiling.rows_per_s
            figures.append(
                Figure(
                    f"  factory / COPY, {f.rows:,} rows, {f.scenario}",
                    ratio * 100,
                    "%",
                    f"≥ {TARGET_SMALL_RATIO * 100:.0f} %" if small else "",
                    f"{f.rows_per_s:,.0f} / {ceiling.rows_per_s:,.0f} rows/s",
                    met=ratio >= TARGET_SMALL_RATIO if small else None,
                    key=f"{key}.copy_ratio",
                )
            )
        if f.memory is not None:
            figures.append(_memory_figure(f"  peak memory, {f.scenario}", f.memory, large, key))
    return figures


def _memory_figure(name: str, m: PeakMemory, target: bool, key: str) -> Figure:
    return Figure(
        name,
        m.total_bytes / 1e9,
        "GB",
        "< 1 GB" if target else "",
        f"RSS: coordinator {_mb(m.coordinator_bytes)} + {m.workers} children "
        f"{_mb(m.workers_bytes)}; {m.samples} samples",
        met=m.total_bytes < TARGET_PEAK_BYTES if target else None,
        key=f"{key}.peak_memory_gb",
    )


def _latency_figures(report: BenchReport) -> list[Figure]:
    lat = report.latency
    if lat is None:
        return []
    figures: list[Figure] = []
    label = {
        "telemetry": f"GET /api/telemetry ({DASHBOARD_LIMIT} rows)",
        "health": "GET /api/health",
    }
    busy_rows = f"{lat.job.rows:,}-row job" if lat.job else "job"
    for name, idle in lat.idle.items():
        dashboard = name == "telemetry"
        target = f"≤ {TARGET_P99_MS:g} ms" if dashboard else ""
        figures.append(
            Figure(
                f"{label[name]} p50, idle",
                idle.p50_ms,
                "ms",
                "",
                f"{idle.requests} sequential requests",
                key=f"latency.{name}.idle.p50_ms",
            )
        )
        figures.append(
            Figure(
                f"{label[name]} p99, idle",
                idle.p99_ms,
                "ms",
                target,
                f"max {idle.max_ms:.3g} ms",
                met=idle.p99_ms <= TARGET_P99_MS if dashboard else None,
                key=f"latency.{name}.idle.p99_ms",
            )
        )
        busy = (lat.busy or {}).get(name)
        if busy is None:
            continue
        figures.append(
            Figure(
                f"{label[name]} p50, {busy_rows} running",
                busy.p50_ms,
                "ms",
                "",
                f"×{busy.p50_ms / idle.p50_ms:.2f} idle; {busy.requests} requests",
                key=f"latency.{name}.busy.p50_ms",
            )
        )
        figures.append(
            Figure(
                f"{label[name]} p99, {busy_rows} running",
                busy.p99_ms,
                "ms",
                target,
                f"×{busy.p99_ms / idle.p99_ms:.2f} idle; max {busy.max_ms:.3g} ms",
                met=busy.p99_ms <= TARGET_P99_MS if dashboard else None,
                key=f"latency.{name}.busy.p99_ms",
            )
        )
    for when, live in (("idle", lat.live_idle), (f"{busy_rows} running", lat.live_busy)):
        if live is not None:
            figures.append(_cadence_figure(when, live))
    job = lat.job
    if job is not None:
        ok = job.status == "succeeded" and job.seconds is not None
        note = (
            f"{job.rows / job.seconds:,.0f} rows/s; CPU-s: compute {job.compute_s or 0:.2f}, "
            f"write {job.write_s or 0:.2f}"
            if ok and job.seconds
            else f"job {job.job_id} {job.status}: {job.error}"
        )
        figures.append(
            Figure(
                f"factory {job.rows:,} rows via POST /api/jobs, in the server",
                job.seconds if job.seconds is not None else math.nan,
                "s",
                "",
                note,
                met=None if ok else False,
                key="latency.server_job.seconds",
            )
        )
        if job.memory is not None:
            figures.append(
                _memory_figure(
                    "  peak memory, server + its workers",
                    job.memory,
                    job.rows == TARGET_LARGE_ROWS,
                    "latency.server_job",
                )
            )
    return figures


def _cadence_figure(when: str, c: CadenceStats) -> Figure:
    hz = f"{1 / c.period_s:g} Hz"
    return Figure(
        f"live {hz} samples on /api/stream, {when}",
        c.late_max_s * 1000,
        "ms",
        f"late < {c.period_s * 1000:g} ms, none lost",
        f"latest behind its slot; {c.samples} samples, max gap {c.interval_max_s:.2f} s, "
        f"{c.missing} lost",
        met=c.late_max_s < c.period_s and c.missing == 0,
        key=f"latency.live.{'idle' if when == 'idle' else 'busy'}.late_max_ms",
    )


def format_value(fig: Figure) -> str:
    if math.isnan(fig.value):
        return "—"
    if fig.unit == "rows/s":
        return f"{fig.value:,.0f} rows/s"
    if fig.unit == "%":
        return f"{fig.value:.0f} %"
    return f"{fig.value:.3g} {fig.unit}"


def figures_table(figures: Sequence[Figure], title: str, caption: str | None = None) -> Table:
    table = Table("figure", "value", "target", "note", title=title, caption=caption)
    for fig in figures:
        mark = {True: "[green]✓[/] ", False: "[bold red]✗[/] ", None: ""}[fig.met]
        table.add_row(fig.name, format_value(fig), mark + fig.target, fig.note)
    return table


# --- the run --------------------------------------------------------------------------------------


def server_env(settings: Settings, database: DatabaseInfo) -> dict[str, str]:
    """Environment for `induction-sim serve` on the same database: the same SIM_DATA_DIR (it
    joins the running embedded server), or the same DATABASE_URL."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SIM_DATABASE_URL")}
    if database.kind == "embedded":
        env["SIM_DATA_DIR"] = str(settings.data_dir.resolve())
    else:
        env["DATABASE_URL"] = database.url
    return env


async def run_bench(
    database: DatabaseInfo,
    options: BenchOptions,
    env: Mapping[str, str],
    say: Callable[[str], None] = lambda _: None,
    report: BenchReport | None = None,
) -> BenchReport:
    """COPY ceiling, factory and API latency on `database`; cleans up after itself."""
    report = report or BenchReport(database, options)
    small, large = options.small_rows, options.large_rows
    sizes = [(small, options.repeats)] + ([] if options.quick else [(large, 1)])
    report.load_start = os.getloadavg()[0]
    made = Made()
    engine = create_engine(database.url, pool_size=2)
    try:
        say(f"where a worker's time goes: {small:,} rows in one process, stage by stage")
        report.breakdown = await _breakdown(engine, small, options.seed, made)
        plan = [(CEILING_SCENARIO, n, r) for n, r in sizes]
        if not options.quick and options.mixed:
            plan.append(("mixed_faults", large, 1))
        report.job_floor, report.factory, report.copy = await _factory_runs(
            engine, database.url, plan, options, made, say
        )
        dashboard_run = next(
            (f.run_id for f in report.factory if f.status == "succeeded" and f.run_id), None
        )
        if dashboard_run is None:
            raise BenchError("no factory job succeeded: no completed run for the dashboard request")
        report.latency = await _latency_in_thread(env, dashboard_run, options, made, say)
    finally:
        say("cleaning up: bench runs, jobs and the bench table")
        started = time.perf_counter()
        await _cleanup(engine, made)
        report.cleanup_s = time.perf_counter() - started
        report.load_end = os.getloadavg()[0]
        await engine.dispose()
    return report


async def _in_process(fn: Callable[..., Any], *args: Any) -> Any:
    """`fn(*args)` in a fresh spawned process."""
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        return await asyncio.wrap_future(pool.submit(fn, *args))


async def _checkpoint(engine: AsyncEngine) -> None:
    """Start a measurement with nothing left to flush from the previous one (best effort)."""
    with suppress(SQLAlchemyError):
        async with engine.connect() as conn:
            auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await auto.execute(text("CHECKPOINT"))


async def _cleanup(engine: AsyncEngine, made: Made) -> None:
    async with engine.begin() as conn:
        if not made.jobs and not made.runs:
            return
        found = await conn.execute(
            text("SELECT run_id FROM generation_jobs WHERE id = ANY(:ids)"), {"ids": made.jobs}
        )
        run_ids = sorted({r for (r,) in found if r is not None} | set(made.runs))
        await conn.execute(
            text("DELETE FROM generation_jobs WHERE id = ANY(:ids)"), {"ids": made.jobs}
        )
        await runs_repo.delete_runs(conn, run_ids)
    # Make the space reusable now and give the tables' freed tails back (best effort; index
    # files keep their size, their pages are reused by later inserts).
    with suppress(SQLAlchemyError):
        async with engine.connect() as conn:
            auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await auto.execute(text("VACUUM telemetry, parts, machine_events"))


# --- (a) the COPY ceiling, in a process of its own ------------------------------------------------


async def _ceiling(
    engine: AsyncEngine, url: str, rows: int, options: BenchOptions, made: Made
) -> float:
    """One COPY-ceiling measurement of `rows` rows into `telemetry`, in a fresh process."""
    async with engine.begin() as conn:
        run_id = await runs_repo.create_run(
            conn,
            kind="batch",
            start_sim=BUILTIN[CEILING_SCENARIO].start_sim,
            recipe=None,
            scenario=None,
            seed=options.seed,
            rows_expected=None,
        )
        await runs_repo.finish_run(conn, run_id, "failed", "induction-sim bench: COPY ceiling rows")
    made.runs.append(run_id)
    await _checkpoint(engine)
    return float(
        await _in_process(_copy_ceiling_process, url, rows, run_id, options.workers, options.seed)
    )


def _copy_ceiling_process(url: str, rows: int, run_id: int, connections: int, seed: int) -> float:
    return asyncio.run(_copy_ceiling(url, rows, run_id, connections, seed))


async def _copy_ceiling(url: str, rows: int, run_id: int, connections: int, seed: int) -> float:
    """Wall time of COPY + commit of a `rows`-row job's telemetry, payloads encoded first."""
    shards = _ceiling_payloads(rows, run_id, seed)
    engine = create_engine(url, pool_size=connections)
    try:
        return await _copy_shards(engine, shards, connections)
    finally:
        await engine.dispose()


def _ceiling_payloads(rows: int, run_id: int, seed: int) -> list[list[memoryview]]:
    """COPY payloads of a `rows`-row normal-production job, shard by shard, chunk by chunk as
    the factory cuts them: real engine chunks of one shift, re-stamped with each shard's seq."""
    scenario = BUILTIN[CEILING_SCENARIO]
    machine = Machine(scenario.machine_config(rows, seed, 0))
    template_rows = min(rows, scenario.shift_rows)
    template: list[SampleChunk] = []
    while (made := sum(c.size for c in template)) < template_rows:
        template.append(machine.advance(min(CHUNK_ROWS, template_rows - made)))
    shards = []
    for k in range(scenario.shards(rows)):
        first, count = shard_rows(scenario, rows, k)
        payloads, done = [], 0
        for chunk in template:
            n = min(chunk.size, count - done)
            if n <= 0:
                break
            columns = {name: values[:n] for name, values in chunk.columns.items()}
            columns["seq"] = columns["seq"] + first
            true_values = {name: values[:n] for name, values in chunk.true_values.items()}
            payloads.append(telemetry_payload(run_id, scenario.start_sim, columns, true_values))
            done += n
        shards.append(payloads)
    return shards


async def _copy_shards(
    engine: AsyncEngine, shards: list[list[memoryview]], connections: int
) -> float:
    """Wall time of COPY + commit of every shard, `connections` connections taking the next."""
    names = TELEMETRY_FORMAT.names
    conns = [await engine.connect() for _ in range(connections)]
    try:
        for conn in conns:  # connected and checked before the clock starts
            await conn.execute(text("SELECT 1"))
            await conn.commit()
        queue = iter(shards)

        async def feed(conn: AsyncConnection) -> None:
            for payloads in queue:  # shared: each connection takes the next shard
                async with conn.begin():
                    for payload in payloads:
                        await copy_payload(conn, "telemetry", names, payload)

        started = time.perf_counter()
        await asyncio.gather(*(feed(conn) for conn in conns))
        return time.perf_counter() - started
    finally:
        for conn in conns:
            await conn.close()


# --- (b) the factory: where the time goes, then whole jobs ----------------------------------------


async def _breakdown(engine: AsyncEngine, rows: int, seed: int, made: Made) -> Breakdown:
    """What a shard does (`drivers/shard.py`), for a `rows`-row normal-production run, in this
    process with every stage timed on its own: no parallelism, no overlap, no contention."""
    scenario = BUILTIN["normal_production"]
    await _checkpoint(engine)
    async with engine.begin() as conn:
        run_id = await runs_repo.create_batch_run(
            conn, scenario.model_dump(mode="json"), scenario.start_sim, seed, rows
        )
    made.runs.append(run_id)
    stages = (
        "warm-up",
        "engine",
        "encode",
        "COPY telemetry",
        "COPY parts",
        "COPY events",
        "commit",
    )
    watch = Stopwatch(dict.fromkeys(stages, 0.0))
    parts = events = 0
    for k in range(scenario.shards(rows)):
        _, total = shard_rows(scenario, rows, k)
        watch.start()
        machine = scenario.shard_machine(rows, seed, k)  # the previous shift's end, replayed
        watch.lap("warm-up")
        done = 0
        async with engine.begin() as conn:
            while done < total:
                watch.start()
                chunk = machine.advance(min(CHUNK_ROWS, total - done))
                watch.lap("engine")
                await records.write_chunk(conn, run_id, scenario.start_sim, chunk, watch.lap)
                done += chunk.size
                parts += len(chunk.parts)
                events += len(chunk.events)
            watch.start()
        watch.lap("commit")
    seconds = watch.seconds
    return Breakdown(rows, parts, events, seconds)


@dataclass
class Stopwatch:
    """Seconds per stage: `lap(stage)` books the time since the previous lap (or `start`)."""

    seconds: dict[str, float]
    _last: float = 0.0

    def start(self) -> None:
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] += now - self._last
        self._last = now


class PeakRss:
    """Peak summed RSS of a process and its descendants (not PostgreSQL's), sampled by a thread
    every `interval_s` while the `with` block runs."""

    def __init__(self, pid: int, interval_s: float = 0.05) -> None:
        self.pid = pid
        self.interval_s = interval_s
        self.samples = 0
        self._peak = (0, 0, 0, 0)  # total, coordinator, workers, worker count
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="peak-rss")

    @property
    def peak(self) -> PeakMemory:
        return PeakMemory(*self._peak, samples=self.samples)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        root = psutil.Process(self.pid)
        while True:
            self._sample(root)
            if self._stop.wait(self.interval_s):
                return

    def _sample(self, root: psutil.Process) -> None:
        try:
            coordinator = root.memory_info().rss
            children = root.children(recursive=True)
        except psutil.Error:
            return
        workers = count = 0
        for child in children:
            try:
                if child.name().startswith(("postgres", "pg_ctl")):
                    continue
                workers += child.memory_info().rss
                count += 1
            except psutil.Error:
                continue  # ended between listing and reading
        self.samples += 1
        if coordinator + workers > self._peak[0]:
            self._peak = (coordinator + workers, coordinator, workers, count)


async def _factory_runs(
    engine: AsyncEngine,
    url: str,
    plan: list[tuple[str, int, int]],
    options: BenchOptions,
    made: Made,
    say: Callable[[str], None],
) -> tuple[FactoryResult, list[FactoryResult], list[CopyResult]]:
    """The fixed cost of a job (best 1-row job); (scenario, rows, repeats) → best job; and the
    COPY ceiling, measured right before each `CEILING_SCENARIO` job (the table in its state)."""
    factory = Factory(engine, url, workers=options.workers)
    factory.start()
    try:
        # Warm the pool as a server's is after its first jobs: two tiny jobs of 2 shards per
        # worker spawn and import every worker and open its connection; two jobs of the small
        # size run its full chunk sizes (without them, the first timed 50,000-row job was the
        # slowest of three in 5 of 5 runs, by 10-50 %).
        say(f"factory: warming up {options.workers} worker processes")
        warm = Scenario(name="bench-warm-up", shift_h=0.25)
        normal = BUILTIN[CEILING_SCENARIO]
        for _ in range(2):
            await _factory_job(factory, engine, warm, warm.shift_rows * 2 * options.workers, made)
        for _ in range(2):
            await _factory_job(factory, engine, normal, options.small_rows, made)
        floors = [await _factory_job(factory, engine, normal, 1, made) for _ in range(3)]
        results, ceilings = [], []
        for name, rows, repeats in plan:
            with_ceiling = name == CEILING_SCENARIO
            say(
                f"{'COPY ceiling and ' if with_ceiling else ''}factory: {rows:,} rows of {name}"
                + (f", {repeats} times" if repeats > 1 else "")
            )
            attempts, ceiling = [], []
            for _ in range(repeats):
                if with_ceiling:
                    ceiling.append(await _ceiling(engine, url, rows, options, made))
                await _checkpoint(engine)
                if rows >= options.large_rows:
                    with PeakRss(os.getpid()) as peak:
                        result = await _factory_job(factory, engine, BUILTIN[name], rows, made)
                    result = replace(result, memory=peak.peak)
                else:
                    result = await _factory_job(factory, engine, BUILTIN[name], rows, made)
                attempts.append(result)
            best = min(attempts, key=lambda r: (r.status != "succeeded", r.seconds))
            results.append(replace(best, attempts=tuple(r.seconds for r in attempts)))
            if ceiling:
                ceilings.append(
                    CopyResult(
                        rows,
                        min(ceiling),
                        options.workers,
                        normal.shift_rows,
                        CHUNK_ROWS,
                        tuple(ceiling),
                    )
                )
        return min(floors, key=lambda r: r.seconds), results, ceilings
    finally:
        await factory.close()


async def _factory_job(
    factory: Factory, engine: AsyncEngine, scenario: Scenario, rows: int, made: Made
) -> FactoryResult:
    """One job from creation to its recorded outcome (all shards committed and counted)."""
    started = time.perf_counter()
    job_id = (await factory.create(scenario, rows, 0)).id
    made.jobs.append(job_id)
    await factory.run(job_id)
    seconds = time.perf_counter() - started
    async with engine.connect() as conn:
        job = await jobs_repo.get_job(conn, job_id)
    assert job is not None  # created above; jobs are deleted only at the bench's clean-up
    return FactoryResult(
        scenario=scenario.name,
        rows=rows,
        seconds=seconds,
        status=job.status,
        job_id=job_id,
        run_id=job.run_id,
        shards=job.shards,
        compute_s=job.compute_s,
        write_s=job.write_s,
        error=job.error,
    )


# --- (c) API latency against the real server ------------------------------------------------------


async def _latency_in_thread(
    env: Mapping[str, str],
    run_id: int,
    options: BenchOptions,
    made: Made,
    say: Callable[[str], None],
) -> LatencyResult:
    """Blocking HTTP in a thread; if this task is cancelled, the thread is told to stop and
    awaited, so the server is down before anything deletes its rows."""
    stop = threading.Event()
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="bench-http") as pool:
        future = pool.submit(api_latency, env, run_id, options, made, say, stop)
        try:
            return await asyncio.wrap_future(future)
        finally:
            stop.set()
            await asyncio.to_thread(concurrent.futures.wait, [future], 120)


def api_latency(
    env: Mapping[str, str],
    run_id: int,
    options: BenchOptions,
    made: Made,
    say: Callable[[str], None],
    stop: threading.Event,
) -> LatencyResult:
    paths = {
        "telemetry": f"/api/telemetry?run_id={run_id}&limit={DASHBOARD_LIMIT}",
        "health": "/api/health",
    }
    say("API: starting induction-sim serve on the same database")
    with server(env, stop) as (proc, host, port):
        client = Client(host, port, env.get("SIM_OPERATOR_TOKEN"))
        cadence: Cadence | None = None
        try:
            deadline = time.monotonic() + options.settle_s
            warm = 0
            while warm < 10 or time.monotonic() < deadline:  # workers spawn; caches fill
                for path in paths.values():
                    client.get(path)
                warm += 1
            live = client.get_json("/api/machine", missing_ok=True)
            if live is not None:  # the server runs the live machine: its run is bench data too
                made.runs.append(int(live["run_id"]))
                cadence = Cadence(host, port, 1.0 / float(live["speed"]))
            say(f"API: {options.requests} sequential requests per endpoint, idle")
            idle_from = time.monotonic()
            idle = _sample(client, paths, options.requests, stop)
            idle_live = cadence.stats(idle_from, time.monotonic()) if cadence else None
            if options.quick:
                return LatencyResult(run_id, idle, live_idle=idle_live)
            rows = options.large_rows
            say(f"API: the same requests while a {rows:,}-row job runs in the server")
            with PeakRss(proc.pid) as peak:
                busy_from = time.monotonic()
                started = client.post(
                    "/api/jobs", {"scenario": "normal_production", "rows": rows, "seed": 0}
                )
                job_id = int(started["id"])
                made.jobs.append(job_id)
                busy, view = _sample_while(client, paths, job_id, options, stop)
                busy_live = cadence.stats(busy_from, time.monotonic()) if cadence else None
            return LatencyResult(
                run_id, idle, busy, _server_job(view, peak.peak), idle_live, busy_live
            )
        finally:
            client.close()
            if cadence is not None:
                cadence.close()


def _server_job(view: dict[str, Any], memory: PeakMemory) -> ServerJob:
    seconds = None
    if view.get("started_at") and view.get("finished_at"):
        seconds = (
            datetime.fromisoformat(view["finished_at"]) - datetime.fromisoformat(view["started_at"])
        ).total_seconds()
    return ServerJob(
        job_id=int(view["id"]),
        rows=int(view["rows_requested"]),
        status=str(view["status"]),
        seconds=seconds,
        compute_s=view.get("compute_s"),
        write_s=view.get("write_s"),
        error=view.get("error"),
        memory=memory,
    )


def _sample(
    client: Client, paths: Mapping[str, str], n: int, stop: threading.Event
) -> dict[str, LatencyStats]:
    seconds: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(n):
        if stop.is_set():
            raise BenchError("stopped")
        for name, path in paths.items():
            seconds[name].append(client.get(path))
    return {name: LatencyStats.of(paths[name], s) for name, s in seconds.items()}


def _sample_while(
    client: Client,
    paths: Mapping[str, str],
    job_id: int,
    options: BenchOptions,
    stop: threading.Event,
) -> tuple[dict[str, LatencyStats], dict[str, Any]]:
    """Requests back to back while the job is active (its status polled every 0.25 s, those
    polls not counted); cancels the job if it outlasts `busy_max_s`."""
    seconds: dict[str, list[float]] = {name: [] for name in paths}
    deadline = time.monotonic() + options.busy_max_s
    next_poll = 0.0
    view: dict[str, Any] = {}
    while True:
        if stop.is_set():
            raise BenchError("stopped")
        now = time.monotonic()
        if now >= next_poll:
            view = client.get_json(f"/api/jobs/{job_id}")
            if view["status"] not in ACTIVE_JOB:
                break
            next_poll = now + 0.25
        if now >= deadline:
            client.post(f"/api/jobs/{job_id}/cancel", {"reason": "bench deadline"})
            deadline = math.inf
        if min(len(s) for s in seconds.values()) >= options.busy_requests:
            time.sleep(0.05)
            continue
        for name, path in paths.items():
            seconds[name].append(client.get(path))
    return {name: LatencyStats.of(paths[name], s) for name, s in seconds.items()}, view
