"""The generation-jobs repository: a job's row from its creation to its end.

A job's lease (who runs it) is an advisory lock held from its creation to its end
(`storage/job_leases.py` keeps a process's leases on one connection); `mark_interrupted_jobs`
sweeps the jobs whose owner died.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from induction_sim.storage import advisory_locks
from induction_sim.storage.repositories import runs as runs_repo
from induction_sim.storage.repositories import telemetry as telemetry_repo
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


INTERRUPTED_BY_RESTART = "interrupted: the process running the job stopped before it ended"


async def mark_interrupted_jobs(conn: AsyncConnection, keep: Sequence[int] = ()) -> int:
    """Jobs still queued or running whose owner is gone (their lease is free) were cut off: say
    so, and mark their runs — unless every row was committed (the owner died while recording
    its success): that job succeeded. `keep`: jobs this process owns (never swept)."""
    orphaned = (
        await conn.execute(
            select(generation_jobs.c.id, generation_jobs.c.run_id, generation_jobs.c.rows_requested)
            .where(
                generation_jobs.c.status.in_(("queued", "running", "cancelling")),
                generation_jobs.c.id.not_in(list(keep)),
                advisory_locks.free_in_transaction(advisory_locks.JOB_LEASES, generation_jobs.c.id),
            )
            .with_for_update(skip_locked=True)
        )
    ).all()
    now = datetime.now(UTC)
    for job in orphaned:
        committed = (
            await telemetry_repo.count_telemetry(conn, job.run_id) if job.run_id is not None else 0
        )
        complete = job.run_id is not None and committed == job.rows_requested
        await update_job(
            conn,
            job.id,
            status="succeeded" if complete else "failed",
            error=None if complete else INTERRUPTED_BY_RESTART,
            rows_written=committed,
            finished_at=now,
        )
        if job.run_id is not None:
            await runs_repo.finish_run(
                conn,
                job.run_id,
                "completed" if complete else "interrupted",
                None if complete else INTERRUPTED_BY_RESTART,
            )
    return len(orphaned)
