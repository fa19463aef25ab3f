"""Run and job bookkeeping: a restart never leaves a job that looks alive or complete."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from induction_sim.storage import records
from induction_sim.storage.tables import generation_jobs, runs

pytestmark = pytest.mark.db


async def test_a_restart_marks_running_jobs_failed_and_their_runs_interrupted(
    conn: AsyncConnection,
) -> None:
    run_id = await records.create_run(
        conn,
        kind="batch",
        start_sim=datetime(2026, 1, 1, tzinfo=UTC),
        recipe=None,
        scenario={"name": "x"},
        seed=1,
        rows_expected=10,
    )
    running = await records.create_job(conn, {"name": "x"}, 1, 10, 1)
    await records.update_job(conn, running, status="running", run_id=run_id)
    done = await records.create_job(conn, {"name": "x"}, 1, 10, 1)
    await records.update_job(conn, done, status="succeeded")

    assert await records.mark_interrupted_jobs(conn) == 1

    jobs = dict((await conn.execute(select(generation_jobs.c.id, generation_jobs.c.status))).all())
    assert jobs[running] == "failed"
    assert jobs[done] == "succeeded"
    error = await conn.scalar(
        select(generation_jobs.c.error).where(generation_jobs.c.id == running)
    )
    assert "interrupted" in str(error)
    assert await conn.scalar(select(runs.c.status).where(runs.c.id == run_id)) == "interrupted"


async def test_a_job_is_marked_interrupted_only_once_its_owner_is_gone(
    engine: AsyncEngine,
) -> None:
    """A CLI or another server running a job holds its lease: a server starting meanwhile must
    not call it interrupted; once the owner's session ends, the job is marked."""
    owner = await engine.connect()
    job = await records.create_job(owner, {"name": "leased"}, 1, 10, 1)
    await records.take_job_lease(owner, job)
    await owner.commit()
    try:
        async with engine.begin() as conn:
            await records.mark_interrupted_jobs(conn)
        async with engine.connect() as conn:
            status = select(generation_jobs.c.status).where(generation_jobs.c.id == job)
            assert await conn.scalar(status) == "queued"
        await owner.invalidate()  # the owner dies: PostgreSQL ends its session and its locks
        async with engine.begin() as conn:
            assert await records.mark_interrupted_jobs(conn) >= 1
        async with engine.connect() as conn:
            assert await conn.scalar(status) == "failed"
    finally:
        async with engine.begin() as conn:
            await conn.execute(delete(generation_jobs).where(generation_jobs.c.id == job))
