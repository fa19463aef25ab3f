"""The data factory: generation jobs split into shards, run by a pool of worker processes.

The API process only coordinates: it records the job, hands shards to the pool (CPU work never
runs on the event loop), follows their progress through a queue, and declares the outcome
honestly — `succeeded` only once every shard has committed and the row count in PostgreSQL equals
what was asked; a failed or cancelled job marks its run so. Each job holds a lease (an advisory
lock) while its process runs it, so jobs whose process died are found and marked interrupted.
A shard that loses its connection is run again once the database is back (it committed nothing,
or — if the connection broke in its commit — its rows are found and it is not run again).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy.engine import Row
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from induction_sim.drivers.shard import (
    ShardConnectionLostError,
    ShardResult,
    ShardSpec,
    ShardStorageError,
    run_shard,
    shard_rows,
)
from induction_sim.machine.faults import FaultInstance
from induction_sim.machine.scenario import Scenario
from induction_sim.storage import records
from induction_sim.storage.database import out_of_storage, worth_retrying
from induction_sim.storage.job_leases import JobLeases
from induction_sim.storage.repositories import jobs
from induction_sim.storage.repositories import runs as runs_repo
from induction_sim.storage.repositories import telemetry as telemetry_repo

T = TypeVar("T")

# How long a job waits for a lost database to come back before it fails, and how often it looks.
RETRY_WINDOW_S = 90.0
RETRY_PAUSE_S = (0.5, 1.0, 2.0, 4.0)  # then every 4 s
SWEEP_PERIOD_S = 15.0  # how often jobs left running by a dead process are marked interrupted
WORKER_NICENESS = 10  # Linux CFS weight 110 against the server's 1024 (sched/core.c prio table)
PARENT_POLL_S = 0.5  # how often a worker checks that its parent (the server or CLI) still lives

log = logging.getLogger(__name__)


def _retry_pause_s(attempt: int) -> float:
    return RETRY_PAUSE_S[min(attempt, len(RETRY_PAUSE_S) - 1)]


_progress_queue: Any = None  # set in each worker process by `_init_worker`


def _init_worker(progress_queue: Any, parent_pid: int) -> None:
    global _progress_queue
    _progress_queue = progress_queue
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()
    # Generation is background work: when the server answers a dashboard or ticks the live
    # machine, the scheduler gives it the CPU first (idle cores still go to the workers).
    os.nice(WORKER_NICENESS)
    # This module's imports brought the engine and its libraries: frozen, their ~140,000 objects
    # are skipped by every full garbage collection (seen: 70 ms pauses mid-shard without this).
    gc.freeze()


def _exit_with_parent(parent_pid: int) -> None:
    """End this worker once the process that started it is gone: a server killed with SIGKILL
    tells nobody, and its workers would go on committing shards of a job already marked
    interrupted, then idle forever. The shard in progress rolls back with its connection."""
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_S)
    os._exit(1)


def _worker(spec: ShardSpec) -> ShardResult:
    def report(shard: int, rows: int) -> None:
        _progress_queue.put((spec.job_id, shard, rows))

    return run_shard(spec, report)


def _warm_up() -> None:
    """Nothing: submitted once per worker at start, so that the pool spawns its workers (which
    import the engine) before the first job needs them."""


# Bounds on what one job may ask for: a tiny body must not turn into unbounded work.
MAX_SHARDS_PER_JOB = 2_000  # futures, progress entries and scenario copies per job
MAX_FAULTS_PER_JOB = 10_000  # expanded fault instances (rows of fault_injections, engine lists)
SHUTDOWN_REASON = "cancelled: the server is shutting down"


def _expected_faults(scenario: Scenario, rows: int) -> float:
    """About how many fault instances a scenario's rules make over `rows` s (Poisson mean)."""
    hours = rows / 3600.0
    return sum(r.rate_per_h * hours if r.rate_per_h else 1.0 for r in scenario.faults)


class JobRefusedError(Exception):
    """A job that will not be accepted; `field` names what to change (a 422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class QueueFullError(Exception):
    """Every slot and queue place is taken (a 429); `retry_after_s` is a fair wait."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


@dataclass
class JobPlan:
    """What a job was accepted with, kept in memory until it ends."""

    scenario: Scenario
    rows: int
    seed: int
    faults: tuple[FaultInstance, ...]
    cancel_reason: str | None = None  # set by a cancel while it waits for a slot


@dataclass
class JobProgress:
    job_id: int
    rows_requested: int
    shards: int
    started: float = field(default_factory=time.monotonic)
    rows_by_shard: dict[int, int] = field(default_factory=dict)
    futures: list[Future[ShardResult]] = field(default_factory=list)
    cancel_reason: str | None = None

    @property
    def cancel_requested(self) -> bool:
        return self.cancel_reason is not None

    @property
    def rows_done(self) -> int:
        return sum(self.rows_by_shard.values())

    def rates(self) -> tuple[float, float | None]:
        """(rows/s so far, seconds to go)."""
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = self.rows_done / elapsed
        left = self.rows_requested - self.rows_done
        return rate, (left / rate if rate > 0 else None)


class Factory:
    def __init__(
        self,
        engine: AsyncEngine,
        database_url: str,
        workers: int = 2,
        concurrent_jobs: int = 2,
        queued_jobs: int | None = None,
    ) -> None:
        self.engine = engine
        self._slots = asyncio.Semaphore(concurrent_jobs)  # more jobs wait, visibly "queued"
        # accepted, unfinished jobs of this process at most (None: no limit, for the CLI)
        self._capacity = None if queued_jobs is None else concurrent_jobs + queued_jobs
        self._reserved = 0  # places taken by submissions still being recorded
        self.database_url = database_url
        self.workers = workers
        self.plans: dict[int, JobPlan] = {}  # accepted here and not ended yet
        self.running: dict[int, JobProgress] = {}
        self.leases = JobLeases(database_url)
        self._pool: ProcessPoolExecutor | None = None
        self._queue: Any = None
        self._reader: threading.Thread | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        # ends that could not be recorded yet (database full or away): retried by the sweep,
        # the lease kept meanwhile so nobody relabels the job "interrupted"
        self._unrecorded: dict[int, Callable[[], Awaitable[None]]] = {}
        self.on_change: Callable[[int], None] | None = None  # told when a job's status moves
        self.retry_window_s = RETRY_WINDOW_S
        self.storage_failure: tuple[float, str] | None = None  # (monotonic s, why) of the last

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        """Start the worker pool (spawned processes: safe next to threads and an event loop)."""
        context = multiprocessing.get_context("spawn")
        self._queue = context.Queue()
        self._pool = ProcessPoolExecutor(
            self.workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(self._queue, os.getpid()),
        )
        for _ in range(self.workers):
            self._pool.submit(_warm_up)
        self._reader = threading.Thread(target=self._read_progress, daemon=True)
        self._reader.start()
        self._spawn(self._sweep(), "job-sweep")

    def _spawn(self, work: Awaitable[None], name: str) -> None:
        task = asyncio.ensure_future(work)
        task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _changed(self, job_id: int) -> None:
        if self.on_change is not None:
            self.on_change(job_id)

    async def _sweep(self) -> None:
        """Keep this process's leases alive, record ends that could not be recorded, and mark
        jobs whose process died (a CLI killed mid-job, another server) interrupted."""
        while True:
            await asyncio.sleep(SWEEP_PERIOD_S)
            await self.sweep_once()

    async def sweep_once(self) -> None:
        await self.leases.renew()
        for job_id, record in list(self._unrecorded.items()):
            try:
                await record()
            except Exception as exc:
                log.warning("job %s: its end is still not recorded (%s)", job_id, exc)
                continue
            del self._unrecorded[job_id]
            await self.leases.release(job_id)
            self._changed(job_id)
        try:
            async with self.engine.begin() as conn:
                swept = await jobs.mark_interrupted_jobs(conn, keep=sorted(self.leases.held))
            if swept:
                log.warning("%d job(s) of a process that stopped were swept", swept)
        except SQLAlchemyError as exc:
            log.warning("job sweep skipped: %s", exc)

    async def close(self) -> None:
        for progress in self.running.values():
            progress.cancel_reason = progress.cancel_reason or SHUTDOWN_REASON
            for f in progress.futures:
                f.cancel()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for job_id in list(self.plans):  # accepted here, never launched
            await self._end(job_id, None, "cancelled", SHUTDOWN_REASON)
        await self.leases.close()
        if self._pool is not None:
            await asyncio.to_thread(self._pool.shutdown, wait=True, cancel_futures=True)
        if self._queue is not None:
            self._queue.put(None)  # stops the reader thread

    def _read_progress(self) -> None:
        assert self._queue is not None
        while True:
            item = self._queue.get()
            if item is None:
                return
            job_id, shard, rows = item
            progress = self.running.get(job_id)
            if progress is not None:
                progress.rows_by_shard[shard] = rows  # a dict write: safe across threads

    # --- accepting jobs ---------------------------------------------------------------------

    async def create(self, scenario: Scenario, rows: int, seed: int) -> Row[Any]:
        """Check a job's size, record it queued (leased to this process from the moment anyone
        can see it) and return its row; `launch` or `run` it next. Raises `JobRefusedError`
        (too large) or `QueueFullError` (come back later) without recording anything."""
        shards = scenario.shards(rows)
        if shards > MAX_SHARDS_PER_JOB:
            raise JobRefusedError(
                "scenario.shift_h",
                f"{rows:,} rows in shifts of {scenario.shift_h} h make {shards:,} shards; the "
                f"limit is {MAX_SHARDS_PER_JOB:,} per job (longer shifts or fewer rows)",
            )
        expected = _expected_faults(scenario, rows)
        if expected > 2 * MAX_FAULTS_PER_JOB:  # clearly too many: refused without drawing them
            raise JobRefusedError(
                "scenario.faults",
                f"the fault rules expand to about {expected:,.0f} faults over {rows:,} rows; "
                f"the limit is {MAX_FAULTS_PER_JOB:,} per job (lower rates or fewer rows)",
            )
        self._reserve()
        try:
            # a rule can expand into many instances: drawn off the event loop
            faults = await asyncio.to_thread(scenario.fault_instances, rows, seed)
            if len(faults) > MAX_FAULTS_PER_JOB:
                raise JobRefusedError(
                    "scenario.faults",
                    f"the fault rules expand to {len(faults):,} faults over {rows:,} rows; the "
                    f"limit is {MAX_FAULTS_PER_JOB:,} per job (lower rates or fewer rows)",
                )
            job = await self.leases.create_job(scenario.model_dump(mode="json"), seed, rows, shards)
        finally:
            self._reserved -= 1
        self.plans[job.id] = JobPlan(scenario, rows, seed, faults)
        self._changed(job.id)
        return job

    def _reserve(self) -> None:
        """Take a place in the queue now, before any await: fifty simultaneous submissions
        cannot all see the same free place."""
        taken = len(self.plans) + self._reserved
        if self._capacity is not None and taken >= self._capacity:
            raise QueueFullError(
                f"the job queue is full ({taken} jobs accepted and not finished); retry later",
                self._retry_after_s(),
            )
        self._reserved += 1

    def _retry_after_s(self) -> int:
        etas = [eta for p in self.running.values() if (eta := p.rates()[1]) is not None]
        return int(min(max(min(etas, default=5.0), 1.0), 60.0)) + 1

    async def abandon(self, job_id: int, reason: str) -> None:
        """A job recorded but never launched (its request failed after `create`): end it."""
        await self._end(job_id, None, "failed", reason)

    async def launch(self, job_id: int) -> None:
        """Run an accepted job in the background of the event loop (kept, so shutdown can stop
        it). Called by the API's BackgroundTasks once the 202 is sent."""
        self._spawn(self.run(job_id), f"job-{job_id}")

    # --- running jobs -----------------------------------------------------------------------

    async def run(self, job_id: int) -> None:
        """Run an accepted job to its end, after waiting for a free slot. Never raises (but a
        cancel of the caller): outcomes are data."""
        plan = self.plans.get(job_id)
        if plan is None:  # ended before it started (cancelled while queued)
            return
        async with self._slots:
            if plan.cancel_reason is not None:  # ended by `cancel` while it waited
                return
            await self._run(job_id, plan)

    async def _run(self, job_id: int, plan: JobPlan) -> None:
        scenario, rows, seed = plan.scenario, plan.rows, plan.seed
        progress = JobProgress(job_id, rows, scenario.shards(rows))
        self.running[job_id] = progress
        run_id: int | None = None
        started = time.perf_counter()
        try:
            run_id = await self._start_run(job_id, plan)
            if run_id is None:
                return  # cancelled before it started: recorded by `_start_run`
            self._changed(job_id)
            results = await self._run_shards(progress, scenario, run_id, rows, seed)
            self._forget(job_id)

            async def succeed() -> None:
                assert run_id is not None
                await self._succeed(job_id, run_id, rows, results)

            try:
                await self._retrying(f"job {job_id}: recording success", succeed)
            except Exception as exc:
                if not worth_retrying(exc):
                    raise
                # every row is committed: never "failed"; the sweep records it once it can
                log.error("job %s: success not recorded yet (%s); will retry", job_id, exc)
                self._unrecorded[job_id] = succeed
                return
            await self.leases.release(job_id)
            self._changed(job_id)
            log.info("job %s: %s rows in %.2f s", job_id, rows, time.perf_counter() - started)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():  # this task itself: a shutdown
                await self._end(job_id, run_id, "cancelled", SHUTDOWN_REASON)
                raise
            # a shard future was cancelled: by a user's cancel
            await self._end(job_id, run_id, "cancelled", progress.cancel_reason or "cancelled")
        except Exception as exc:  # any failure becomes the job's recorded outcome
            await self._failed(job_id, run_id, progress, exc)
        finally:
            self.running.pop(job_id, None)

    async def _start_run(self, job_id: int, plan: JobPlan) -> int | None:
        """Create the job's run and mark it running — unless a cancel got there first (then the
        job ends cancelled and None is returned)."""
        scenario = plan.scenario
        async with self.engine.begin() as conn:
            run_id = await runs_repo.create_batch_run(
                conn, scenario.model_dump(mode="json"), scenario.start_sim, plan.seed, plan.rows
            )
            if await jobs.start_job(conn, job_id, run_id):
                await records.insert_fault_injections(
                    conn, run_id, scenario.start_sim, plan.faults, "schedule"
                )
                return run_id
            job = await jobs.get_job(conn, job_id)
            await conn.rollback()  # no run for a job that never started
        reason = (job.error if job is not None else None) or "cancelled before it started"
        await self._end(job_id, None, "cancelled", reason)
        return None

    async def _succeed(
        self, job_id: int, run_id: int, rows: int, results: list[ShardResult]
    ) -> None:
        async with self.engine.begin() as conn:
            counted = await telemetry_repo.count_telemetry(conn, run_id)
            if counted != rows:
                raise RuntimeError(f"{counted} rows committed, {rows} requested")
            await runs_repo.finish_run(conn, run_id, "completed")
            await jobs.update_job(
                conn,
                job_id,
                status="succeeded",
                rows_written=counted,
                error=None,
                finished_at=datetime.now(UTC),
                compute_s=sum(r.compute_s for r in results),
                write_s=sum(r.write_s for r in results),
            )
        self.storage_failure = None

    async def _failed(
        self, job_id: int, run_id: int | None, progress: JobProgress, exc: Exception
    ) -> None:
        if progress.cancel_requested:
            await self._end(job_id, run_id, "cancelled", progress.cancel_reason or "cancelled")
            return
        reason = f"{type(exc).__name__}: {exc}"
        if out_of_storage(exc) or isinstance(exc, ShardStorageError):
            reason = f"the database is out of storage (disk full?): {exc}"
            self.storage_failure = (time.monotonic(), reason)
        log.error("job %s failed: %s", job_id, reason, exc_info=exc)
        await self._end(job_id, run_id, "failed", reason)

    async def _run_shards(
        self, progress: JobProgress, scenario: Scenario, run_id: int, rows: int, seed: int
    ) -> list[ShardResult]:
        assert self._pool is not None, "Factory.start() first"
        data = scenario.model_dump(mode="json")
        specs = [
            ShardSpec(self.database_url, progress.job_id, run_id, data, rows, seed, k)
            for k in range(progress.shards)
            if shard_rows(scenario, rows, k)[1] > 0
        ]
        try:
            for spec in specs:
                if progress.cancel_requested:  # a cancel between two submissions
                    raise asyncio.CancelledError
                progress.futures.append(self._pool.submit(_worker, spec))
            pairs = zip(specs, list(progress.futures), strict=True)
            return list(
                await asyncio.gather(*(self._shard(progress, scenario, s, f) for s, f in pairs))
            )
        except BaseException:
            for f in progress.futures:
                f.cancel()
            # let running shards see the status and roll back before the job is declared over
            await asyncio.gather(
                *(asyncio.wrap_future(f) for f in progress.futures), return_exceptions=True
            )
            raise

    async def _shard(
        self,
        progress: JobProgress,
        scenario: Scenario,
        spec: ShardSpec,
        future: Future[ShardResult],
    ) -> ShardResult:
        """A shard's result; when its connection was lost, it runs again once the database is
        back — unless the break hit its commit after the rows were in (then it is done)."""
        started = time.monotonic()
        first, count = shard_rows(scenario, spec.rows, spec.shard)
        attempt = 0
        while True:
            try:
                return await asyncio.wrap_future(future)
            except ShardConnectionLostError as exc:
                if progress.cancel_requested or time.monotonic() - started > self.retry_window_s:
                    raise
                log.warning("job %s: %s; running the shard again", spec.job_id, exc)
                progress.rows_by_shard[spec.shard] = 0
                committed = await self._retrying(
                    f"job {spec.job_id}: checking shard {spec.shard}",
                    lambda: self._committed(spec.run_id, first, count),
                    pause_s=_retry_pause_s(attempt),
                )
                attempt += 1
                if committed == count:
                    progress.rows_by_shard[spec.shard] = count
                    return ShardResult(spec.shard, count, 0, 0, 0.0, 0.0)
                if committed:
                    raise RuntimeError(f"shard {spec.shard}: {committed} of {count} rows") from exc
                assert self._pool is not None
                future = self._pool.submit(_worker, spec)
                progress.futures.append(future)

    async def _committed(self, run_id: int, first: int, count: int) -> int:
        async with self.engine.connect() as conn:
            return await telemetry_repo.count_telemetry(conn, run_id, (first, first + count))

    async def _retrying(
        self, what: str, work: Callable[[], Awaitable[T]], pause_s: float = 0.0
    ) -> T:
        """`work()`, tried again while the database is unreachable, busy or full, for up to the
        retry window."""
        deadline = time.monotonic() + self.retry_window_s
        attempt = 0
        await asyncio.sleep(pause_s)
        while True:
            try:
                return await work()
            except Exception as exc:
                if not worth_retrying(exc) or time.monotonic() > deadline:
                    raise
                log.warning("%s: database unavailable (%s); trying again", what, exc)
                await asyncio.sleep(_retry_pause_s(attempt))
                attempt += 1

    # --- cancelling and ending --------------------------------------------------------------

    async def cancel(self, job_id: int, reason: str) -> bool:
        """Ask a job to stop, recording `reason` (who asked, why). A job queued here ends at
        once; running shards roll back at their next chunk (they read the status, so this works
        for a job run by another process too); a job whose owner died ends here. False when the
        job had ended already."""
        async with self.engine.begin() as conn:
            asked = await jobs.request_job_cancel(conn, job_id, reason)
        if not asked:
            return False
        self._changed(job_id)
        progress = self.running.get(job_id)
        plan = self.plans.get(job_id)
        if progress is not None:
            progress.cancel_reason = reason
            for f in progress.futures:
                f.cancel()
        elif plan is not None:  # waiting for a slot here: nothing to roll back
            plan.cancel_reason = reason
            await self._end(job_id, None, "cancelled", reason)
        elif await self.leases.try_take(job_id):  # nobody runs it: its owner died
            async with self.engine.connect() as conn:
                job = await jobs.get_job(conn, job_id)
            await self._end(job_id, job.run_id if job is not None else None, "cancelled", reason)
        return True

    def _forget(self, job_id: int) -> None:
        self.plans.pop(job_id, None)

    async def _end(self, job_id: int, run_id: int | None, status: str, reason: str) -> None:
        """Record a job's end honestly (rows committed, run marked incomplete) and release its
        lease. A database that stays away or full keeps the lease and the end for the sweep."""

        async def record() -> None:
            async with self.engine.begin() as conn:
                committed = await telemetry_repo.count_telemetry(conn, run_id) if run_id else 0
                await jobs.update_job(
                    conn,
                    job_id,
                    status=status,
                    error=reason,
                    rows_written=committed,
                    finished_at=datetime.now(UTC),
                )
                if run_id is not None:
                    run_status = "cancelled" if status == "cancelled" else "failed"
                    await runs_repo.finish_run(
                        conn,
                        run_id,
                        run_status,
                        f"{reason}; {committed} rows committed, incomplete",
                    )

        self._forget(job_id)
        try:
            await self._retrying(f"job {job_id}: recording {status}", record)
        except Exception:
            log.exception("job %s: could not record its end (%s) yet; will retry", job_id, status)
            self._unrecorded[job_id] = record
            return
        await self.leases.release(job_id)
        self._changed(job_id)

    def live(self, job_id: int) -> dict[str, Any] | None:
        """In-flight figures of a running job (None when it is not running here)."""
        progress = self.running.get(job_id)
        if progress is None:
            return None
        rate, eta = progress.rates()
        return {"rows_done": progress.rows_done, "rows_per_s": rate, "eta_s": eta}
