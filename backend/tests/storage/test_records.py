"""Run and job bookkeeping: a restart never leaves a job that looks alive or complete."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

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
