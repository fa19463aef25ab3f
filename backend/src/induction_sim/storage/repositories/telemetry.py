"""Telemetry: count a run's committed samples, read them by seq on the primary key
(tests/storage checks the plan)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from induction_sim.storage.tables import runs, telemetry


def telemetry_after(
    run_id: int, after_seq: int | None, limit: int, names: Sequence[str] | None = None
) -> Select[tuple[object, ...]]:
    """The newest `limit` samples of run `run_id` with seq > `after_seq`, newest first; the
    columns `names` only, when given (a page needs a third of the table's columns).

    Served by the primary key (run_id, seq): an index range scan read backwards, so its cost
    depends on `limit`, not on the size of the table. Keyed by seq, not by time: asked by time,
    the planner may walk the table-wide `timestamp_sim` index backwards and filter the run,
    skipping every newer row of every other run (seen once other runs held newer rows).
    """
    chosen = telemetry.c if names is None else [telemetry.c[n] for n in names]
    query = select(*chosen).where(telemetry.c.run_id == run_id)
    if after_seq is not None:
        query = query.where(telemetry.c.seq > after_seq)
    return query.order_by(telemetry.c.seq.desc()).limit(limit)


async def run_start(conn: AsyncConnection, run_id: int) -> datetime | None:
    """`start_sim` of run `run_id` (sample k is at start_sim + k s); None: no such run."""
    start: datetime | None = await conn.scalar(select(runs.c.start_sim).where(runs.c.id == run_id))
    return start


async def count_telemetry(
    conn: AsyncConnection, run_id: int, seqs: tuple[int, int] | None = None
) -> int:
    """Committed rows of a run, or of its samples first ≤ seq < last when `seqs` is given."""
    query = select(func.count()).select_from(telemetry).where(telemetry.c.run_id == run_id)
    if seqs is not None:
        query = query.where(telemetry.c.seq >= seqs[0], telemetry.c.seq < seqs[1])
    return int(await conn.scalar(query) or 0)
