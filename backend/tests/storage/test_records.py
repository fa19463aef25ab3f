"""Run and job bookkeeping: a restart never leaves a job that looks alive or complete."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from induction_sim.machine.faults import FaultInstance, OnsetMode
from induction_sim.machine.machine import Machine, MachineConfig
from induction_sim.machine.recipe import builtin_recipes
from induction_sim.storage import advisory_locks, records
from induction_sim.storage.database import copy_payload
from induction_sim.storage.repositories import jobs
from induction_sim.storage.repositories import runs as runs_repo
from induction_sim.storage.tables import (
    fault_injections,
    generation_jobs,
    machine_events,
    parts,
    runs,
    telemetry,
)
from induction_sim.storage.telemetry_copy import TELEMETRY_FORMAT, telemetry_payload

pytestmark = pytest.mark.db


async def test_a_restart_marks_running_jobs_failed_and_their_runs_interrupted(
    conn: AsyncConnection,
) -> None:
    run_id = await runs_repo.create_run(
        conn,
        kind="batch",
        start_sim=datetime(2026, 1, 1, tzinfo=UTC),
        recipe=None,
        scenario={"name": "x"},
        seed=1,
        rows_expected=10,
    )
    running = await jobs.create_job(conn, {"name": "x"}, 1, 10, 1)
    await jobs.update_job(conn, running, status="running", run_id=run_id)
    done = await jobs.create_job(conn, {"name": "x"}, 1, 10, 1)
    await jobs.update_job(conn, done, status="succeeded")

    assert await jobs.mark_interrupted_jobs(conn) == 1

    statuses = dict(
        (await conn.execute(select(generation_jobs.c.id, generation_jobs.c.status))).all()
    )
    assert statuses[running] == "failed"
    assert statuses[done] == "succeeded"
    error = await conn.scalar(
        select(generation_jobs.c.error).where(generation_jobs.c.id == running)
    )
    assert "interrupted" in str(error)
    assert await conn.scalar(select(runs.c.status).where(runs.c.id == run_id)) == "interrupted"


async def test_an_orphaned_job_with_every_row_committed_is_swept_as_succeeded(
    conn: AsyncConnection,
) -> None:
    """The owner died while recording its success (or could not record it): the rows are all
    there, so the job succeeded — an orphan is `failed` only when rows are missing."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    chunk = Machine(MachineConfig(recipe=builtin_recipes()["1045-shaft-scan"], seed=5)).advance(60)
    made = {}
    for label, copied in (("complete", chunk.size), ("short", chunk.size - 1)):
        run_id = await runs_repo.create_run(
            conn,
            kind="batch",
            start_sim=start,
            recipe=None,
            scenario={"name": label},
            seed=5,
            rows_expected=chunk.size,
        )
        cols = {k: v[:copied] for k, v in chunk.columns.items()}
        true = {k: v[:copied] for k, v in chunk.true_values.items()}
        payload = telemetry_payload(run_id, start, cols, true)
        await copy_payload(conn, "telemetry", TELEMETRY_FORMAT.names, payload)
        job = await jobs.create_job(conn, {"name": label}, 5, chunk.size, 1)
        await jobs.update_job(conn, job, status="running", run_id=run_id)
        made[label] = (job, run_id)

    await jobs.mark_interrupted_jobs(conn)

    outcome = {}
    for label, (job, run_id) in made.items():
        row = await jobs.get_job(conn, job)
        assert row is not None
        run_status = await conn.scalar(select(runs.c.status).where(runs.c.id == run_id))
        outcome[label] = (row.status, row.rows_written, run_status)
    assert outcome["complete"] == ("succeeded", chunk.size, "completed")
    assert outcome["short"] == ("failed", chunk.size - 1, "interrupted")


async def test_a_job_is_marked_interrupted_only_once_its_owner_is_gone(
    engine: AsyncEngine,
) -> None:
    """A CLI or another server running a job holds its lease: a server starting meanwhile must
    not call it interrupted; once the owner's session ends, the job is marked."""
    owner = await engine.connect()
    job = await jobs.create_job(owner, {"name": "leased"}, 1, 10, 1)
    await advisory_locks.lock(owner, advisory_locks.JOB_LEASES, job)
    await owner.commit()
    try:
        async with engine.begin() as conn:
            await jobs.mark_interrupted_jobs(conn)
        async with engine.connect() as conn:
            status = select(generation_jobs.c.status).where(generation_jobs.c.id == job)
            assert await conn.scalar(status) == "queued"
        await owner.invalidate()  # the owner dies: PostgreSQL ends its session and its locks
        async with engine.begin() as conn:
            assert await jobs.mark_interrupted_jobs(conn) >= 1
        async with engine.connect() as conn:
            assert await conn.scalar(status) == "failed"
    finally:
        async with engine.begin() as conn:
            await conn.execute(delete(generation_jobs).where(generation_jobs.c.id == job))


async def test_deleting_a_run_deletes_its_rows_in_every_table_and_no_other_runs(
    conn: AsyncConnection,
) -> None:
    """The bulk tables have no foreign key to runs (COPY speed): `delete_runs` must take a run's
    telemetry, parts, events and fault injections along, and touch nothing else."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    chunk = Machine(MachineConfig(recipe=builtin_recipes()["1045-shaft-scan"], seed=3)).advance(900)
    assert chunk.parts and chunk.events
    fault = FaultInstance("quench_pump_wear", 0.5, OnsetMode.STEP, onset_s=10)
    made = []
    for _ in range(2):
        run_id = await runs_repo.create_run(
            conn,
            kind="batch",
            start_sim=start,
            recipe=None,
            scenario=None,
            seed=3,
            rows_expected=chunk.size,
        )
        payload = telemetry_payload(run_id, start, chunk.columns, chunk.true_values)
        await copy_payload(conn, "telemetry", TELEMETRY_FORMAT.names, payload)
        await records.copy_parts(conn, run_id, start, chunk.parts)
        await records.copy_events(conn, run_id, start, chunk.events)
        await records.insert_fault_injections(conn, run_id, start, (fault,), "schedule")
        made.append(run_id)
    gone, kept = made

    async def rows_of(run_id: int) -> list[int]:
        counts = []
        for table in (telemetry, parts, machine_events, fault_injections):
            query = select(func.count()).select_from(table).where(table.c.run_id == run_id)
            counts.append(int(await conn.scalar(query) or 0))
        return counts

    expected = [chunk.size, len(chunk.parts), len(chunk.events), 1]
    assert await rows_of(gone) == expected
    await runs_repo.delete_runs(conn, [gone])
    assert await rows_of(gone) == [0, 0, 0, 0]
    assert await conn.scalar(select(func.count()).where(runs.c.id == gone)) == 0
    assert await rows_of(kept) == expected
