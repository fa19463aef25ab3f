"""Writers and readers of the run-level tables: runs, jobs, parts, events, fault injections."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from induction_sim import ENGINE_VERSION
from induction_sim.machine.chunk import EventRecord, PartRecord, SampleChunk
from induction_sim.machine.faults import FaultInstance
from induction_sim.storage import advisory_locks
from induction_sim.storage.binary_copy import (
    bool_field,
    field_count,
    float4_array_field,
    float4_field,
    int_field,
    pg_microseconds,
    rows_payload,
    text_array_field,
    text_field,
)
from induction_sim.storage.database import copy_payload
from induction_sim.storage.repositories import jobs
from induction_sim.storage.tables import (
    fault_injections,
    generation_jobs,
    machine_events,
    parts,
    runs,
    telemetry,
)
from induction_sim.storage.telemetry_copy import TELEMETRY_FORMAT, telemetry_payload

INTERRUPTED_BY_RESTART = "interrupted: the process running the job stopped before it ended"


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


async def create_batch_run(
    conn: AsyncConnection, scenario: dict[str, Any], start_sim: datetime, seed: int, rows: int
) -> int:
    """A data-factory run: `rows` samples of `scenario` (as JSON data) from `seed`."""
    return await create_run(
        conn,
        kind="batch",
        start_sim=start_sim,
        recipe=None,
        scenario=scenario,
        seed=seed,
        rows_expected=rows,
    )


async def finish_run(
    conn: AsyncConnection, run_id: int, status: str, reason: str | None = None
) -> None:
    await conn.execute(
        update(runs)
        .where(runs.c.id == run_id)
        .values(status=status, status_reason=reason, finished_at=datetime.now(UTC))
    )


async def delete_runs(conn: AsyncConnection, run_ids: Sequence[int]) -> None:
    """Delete runs with their telemetry, parts and events (no foreign key takes those along:
    `storage/tables.py`); fault injections follow by ON DELETE CASCADE, jobs keep a null run."""
    ids = list(run_ids)
    for table in (telemetry, parts, machine_events):
        await conn.execute(delete(table).where(table.c.run_id.in_(ids)))
    await conn.execute(delete(runs).where(runs.c.id.in_(ids)))


async def count_telemetry(
    conn: AsyncConnection, run_id: int, seqs: tuple[int, int] | None = None
) -> int:
    """Committed rows of a run, or of its samples first ≤ seq < last when `seqs` is given."""
    query = select(func.count()).select_from(telemetry).where(telemetry.c.run_id == run_id)
    if seqs is not None:
        query = query.where(telemetry.c.seq >= seqs[0], telemetry.c.seq < seqs[1])
    return int(await conn.scalar(query) or 0)


def _no_lap(stage: str) -> None:
    pass


async def write_chunk(
    conn: AsyncConnection,
    run_id: int,
    start_sim: datetime,
    chunk: SampleChunk,
    lap: Callable[[str], None] = _no_lap,
) -> None:
    """A chunk's samples, finished parts and events, by binary COPY inside `conn`'s transaction:
    the one write path of the factory's shards, the live run's writer and the bench (which
    times each stage through `lap`, called with the stage's name as it ends)."""
    payload = telemetry_payload(run_id, start_sim, chunk.columns, chunk.true_values)
    lap("encode")
    await copy_payload(conn, "telemetry", TELEMETRY_FORMAT.names, payload)
    lap("COPY telemetry")
    await copy_parts(conn, run_id, start_sim, chunk.parts)
    lap("COPY parts")
    await copy_events(conn, run_id, start_sim, chunk.events)
    lap("COPY events")


# Parts and events go by binary COPY, a bytes object per row (`storage/binary_copy.py`): asyncpg's
# generic record COPY cost more than the engine per part (an abc check per array element).
PART_COLUMNS = [c.name for c in parts.columns]


async def copy_parts(
    conn: AsyncConnection, run_id: int, start_sim: datetime, records: Sequence[PartRecord]
) -> None:
    if records:
        payload = rows_payload(_part_row(run_id, pg_microseconds(start_sim), p) for p in records)
        await copy_payload(conn, "parts", PART_COLUMNS, payload)


def _part_row(run_id: int, start_us: int, p: PartRecord) -> bytes:
    return b"".join(
        (
            field_count(len(PART_COLUMNS)),
            int_field(run_id),
            int_field(p.part_id),
            text_field(p.recipe_name),
            text_field(p.steel_grade),
            int_field(start_us + p.started_seq * 1_000_000),
            int_field(start_us + p.finished_seq * 1_000_000),
            float4_field(p.surface_hrc),
            float4_field(p.case_depth_mm),
            float4_field(p.case_depth_iso_mm),
            float4_field(p.peak_surface_temp_c),
            float4_field(p.energy_part_kj),
            float4_field(p.energy_coil_kj),
            float4_array_field(p.profile_depth_mm),
            float4_array_field(p.profile_hv),
            text_field(p.verdict),
            text_array_field(p.reasons),
            bool_field(p.interrupted),
        )
    )


# fixed-width columns first, then the texts, which repeat (one encoding per distinct event text)
EVENT_COLUMNS = [
    "run_id",
    "seq",
    "timestamp_sim",
    "code",
    "kind",
    "from_state",
    "to_state",
    "message",
    "operator",
    "comment",
]
assert set(EVENT_COLUMNS) == {c.name for c in machine_events.columns} - {"id"}


async def copy_events(
    conn: AsyncConnection, run_id: int, start_sim: datetime, records: Sequence[EventRecord]
) -> None:
    if not records:
        return
    head = field_count(len(EVENT_COLUMNS)) + int_field(run_id)
    start_us = pg_microseconds(start_sim)
    payload = rows_payload(
        b"".join(
            (
                head,
                int_field(e.seq),
                int_field(start_us + e.seq * 1_000_000),
                int_field(e.code, "int2"),
                _event_texts(e.kind, e.from_state, e.to_state, e.message, e.operator, e.comment),
            )
        )
        for e in records
    )
    await copy_payload(conn, "machine_events", EVENT_COLUMNS, payload)


@lru_cache(maxsize=4096)
def _event_texts(*texts: str | None) -> bytes:
    return b"".join(text_field(t) for t in texts)


FAULT_ROWS_PER_STATEMENT = 1_000


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
    # in batches: each statement's parameters are built on the event loop
    for start in range(0, len(rows), FAULT_ROWS_PER_STATEMENT):
        await conn.execute(insert(fault_injections), rows[start : start + FAULT_ROWS_PER_STATEMENT])


# A job's owner (the server or CLI process running it) holds a session advisory lock on the job
# from its creation to its end: PostgreSQL drops it when the owner's connection dies, however the
# owner died, so "lock free" is exactly "nobody runs this job any more" — on any host.
JOB_LEASE_SPACE = advisory_locks.JOB_LEASES


async def take_job_lease(conn: AsyncConnection, job_id: int) -> None:
    await advisory_locks.lock(conn, JOB_LEASE_SPACE, job_id)


async def try_take_job_lease(conn: AsyncConnection, job_id: int) -> bool:
    """Take the lease unless a session holds it (never waits)."""
    return await advisory_locks.try_lock(conn, JOB_LEASE_SPACE, job_id)


async def release_job_lease(conn: AsyncConnection, job_id: int) -> None:
    await advisory_locks.unlock(conn, JOB_LEASE_SPACE, job_id)


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
                advisory_locks.free_in_transaction(JOB_LEASE_SPACE, generation_jobs.c.id),
            )
            .with_for_update(skip_locked=True)
        )
    ).all()
    now = datetime.now(UTC)
    for job in orphaned:
        committed = await count_telemetry(conn, job.run_id) if job.run_id is not None else 0
        complete = job.run_id is not None and committed == job.rows_requested
        await jobs.update_job(
            conn,
            job.id,
            status="succeeded" if complete else "failed",
            error=None if complete else INTERRUPTED_BY_RESTART,
            rows_written=committed,
            finished_at=now,
        )
        if job.run_id is not None:
            await conn.execute(
                update(runs)
                .where(runs.c.id == job.run_id)
                .values(
                    status="completed" if complete else "interrupted",
                    status_reason=None if complete else INTERRUPTED_BY_RESTART,
                    finished_at=now,
                )
            )
    return len(orphaned)
