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
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from induction_sim.drivers.scenario import Scenario
from induction_sim.drivers.shard import (
    ShardConnectionLostError,
    ShardResult,
    ShardSpec,
    run_shard,
    shard_rows,
)
from induction_sim.storage import records
from induction_sim.storage.database import connection_lost
from induction_sim.storage.tables import generation_jobs

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


@dataclass
class JobProgress:
    job_id: int
    rows_requested: int
    shards: int
    started: float = field(default_factory=time.monotonic)
    rows_by_shard: dict[int, int] = field(default_factory=dict)
    futures: list[Future[ShardResult]] = field(default_factory=list)
    cancel_requested: bool = False

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
        self, engine: AsyncEngine, database_url: str, workers: int = 2, concurrent_jobs: int = 2
    ) -> None:
        self.engine = engine
        self._slots = asyncio.Semaphore(concurrent_jobs)  # more jobs wait, visibly "queued"
        self.database_url = database_url
        self.workers = workers
        self.running: dict[int, JobProgress] = {}
        self._pool: ProcessPoolExecutor | None = None
        self._queue: Any = None
        self._reader: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._leases: dict[int, AsyncConnection] = {}  # job id → the connection holding its lock
        self.on_change: Callable[[int], None] | None = None  # told when a job's status moves
        self.retry_window_s = RETRY_WINDOW_S

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
        self._loop = asyncio.get_running_loop()
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
        """Mark jobs whose process died (a CLI killed mid-job, another server) interrupted, and
        keep this process's own leases alive."""
        while True:
            await asyncio.sleep(SWEEP_PERIOD_S)
            await self.renew_leases()
            try:
                async with self.engine.begin() as conn:
                    swept = await records.mark_interrupted_jobs(conn, keep=list(self._leases))
                if swept:
                    log.warning("%d job(s) of a process that stopped marked interrupted", swept)
            except SQLAlchemyError as exc:
                log.warning("job sweep skipped: %s", exc)

    async def renew_leases(self) -> None:
        """A lease dies with its connection (a database restart, an administrator): take it
        again on a new one, so no other process mistakes a job running here for an orphan."""
        for job_id, lease in list(self._leases.items()):
            try:
                await lease.execute(select(1))
                await lease.rollback()  # never idle in a transaction
                continue
            except (SQLAlchemyError, OSError):
                with suppress(SQLAlchemyError, OSError):
                    await lease.invalidate()
            try:
                renewed = await self.engine.connect()
            except (SQLAlchemyError, OSError) as exc:  # still away: the next sweep tries again
                log.warning("job %s: lease not renewed yet (%s)", job_id, exc)
                continue
            try:
                # the old session may linger on the server a while (half-open TCP): never wait
                taken = await records.try_take_job_lease(renewed, job_id)
                await renewed.commit()
            except (SQLAlchemyError, OSError):
                taken = False
            if taken and self._leases.get(job_id) is lease:
                self._leases[job_id] = renewed
                log.warning("job %s: lease renewed after its connection was lost", job_id)
                continue
            if not taken:
                log.warning("job %s: lease not renewed yet (its old session holds it)", job_id)
            with suppress(SQLAlchemyError, OSError):  # ending the session drops any lock taken
                await renewed.invalidate()

    async def launch(self, job_id: int, scenario: Scenario, rows: int, seed: int) -> None:
        """Run a job in the background of the event loop (kept, so shutdown can stop it)."""
        self._spawn(self.run(job_id, scenario, rows, seed), f"job-{job_id}")

    async def close(self) -> None:
        for progress in self.running.values():
            progress.cancel_requested = True
            for f in progress.futures:
                f.cancel()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for job_id in list(self._leases):  # created here, never run
            await self._release(job_id)
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

    # --- jobs -------------------------------------------------------------------------------

    async def create(self, scenario: Scenario, rows: int, seed: int) -> int:
        """Record a queued job, leased to this process from the moment anyone can see it."""
        lease = await self.engine.connect()
        try:
            job_id = await records.create_job(
                lease, scenario.model_dump(mode="json"), seed, rows, scenario.shards(rows)
            )
            await records.take_job_lease(lease, job_id)
            await lease.commit()  # a session lock: it outlives the transaction
        except BaseException:
            await lease.close()
            raise
        self._leases[job_id] = lease
        self._changed(job_id)
        return job_id

    async def run(self, job_id: int, scenario: Scenario, rows: int, seed: int) -> None:
        """Run a job to its end, after waiting for a free slot. Never raises: outcomes are data."""
        try:
            async with self._slots:
                async with self.engine.connect() as conn:
                    status = await conn.scalar(
                        select(generation_jobs.c.status).where(generation_jobs.c.id == job_id)
                    )
                if status != "queued":  # cancelled while it waited
                    await self._end(job_id, None, "cancelled", "cancelled before it started")
                    return
                await self._run(job_id, scenario, rows, seed)
        finally:
            await self._release(job_id)

    async def _release(self, job_id: int) -> None:
        lease = self._leases.pop(job_id, None)
        if lease is None:
            return
        try:
            await records.release_job_lease(lease, job_id)
            await lease.commit()
            await lease.close()
        except (SQLAlchemyError, OSError):  # end the session instead: that drops its locks too
            with suppress(SQLAlchemyError, OSError):
                await lease.invalidate()

    async def _run(self, job_id: int, scenario: Scenario, rows: int, seed: int) -> None:
        progress = JobProgress(job_id, rows, scenario.shards(rows))
        self.running[job_id] = progress
        run_id: int | None = None
        started = time.perf_counter()
        try:
            async with self.engine.begin() as conn:
                run_id = await records.create_run(
                    conn,
                    kind="batch",
                    start_sim=scenario.start_sim,
                    recipe=None,
                    scenario=scenario.model_dump(mode="json"),
                    seed=seed,
                    rows_expected=rows,
                )
                await records.insert_fault_injections(
                    conn,
                    run_id,
                    scenario.start_sim,
                    scenario.fault_instances(rows, seed),
                    "schedule",
                )
                await records.update_job(
                    conn, job_id, status="running", run_id=run_id, started_at=datetime.now(UTC)
                )
            self._changed(job_id)
            results = await self._run_shards(progress, scenario, run_id, rows, seed)

            async def succeed() -> None:
                assert run_id is not None
                async with self.engine.begin() as conn:
                    counted = await records.count_telemetry(conn, run_id)
                    if counted != rows:
                        raise RuntimeError(f"{counted} rows committed, {rows} requested")
                    await records.finish_run(conn, run_id, "completed")
                    await records.update_job(
                        conn,
                        job_id,
                        status="succeeded",
                        rows_written=counted,
                        finished_at=datetime.now(UTC),
                        compute_s=sum(r.compute_s for r in results),
                        write_s=sum(r.write_s for r in results),
                    )

            await self._retrying(f"job {job_id}: recording success", succeed)
            self._changed(job_id)
            log.info("job %s: %s rows in %.2f s", job_id, rows, time.perf_counter() - started)
        except asyncio.CancelledError:
            await self._end(job_id, run_id, "cancelled", "cancelled: the server is shutting down")
            raise
        except Exception as exc:  # any failure becomes the job's recorded outcome
            if progress.cancel_requested:
                await self._end(job_id, run_id, "cancelled", "cancelled by request")
            else:
                log.exception("job %s failed", job_id)
                await self._end(job_id, run_id, "failed", f"{type(exc).__name__}: {exc}")
        finally:
            self.running.pop(job_id, None)

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
        progress.futures = [self._pool.submit(_worker, spec) for spec in specs]
        try:
            pairs = zip(specs, list(progress.futures), strict=True)
            return list(await asyncio.gather(*(self._shard(progress, s, f) for s, f in pairs)))
        except BaseException:
            for f in progress.futures:
                f.cancel()
            # let running shards see the status and roll back before the job is declared over
            await asyncio.gather(
                *(asyncio.wrap_future(f) for f in progress.futures), return_exceptions=True
            )
            raise

    async def _shard(
        self, progress: JobProgress, spec: ShardSpec, future: Future[ShardResult]
    ) -> ShardResult:
        """A shard's result; when its connection was lost, it runs again once the database is
        back — unless the break hit its commit after the rows were in (then it is done)."""
        started = time.monotonic()
        first, count = shard_rows(Scenario.model_validate(spec.scenario), spec.rows, spec.shard)
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
            return await records.count_telemetry(conn, run_id, (first, first + count))

    async def _retrying(
        self, what: str, work: Callable[[], Awaitable[T]], pause_s: float = 0.0
    ) -> T:
        """`work()`, tried again while the database is unreachable, for up to the retry window."""
        deadline = time.monotonic() + self.retry_window_s
        attempt = 0
        await asyncio.sleep(pause_s)
        while True:
            try:
                return await work()
            except Exception as exc:
                if not connection_lost(exc) or time.monotonic() > deadline:
                    raise
                log.warning("%s: database unreachable (%s); trying again", what, exc)
                await asyncio.sleep(_retry_pause_s(attempt))
                attempt += 1

    async def cancel(self, job_id: int) -> bool:
        """Ask a job to stop: queued shards are dropped, running ones roll back at their next
        chunk (they read the status, so this works for a job run by another process too).
        Returns whether the job runs in this process."""
        async with self.engine.begin() as conn:
            await records.update_job(conn, job_id, status="cancelling")
        self._changed(job_id)
        progress = self.running.get(job_id)
        if progress is None:
            return False
        progress.cancel_requested = True
        for f in progress.futures:
            f.cancel()
        return True

    async def _end(self, job_id: int, run_id: int | None, status: str, reason: str) -> None:
        async def record() -> None:
            async with self.engine.begin() as conn:
                committed = await records.count_telemetry(conn, run_id) if run_id else 0
                await records.update_job(
                    conn,
                    job_id,
                    status=status,
                    error=reason,
                    rows_written=committed,
                    finished_at=datetime.now(UTC),
                )
                if run_id is not None:
                    run_status = "cancelled" if status == "cancelled" else "failed"
                    await records.finish_run(
                        conn,
                        run_id,
                        run_status,
                        f"{reason}; {committed} rows committed, incomplete",
                    )

        try:
            await self._retrying(f"job {job_id}: recording {status}", record)
        except Exception:  # the database stayed away: the lease sweep marks it interrupted later
            log.exception("job %s: could not record its end (%s)", job_id, status)
        self._changed(job_id)

    def live(self, job_id: int) -> dict[str, Any] | None:
        """In-flight figures of a running job (None when it is not running here)."""
        progress = self.running.get(job_id)
        if progress is None:
            return None
        rate, eta = progress.rates()
        return {"rows_done": progress.rows_done, "rows_per_s": rate, "eta_s": eta}
