"""The generation-jobs repository: a job's row from its creation to its end.

Leases (who runs a job) are advisory locks, see `storage/job_leases.py`; the sweep of jobs whose
owner died is `records.mark_interrupted_jobs`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from induction_sim.storage.tables import generation_jobs


async def create_job(
    conn: AsyncConnection, scenario: dict[str, Any], seed: int, rows: int, shards: int
) -> int:
    job_id = await conn.scalar(
        insert(generation_jobs)
        .values(scenario=scenario, seed=seed, rows_requested=rows, shards=shards, status="queued")
        .returning(generation_jobs.c.id)
    )
    assert job_id is not None
    return int(job_id)


async def get_job(conn: AsyncConnection, job_id: int) -> Row[Any] | None:
    query = select(generation_jobs).where(generation_jobs.c.id == job_id)
    return (await conn.execute(query)).one_or_none()


async def start_job(conn: AsyncConnection, job_id: int, run_id: int) -> bool:
    """Mark a queued job running; False when it is no longer queued (a cancel got there first)."""
    started = await conn.execute(
        update(generation_jobs)
        .where(generation_jobs.c.id == job_id, generation_jobs.c.status == "queued")
        .values(status="running", run_id=run_id, started_at=datetime.now(UTC))
        .returning(generation_jobs.c.id)
    )
    return started.first() is not None


async def request_job_cancel(conn: AsyncConnection, job_id: int, reason: str) -> bool:
    """Ask an unfinished job to stop (its shards read the status); False when it had ended."""
    asked = await conn.execute(
        update(generation_jobs)
        .where(
            generation_jobs.c.id == job_id,
            generation_jobs.c.status.in_(("queued", "running", "cancelling")),
        )
        .values(status="cancelling", error=reason)
        .returning(generation_jobs.c.id)
    )
    return asked.first() is not None


async def update_job(conn: AsyncConnection, job_id: int, **values: Any) -> None:
    await conn.execute(
        update(generation_jobs).where(generation_jobs.c.id == job_id).values(**values)
    )


async def recent_jobs(conn: AsyncConnection, limit: int) -> Sequence[Row[Any]]:
    """The newest `limit` jobs, newest first."""
    query = select(generation_jobs).order_by(generation_jobs.c.id.desc()).limit(limit)
    return (await conn.execute(query)).all()


async def jobs_by_id(conn: AsyncConnection, job_ids: Sequence[int]) -> Sequence[Row[Any]]:
    """The jobs among `job_ids` that exist, by id."""
    query = (
        select(generation_jobs)
        .where(generation_jobs.c.id.in_(sorted(job_ids)))
        .order_by(generation_jobs.c.id)
    )
    return (await conn.execute(query)).all()
