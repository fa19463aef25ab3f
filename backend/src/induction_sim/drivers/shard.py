"""The data factory's unit of work: one shard (a shift of machine time) generated and COPYed.

`run_shard` is a plain function of plain data — what a worker process runs here, and what a
distributed engine (Ray tasks, see docs/scaling.md) would run across machines. It needs no other
shard: the machine starts in the state the previous shift left, from a warm-up it simulates
itself (`Scenario.shard_machine`, docs/machine.md "Shifts and shard boundaries"). It generates its
shift in chunks, writes telemetry, parts and events by binary COPY over its process's connection
(kept between shards), all in one transaction: a shard is either fully committed or absent.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from induction_sim.machine.scenario import Scenario
from induction_sim.storage.database import (
    connection_lost,
    create_engine,
    out_of_storage,
    sqlstate,
)
from induction_sim.storage.records import write_chunk
from induction_sim.storage.tables import generation_jobs

CHUNK_ROWS = 16_384


class ShardCancelledError(Exception):
    """The job was cancelled; the shard's transaction was rolled back."""


class ShardStorageError(Exception):
    """PostgreSQL could not store the shard (class 53: disk full, out of memory); rolled back."""


class ShardConnectionLostError(Exception):
    """The database went away mid-shard: nothing of it was committed, unless the connection
    broke during the commit itself — the caller checks before it runs the shard again.
    (A plain exception: driver exceptions do not always survive pickling between processes.)"""


@dataclass(frozen=True)
class ShardSpec:
    database_url: str
    job_id: int | None  # None: no cancel checks (CLI without a job row)
    run_id: int
    scenario: dict[str, Any]  # Scenario as JSON data
    rows: int  # rows of the whole run
    seed: int
    shard: int


@dataclass(frozen=True)
class ShardResult:
    shard: int
    rows: int
    parts: int
    events: int
    compute_s: float
    write_s: float


def shard_rows(scenario: Scenario, rows: int, shard: int) -> tuple[int, int]:
    """(first seq, row count) of shard `shard` in a run of `rows` rows."""
    start = shard * scenario.shift_rows
    return start, max(0, min(scenario.shift_rows, rows - start))


# One event loop and one engine per process, kept between shards: a worker's connection (and the
# server's caches behind it) serves every shard it runs.
_RUNNER = asyncio.Runner()


@cache
def _engine(url: str) -> AsyncEngine:
    return create_engine(url, pool_size=1, role="shard")


def run_shard(spec: ShardSpec, progress: Callable[[int, int], None] | None = None) -> ShardResult:
    """Generate and commit one shard. `progress(shard, rows_copied)` after every chunk."""
    try:
        return _RUNNER.run(_run_shard(spec, progress))
    except ShardCancelledError:
        raise
    except Exception as exc:
        if connection_lost(exc):
            raise ShardConnectionLostError(f"shard {spec.shard}: {exc}") from None
        if out_of_storage(exc):
            raise ShardStorageError(f"shard {spec.shard}: {sqlstate(exc)} {exc}") from None
        if isinstance(exc, SQLAlchemyError):  # as text: driver errors may not unpickle
            raise RuntimeError(f"shard {spec.shard}: {type(exc).__name__}: {exc}") from None
        raise


async def _run_shard(spec: ShardSpec, progress: Callable[[int, int], None] | None) -> ShardResult:
    scenario = Scenario.model_validate(spec.scenario)
    _, total = shard_rows(scenario, spec.rows, spec.shard)
    t0 = time.perf_counter()
    # the state the previous shift left, from a warm-up made before the transaction opens
    machine = scenario.shard_machine(spec.rows, spec.seed, spec.shard)
    compute_s = time.perf_counter() - t0
    write_s = 0.0
    start_sim = scenario.start_sim
    engine = _engine(spec.database_url)
    parts = events = done = 0
    async with engine.begin() as conn:
        while done < total:
            if await _cancelled(conn, spec.job_id):
                raise ShardCancelledError(f"shard {spec.shard} cancelled")
            t0 = time.perf_counter()
            chunk = machine.advance(min(CHUNK_ROWS, total - done))
            t1 = time.perf_counter()
            await write_chunk(conn, spec.run_id, start_sim, chunk)
            write_s += time.perf_counter() - t1
            compute_s += t1 - t0
            done += chunk.size
            parts += len(chunk.parts)
            events += len(chunk.events)
            if progress is not None:
                progress(spec.shard, done)
        t1 = time.perf_counter()
    write_s += time.perf_counter() - t1  # the commit
    return ShardResult(spec.shard, done, parts, events, compute_s, write_s)


async def _cancelled(conn: AsyncConnection, job_id: int | None) -> bool:
    if job_id is None:
        return False
    status = await conn.scalar(
        select(generation_jobs.c.status).where(generation_jobs.c.id == job_id)
    )
    return status in ("cancelling", "cancelled", "failed")
