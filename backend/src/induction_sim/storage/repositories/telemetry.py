"""Telemetry reads: a run's samples by seq on the primary key (tests/storage checks the plan)."""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncConnection

from induction_sim.storage.tables import runs, telemetry


def telemetry_after(run_id: int, after_seq: int | None, limit: int) -> Select[tuple[object, ...]]:
    """The newest `limit` samples of run `run_id` with seq > `after_seq`, newest first.

    Served by the primary key (run_id, seq): an index range scan read backwards, so its cost
    depends on `limit`, not on the size of the table. Keyed by seq, not by time: asked by time,
    the planner may walk the table-wide `timestamp_sim` index backwards and filter the run,
    skipping every newer row of every other run (seen once other runs held newer rows).
    A time becomes a seq with `seq_after` (a run's sample k is at start_sim + k s).
    """
    query = select(telemetry).where(telemetry.c.run_id == run_id)
    if after_seq is not None:
        query = query.where(telemetry.c.seq > after_seq)
    return query.order_by(telemetry.c.seq.desc()).limit(limit)


def seq_after(start_sim: datetime, after: datetime) -> int:
    """The largest seq whose sample is not later than `after` (samples 1 s apart from 0)."""
    return math.floor((after - start_sim).total_seconds())


async def run_start(conn: AsyncConnection, run_id: int) -> datetime | None:
    """`start_sim` of run `run_id` (sample k is at start_sim + k s); None: no such run."""
    start: datetime | None = await conn.scalar(select(runs.c.start_sim).where(runs.c.id == run_id))
    return start
