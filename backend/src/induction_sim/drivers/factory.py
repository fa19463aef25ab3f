"""The data factory: generation jobs split into shards, run by a pool of worker processes.

The API process only coordinates: it records the job, hands shards to the pool (CPU work never
runs on the event loop), follows their progress through a queue, and declares the outcome
honestly — `succeeded` only once every shard has committed and the row count in PostgreSQL equals
what was asked; a failed or cancelled job marks its run so, and a restart marks whatever was
running as interrupted.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from induction_sim.drivers.scenario import Scenario
from induction_sim.drivers.shard import ShardResult, ShardSpec, run_shard, shard_rows
from induction_sim.storage import records
from induction_sim.storage.tables import generation_jobs

log = logging.getLogger(__name__)

_progress_queue: Any = None  # set in each worker process by `_init_worker`


def _init_worker(progress_queue: Any) -> None:
    global _progress_queue
    _progress_queue = progress_queue


def _worker(spec: ShardSpec) -> ShardResult:
    def report(shard: int, rows: int) -> None:
        _progress_queue.put((spec.job_id, shard, rows))

    return run_shard(spec, report)


def _warm_up() -> None:
    """Import the engine in a fresh worker before the first job needs it."""
    import induction_sim.drivers.shard  # noqa: F401


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

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        """Start the worker pool (spawned processes: safe next to threads and an event loop)."""
        context = multiprocessing.get_context("spawn")
        self._queue = context.Queue()
        self._pool = ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=_init_worker, initargs=(self._queue,)
        )
        for _ in range(self.workers):
            self._pool.submit(_warm_up)
        self._loop = asyncio.get_running_loop()
        self._reader = threading.Thread(target=self._read_progress, daemon=True)
        self._reader.start()

    async def launch(self, job_id: int, scenario: Scenario, rows: int, seed: int) -> None:
        """Run a job in the background of the event loop (kept, so shutdown can stop it)."""
        task = asyncio.create_task(self.run(job_id, scenario, rows, seed), name=f"job-{job_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        for progress in self.running.values():
            progress.cancel_requested = True
            for f in progress.futures:
                f.cancel()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
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
        async with self.engine.begin() as conn:
            return await records.create_job(
                conn, scenario.model_dump(mode="json"), seed, rows, scenario.shards(rows)
            )

    async def run(self, job_id: int, scenario: Scenario, rows: int, seed: int) -> None:
        """Run a job to its end, after waiting for a free slot. Never raises: outcomes are data."""
        async with self._slots:
            async with self.engine.connect() as conn:
                status = await conn.scalar(
                    select(generation_jobs.c.status).where(generation_jobs.c.id == job_id)
                )
            if status != "queued":  # cancelled while it waited
                await self._end(job_id, None, "cancelled", "cancelled before it started")
                return
            await self._run(job_id, scenario, rows, seed)

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
            results = await self._run_shards(progress, scenario, run_id, rows, seed)
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
            return list(await asyncio.gather(*(asyncio.wrap_future(f) for f in progress.futures)))
        except BaseException:
            for f in progress.futures:
                f.cancel()
            # let running shards see the status and roll back before the job is declared over
            await asyncio.gather(
                *(asyncio.wrap_future(f) for f in progress.futures), return_exceptions=True
            )
            raise

    async def cancel(self, job_id: int) -> bool:
        """Ask a job to stop: queued shards are dropped, running ones roll back at their next
        chunk (they read the status, so this works for a job run by another process too).
        Returns whether the job runs in this process."""
        async with self.engine.begin() as conn:
            await records.update_job(conn, job_id, status="cancelling")
        progress = self.running.get(job_id)
        if progress is None:
            return False
        progress.cancel_requested = True
        for f in progress.futures:
            f.cancel()
        return True

    async def _end(self, job_id: int, run_id: int | None, status: str, reason: str) -> None:
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
                    conn, run_id, run_status, f"{reason}; {committed} rows committed, incomplete"
                )

    def live(self, job_id: int) -> dict[str, Any] | None:
        """In-flight figures of a running job (None when it is not running here)."""
        progress = self.running.get(job_id)
        if progress is None:
            return None
        rate, eta = progress.rates()
        return {"rows_done": progress.rows_done, "rows_per_s": rate, "eta_s": eta}
