"""The live run's writer: every sample reaches PostgreSQL once and in order, database outages too.

- The tick loop hands each sample's chunk to `append` and never waits on the database; the writer
  task COPYs what is queued about once a second, in transactions of at most `BATCH_ROWS` rows.
- The database restarts, is unreachable or out of disk: a failed write keeps the queue and is
  retried every second (so writing resumes by itself once space returns); the loop keeps ticking
  and the stream keeps delivering.
- Rows PostgreSQL refuses for their content (a NUL in a text, a value out of range) would be
  refused on every retry and block all samples behind them: that batch is written row-range by
  row-range under savepoints, and only the refused rows are set aside, as JSON lines in a
  dead-letter file, logged and counted (GET /api/machine `loop`). The first failure, one line
  every 30 s while it lasts, and the recovery (with the back-filled count) are logged.
- Exactly once: a commit can succeed while its answer is lost; before each write the writer
  drops (or trims) queued samples the table already holds, so a retry neither duplicates them
  nor stops on a duplicate key.
- Bounded: a 1-sample chunk costs ~8 KB of numpy overhead, a merged sample ~0.8 KB, so chunks are
  merged in groups of `SEGMENT_CHUNKS`; beyond `MAX_QUEUED_ROWS` (≈ 6 days at 1 Hz, ~0.4 GB) the
  oldest samples are dropped and counted as lost — a visible gap in `seq`, never a crash.
- A write that hangs (a half-open TCP connection) is abandoned after `WRITE_TIMEOUT_S`. With
  `asyncio.timeout`, not `asyncio.wait_for`: on Python 3.11 `wait_for` can swallow a cancel that
  lands as the write completes, and the writer would never stop (a server that cannot shut down).
- A sink of the live machine (drivers/sinks.py): `put` queues a tick's chunk, `run` is the
  writer task, `close` writes what is left and closes the run. Operator fault injections
  (`record_fault`) are queued beside the samples and written first, as idempotent upserts.
- Ownership: the live run's server holds a session-level advisory lock on its run id. A live run
  still `running` whose lock nobody holds was left by a server that died (SIGKILL, power loss):
  the next server marks it `interrupted` instead of leaving it "running" for ever.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import struct
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from induction_sim.drivers.sinks import LiveChunk
from induction_sim.machine.chunk import EventRecord, SampleChunk
from induction_sim.storage import advisory_locks, records
from induction_sim.storage.advisory_locks import LIVE_RUNS
from induction_sim.storage.database import copy_payload, refused_for_data, sqlstate
from induction_sim.storage.repositories import events, parts
from induction_sim.storage.repositories import runs as runs_repo
from induction_sim.storage.repositories.events import OperatorFault
from induction_sim.storage.tables import runs, telemetry
from induction_sim.storage.telemetry_copy import TELEMETRY_FORMAT, telemetry_payload

log = logging.getLogger(__name__)

SEGMENT_CHUNKS = 64
MAX_QUEUED_ROWS = 500_000
BATCH_ROWS = 16_384  # a long back-fill goes in pieces, so the event loop never stalls on one
WRITE_TIMEOUT_S = 30.0
REPORT_EVERY_S = 30.0
ABANDONED = "interrupted: the server running this live run stopped without closing it"


def trim(chunk: SampleChunk, newest: int) -> SampleChunk | None:
    """The part of `chunk` after seq `newest` (None: nothing left). Events carry the seq of the
    sample they go out with and parts the seq they finished at, so they split the same way."""
    seq = chunk.columns["seq"]
    if int(seq[-1]) <= newest:
        return None
    if int(seq[0]) > newest:
        return chunk
    keep = seq > newest
    return SampleChunk(
        start_seq=newest + 1,
        columns={k: v[keep] for k, v in chunk.columns.items()},
        true_values={k: v[keep] for k, v in chunk.true_values.items()},
        parts=[p for p in chunk.parts if p.finished_seq > newest],
        events=[e for e in chunk.events if e.seq > newest],
    )


class LiveWriter:
    def __init__(self, engine: AsyncEngine, start_sim: datetime, dead_letter_dir: Path) -> None:
        self.engine = engine
        self.start_sim = start_sim
        self.dead_letter_dir = dead_letter_dir
        self.dead_letters = DeadLetters(dead_letter_dir / "live-run-0.jsonl")
        self.run_id = 0
        self.pending: list[SampleChunk] = []  # oldest first, contiguous in seq
        self.rows_lost = 0  # dropped from a full queue (never written)
        self.failing_since: float | None = None  # monotonic s of the first failed write
        self.last_error: str | None = None  # of the failing write, for health
        self._unmerged = 0  # chunks at the end of `pending` not merged into a segment yet
        self._writing = 0  # chunks at the start of `pending` in the transaction in flight
        self._last_report = 0.0
        self._lock: AsyncConnection | None = None
        self._lock_checked = 0.0
        self._flushing = asyncio.Lock()  # the writer task and a stop (or a test) never interleave
        self._closing = False  # set by `finish`: the writer task ends even if a cancel is lost
        self._task: asyncio.Task[None] | None = None
        self.name = "database"
        # operator fault injections (and clears) not written yet, by id: the newest state wins
        self.pending_faults: dict[int, OperatorFault] = {}

    @property
    def queued_rows(self) -> int:
        return sum(c.size for c in self.pending)

    # --- the run and its lock ---------------------------------------------------------------

    async def create_run(self, recipe: dict[str, object], seed: int) -> int:
        """Mark abandoned live runs, then create this one and lock it in the same transaction
        (no other server can see it unlocked)."""
        marked = await mark_abandoned_live_runs(self.engine)
        if marked:
            log.warning("%d live run(s) left by a stopped server marked interrupted", marked)
        conn = await self.engine.connect()
        try:
            async with conn.begin():
                self.run_id = await runs_repo.create_run(
                    conn,
                    kind="live",
                    start_sim=self.start_sim,
                    recipe=recipe,
                    scenario=None,
                    seed=seed,
                    rows_expected=None,
                )
                await advisory_locks.lock(conn, LIVE_RUNS, self.run_id)
        except BaseException:
            await conn.close()
            raise
        self._lock = conn
        self.dead_letters.path = self.dead_letter_dir / f"live-run-{self.run_id}.jsonl"
        return self.run_id

    async def _keep_lock(self, force: bool = False) -> None:
        """Every 30 s (at once after an outage): is the lock's connection alive? A restarted
        database dropped it, and the lock with it: take it again on a new connection."""
        now = time.monotonic()
        if not force and now - self._lock_checked < REPORT_EVERY_S:
            return
        self._lock_checked = now
        if self._lock is not None:
            try:
                await self._lock.scalar(select(1))
                await self._lock.commit()
                return
            except Exception:
                await self._release()
        conn = await self.engine.connect()
        try:
            async with conn.begin():
                await advisory_locks.try_lock(conn, LIVE_RUNS, self.run_id)
        except BaseException:
            await conn.close()
            raise
        self._lock = conn

    async def _release(self) -> None:
        conn, self._lock = self._lock, None
        if conn is None:
            return
        try:
            # a pooled connection would keep a session lock: unlock, or drop the connection
            async with conn.begin():
                await advisory_locks.unlock(conn, LIVE_RUNS, self.run_id)
            await conn.close()
        except Exception:  # the connection is broken: the server released the lock already
            with contextlib.suppress(Exception):
                await conn.invalidate()
                await conn.close()

    async def finish(self, status: str, reason: str) -> None:
        """Write what is queued, close the run, release its lock (the database may be gone)."""
        self._closing = True
        try:
            async with asyncio.timeout(WRITE_TIMEOUT_S):
                await self.flush()
            async with self.engine.begin() as conn:
                await runs_repo.finish_run(conn, self.run_id, status, reason)
        except Exception:
            log.exception(
                "live run %s: could not write its last %d samples and close it; the next "
                "start marks it interrupted",
                self.run_id,
                self.queued_rows,
            )
        finally:
            await self._release()

    # --- the sink ---------------------------------------------------------------------------

    def put(self, item: LiveChunk) -> None:
        self.append(item.chunk)

    async def close(self) -> None:
        """Stop the writer task (bounded: a write in flight ends within its timeout), then write
        what is left and close the run."""
        self._closing = True
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            await asyncio.wait({task}, timeout=WRITE_TIMEOUT_S + 5.0)
        await self.finish("completed", "server stopped")

    # --- the queue --------------------------------------------------------------------------

    def record_fault(self, fault: OperatorFault) -> None:
        """Queue an operator fault's row (or its new state, after a clear) for the next write."""
        self.pending_faults[fault.id] = fault

    def pending_events(self) -> list[EventRecord]:
        """Events queued and not known to be written yet, oldest first."""
        return [e for c in self.pending for e in c.events]

    async def previous_parts_run(self) -> int | None:
        """The newest earlier live run that finished a part (None when the database is away)."""
        try:
            async with self.engine.connect() as conn:
                return await parts.latest_live_run_with_parts(conn, self.run_id)
        except Exception as exc:
            log.warning("previous live run not found (%s: %s)", type(exc).__name__, exc)
            return None

    async def reserve_fault_id(self) -> int:
        async with self.engine.begin() as conn:
            return await events.reserve_fault_id(conn)

    def append(self, chunk: SampleChunk) -> None:
        self.pending.append(chunk)
        self._unmerged += 1
        if self._unmerged >= SEGMENT_CHUNKS:
            # never merge into what the transaction in flight holds: it is deleted by count
            start = max(len(self.pending) - self._unmerged, self._writing)
            self.pending[start:] = [SampleChunk.concatenate(self.pending[start:])]
            self._unmerged = 0
            self._bound()

    def _bound(self) -> None:
        excess = self.queued_rows - MAX_QUEUED_ROWS
        dropped = 0
        while excess > 0 and len(self.pending) > self._writing + 1:
            oldest = self.pending.pop(self._writing)
            excess -= oldest.size
            dropped += oldest.size
        if dropped:
            self.rows_lost += dropped
            log.error(
                "live run %s: database unavailable for too long, queue full: %d oldest "
                "samples dropped (%d lost in all)",
                self.run_id,
                dropped,
                self.rows_lost,
            )

    # --- writing ----------------------------------------------------------------------------

    async def run(self) -> None:
        """The writer task: a write about once a second, until cancelled or closed."""
        self._task = asyncio.current_task()
        while not self._closing:
            await asyncio.sleep(1.0)
            if not self._closing:
                await self.step()

    async def step(self) -> None:
        """One attempt to write everything queued; failures are logged, never raised."""
        recovering = self.failing_since is not None
        try:
            await self.flush()
        except Exception as exc:
            self._failed(exc)
            return
        with contextlib.suppress(Exception):
            await self._keep_lock(force=recovering)

    def _written(self) -> None:
        """A write went through: the database takes writes again, even if a back-fill of the
        samples queued meanwhile goes on (health stops blaming the writer now, not at its end)."""
        if self.failing_since is None:
            return
        down = time.monotonic() - self.failing_since
        self.failing_since = None
        self.last_error = None
        log.warning(
            "live run %s: database back after %.1f s; back-filling %d queued samples",
            self.run_id,
            down,
            self.queued_rows,
        )

    def _failed(self, exc: Exception) -> None:
        now = time.monotonic()
        self.last_error = f"{type(exc).__name__}: {exc}"[:300]
        if self.failing_since is None:
            self.failing_since = self._last_report = now
            log.warning(
                "live run %s: database write failed (%s: %s); samples stay queued, retrying "
                "every second",
                self.run_id,
                type(exc).__name__,
                exc,
            )
        elif now - self._last_report >= REPORT_EVERY_S:
            self._last_report = now
            log.warning(
                "live run %s: database still unavailable after %.0f s, %d samples queued",
                self.run_id,
                now - self.failing_since,
                self.queued_rows,
            )

    async def flush(self) -> None:
        """Write everything queued, `BATCH_ROWS` at most per transaction."""
        if self.pending_faults:
            async with self._flushing, asyncio.timeout(WRITE_TIMEOUT_S):
                await self._write_faults()
            self._written()
        while self.pending:
            async with self._flushing, asyncio.timeout(WRITE_TIMEOUT_S):
                await self._write_batch()
            self._written()
            await asyncio.sleep(0)  # let the tick loop in between batches of a back-fill

    async def _write_faults(self) -> None:
        written = dict(self.pending_faults)
        try:
            async with self.engine.begin() as conn:
                await events.save_operator_faults(conn, list(written.values()))
        except Exception as exc:
            if not _bad_rows(exc):
                raise  # the server, not the rows: keep them queued and retry
            for fault in written.values():  # never retried: they would block every sample
                self.dead_letters.add(self.run_id, "fault_injections", asdict(fault), exc)
        for fault_id, fault in written.items():  # a clear queued meanwhile stays queued
            if self.pending_faults.get(fault_id) is fault:
                del self.pending_faults[fault_id]

    async def _write_batch(self) -> None:
        if not self.pending:  # another flush (the writer task, a stop) emptied it meanwhile
            return
        await self._drop_already_written()
        if not self.pending:
            return
        batch: list[SampleChunk] = []
        rows = 0
        for item in self.pending:
            if batch and rows + item.size > BATCH_ROWS:
                break
            batch.append(item)
            rows += item.size
        chunk = SampleChunk.concatenate(batch)
        self._writing = len(batch)
        try:
            try:
                async with self.engine.begin() as conn:
                    await records.write_chunk(conn, self.run_id, self.start_sim, chunk)
            except Exception as exc:
                if not _bad_rows(exc):
                    raise  # the server, not the rows: keep them queued and retry
                log.error(
                    "live run %s: PostgreSQL refused a batch of %d samples for its data (%s); "
                    "writing what it takes, setting the rest aside in %s",
                    self.run_id,
                    chunk.size,
                    exc,
                    self.dead_letters.path,
                )
                async with self.engine.begin() as conn:
                    await self._salvage(conn, chunk)
        finally:
            self._writing = 0
        del self.pending[: len(batch)]
        self._unmerged = min(self._unmerged, len(self.pending))

    async def _salvage(self, conn: AsyncConnection, chunk: SampleChunk) -> None:
        """Write every row PostgreSQL takes; rows it refuses go to the dead-letter file. Each
        table is split in halves under savepoints until the refused rows stand alone (a few
        dozen COPYs for one bad row among 16,384)."""
        start_sim, run_id = self.start_sim, self.run_id

        async def samples(lo: int, hi: int) -> None:
            cols = {k: v[lo:hi] for k, v in chunk.columns.items()}
            true = {k: v[lo:hi] for k, v in chunk.true_values.items()}
            payload = telemetry_payload(run_id, start_sim, cols, true)
            await copy_payload(conn, "telemetry", TELEMETRY_FORMAT.names, payload)

        async def parts(lo: int, hi: int) -> None:
            await records.copy_parts(conn, run_id, start_sim, chunk.parts[lo:hi])

        async def events(lo: int, hi: int) -> None:
            await records.copy_events(conn, run_id, start_sim, chunk.events[lo:hi])

        tables: list[tuple[str, int, Writer, Callable[[int], dict[str, Any]]]] = [
            ("telemetry", chunk.size, samples, lambda i: sample_row(chunk, i)),
            ("parts", len(chunk.parts), parts, lambda i: asdict(chunk.parts[i])),
            ("machine_events", len(chunk.events), events, lambda i: asdict(chunk.events[i])),
        ]
        for table, count, write, row in tables:
            for index, error in await _refused_rows(conn, count, write):
                self.dead_letters.add(self.run_id, table, row(index), error)

    async def _drop_already_written(self) -> None:
        """A commit can succeed while its acknowledgement is lost (the database went away at
        that moment): drop queued samples the table already holds."""
        first = int(self.pending[0].columns["seq"][0])
        async with self.engine.connect() as conn:
            newest = await conn.scalar(
                select(func.max(telemetry.c.seq)).where(
                    telemetry.c.run_id == self.run_id, telemetry.c.seq >= first
                )
            )
        if newest is not None:
            kept = [t for c in self.pending if (t := trim(c, int(newest))) is not None]
            self.pending = kept
            self._unmerged = min(self._unmerged, len(self.pending))


async def mark_abandoned_live_runs(engine: AsyncEngine) -> int:
    """Live runs still `running` whose server is gone (nobody holds their lock) → interrupted."""
    async with engine.connect() as conn:
        candidates = (
            await conn.scalars(
                select(runs.c.id).where(runs.c.kind == "live", runs.c.status == "running")
            )
        ).all()
        await conn.commit()
        abandoned = []
        for run_id in candidates:
            if await advisory_locks.try_lock(conn, LIVE_RUNS, run_id):
                abandoned.append(run_id)
                await advisory_locks.unlock(conn, LIVE_RUNS, run_id)
        if abandoned:
            await conn.execute(
                update(runs)
                .where(runs.c.id.in_(abandoned), runs.c.status == "running")
                .values(
                    status="interrupted", status_reason=ABANDONED, finished_at=datetime.now(UTC)
                )
            )
        await conn.commit()
    return len(abandoned)


Writer = Callable[[int, int], Awaitable[None]]  # writes rows [lo, hi) of one table


async def _refused_rows(
    conn: AsyncConnection, count: int, write: Writer
) -> list[tuple[int, BaseException]]:
    """Write rows [0, count) by halves under savepoints; the rows refused for their data, alone."""
    refused: list[tuple[int, BaseException]] = []

    async def attempt(lo: int, hi: int) -> None:
        if lo >= hi:
            return
        try:
            async with conn.begin_nested():
                await write(lo, hi)
        except Exception as exc:
            if not _bad_rows(exc):
                raise
            if hi - lo == 1:
                refused.append((lo, exc))
                return
            middle = (lo + hi) // 2
            await attempt(lo, middle)
            await attempt(middle, hi)

    await attempt(0, count)
    return refused


def sample_row(chunk: SampleChunk, index: int) -> dict[str, Any]:
    row = {k: v[index].item() for k, v in chunk.columns.items()}
    row |= {f"{k}_true": v[index].item() for k, v in chunk.true_values.items()}
    return row


class DeadLetters:
    """Rows PostgreSQL refused for their content, kept as JSON lines (never retried: the same
    rows would be refused again and block every sample behind them)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows = 0

    def add(self, run_id: int, table: str, row: dict[str, Any], error: BaseException) -> None:
        self.rows += 1
        entry = {
            "at": datetime.now(UTC).isoformat(),
            "run_id": run_id,
            "table": table,
            "error": f"{sqlstate(error)}: {error}",
            "row": row,
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(entry, default=_jsonable) + "\n")
        except OSError as exc:  # the count still shows it; the log keeps the row
            log.error("dead letter not saved (%s): %r", exc, entry)


def _jsonable(value: object) -> object:
    """numpy arrays and scalars as lists and numbers; anything else as its text."""
    if isinstance(value, np.ndarray | np.generic):
        return value.tolist()
    return str(value)


def _bad_rows(exc: BaseException) -> bool:
    """Rows that can never be written as they are: refused by PostgreSQL for their content, or
    not even encodable (a number outside its column's range, a lone surrogate in a text)."""
    return refused_for_data(exc) or isinstance(exc, struct.error | UnicodeError)
