"""Writers and readers of the run-level tables: runs, jobs, parts, events, fault injections."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from induction_sim import ENGINE_VERSION
from induction_sim.machine.chunk import EventRecord, PartRecord
from induction_sim.machine.faults import FaultInstance
from induction_sim.storage.database import driver_connection
from induction_sim.storage.tables import (
    fault_injections,
    generation_jobs,
    machine_events,
    parts,
    runs,
    telemetry,
)

INTERRUPTED_BY_RESTART = "interrupted: the server stopped while the job ran"


def sim_time(start_sim: datetime, seq: int | float) -> datetime:
    return start_sim + timedelta(seconds=float(seq))


async def create_run(
    conn: AsyncConnection,
    *,
    kind: str,
    start_sim: datetime,
    recipe: dict[str, Any] | None,
    scenario: dict[str, Any] | None,
    seed: int | None,
    rows_expected: int | None,
) -> int:
    run_id = await conn.scalar(
        insert(runs)
        .values(
            kind=kind,
            status="running",
            recipe=recipe,
            scenario=scenario,
            seed=seed,
            engine_version=ENGINE_VERSION,
            start_sim=start_sim,
            rows_expected=rows_expected,
        )
        .returning(runs.c.id)
    )
    assert run_id is not None
    return int(run_id)


async def finish_run(
    conn: AsyncConnection, run_id: int, status: str, reason: str | None = None
) -> None:
    await conn.execute(
        update(runs)
        .where(runs.c.id == run_id)
        .values(status=status, status_reason=reason, finished_at=datetime.now(UTC))
    )


async def count_telemetry(conn: AsyncConnection, run_id: int) -> int:
    return int(
        await conn.scalar(
            select(func.count()).select_from(telemetry).where(telemetry.c.run_id == run_id)
        )
        or 0
    )


async def copy_parts(
    conn: AsyncConnection, run_id: int, start_sim: datetime, records: Sequence[PartRecord]
) -> None:
    if not records:
        return
    rows = [
        (
            run_id,
            p.part_id,
            p.recipe_name,
            p.steel_grade,
            sim_time(start_sim, p.started_seq),
            sim_time(start_sim, p.finished_seq),
            p.surface_hrc,
            p.case_depth_mm,
            p.case_depth_iso_mm,
            p.peak_surface_temp_c,
            p.energy_part_kj,
            p.energy_coil_kj,
            p.profile_depth_mm.tolist(),
            p.profile_hv.tolist(),
            p.verdict,
            list(p.reasons),
            p.interrupted,
        )
        for p in records
    ]
    await _copy_records(conn, "parts", [c.name for c in parts.columns], rows)


EVENT_COLUMNS = [c.name for c in machine_events.columns if c.name != "id"]


async def copy_events(
    conn: AsyncConnection, run_id: int, start_sim: datetime, records: Sequence[EventRecord]
) -> None:
    if not records:
        return
    rows = [
        (
            run_id,
            e.seq,
            sim_time(start_sim, e.seq),
            e.kind,
            e.code,
            e.from_state,
            e.to_state,
            e.message,
            e.operator,
            e.comment,
            None,
        )
        for e in records
    ]
    await _copy_records(conn, "machine_events", EVENT_COLUMNS, rows)


async def insert_fault_injections(
    conn: AsyncConnection,
    run_id: int,
    start_sim: datetime,
    faults: Sequence[FaultInstance],
    source: str,
) -> None:
    rows = [
        {
            "run_id": run_id,
            "fault_type": f.fault_id,
            "severity": f.severity,
            "mode": str(f.mode),
            "source": source,
            "onset_seq": int(f.onset_s),
            "onset_sim": sim_time(start_sim, f.onset_s),
            "duration_s": f.duration_s,
            "cleared_sim": None if f.duration_s is None else sim_time(start_sim, f.end_s),
        }
        for f in faults
        if f.from_part is None
    ]
    if rows:
        await conn.execute(insert(fault_injections), rows)


async def _copy_records(
    conn: AsyncConnection, table: str, columns: list[str], rows: list[tuple[Any, ...]]
) -> None:
    driver = await driver_connection(conn)
    await driver.copy_records_to_table(table, records=rows, columns=columns)


# --- generation jobs ------------------------------------------------------------------------


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


async def update_job(conn: AsyncConnection, job_id: int, **values: Any) -> None:
    await conn.execute(
        update(generation_jobs).where(generation_jobs.c.id == job_id).values(**values)
    )


async def mark_interrupted_jobs(conn: AsyncConnection) -> int:
    """After a restart: every job still queued or running was cut off — say so, and mark its run."""
    rows = (
        await conn.execute(
            update(generation_jobs)
            .where(generation_jobs.c.status.in_(("queued", "running", "cancelling")))
            .values(status="failed", error=INTERRUPTED_BY_RESTART, finished_at=datetime.now(UTC))
            .returning(generation_jobs.c.run_id)
        )
    ).all()
    run_ids = [r.run_id for r in rows if r.run_id is not None]
    if run_ids:
        await conn.execute(
            update(runs)
            .where(runs.c.id.in_(run_ids))
            .values(status="interrupted", status_reason=INTERRUPTED_BY_RESTART)
        )
    return len(rows)
