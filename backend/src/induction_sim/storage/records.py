"""The bulk write path: a chunk's samples, parts and events by binary COPY (`write_chunk`, used
by the factory's shards, the live writer and the bench), and a run's fault injections."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from induction_sim.machine.chunk import EventRecord, PartRecord, SampleChunk
from induction_sim.machine.faults import FaultInstance
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
from induction_sim.storage.tables import (
    SCHEDULE_FIELDS,
    fault_injections,
    machine_events,
    parts,
)
from induction_sim.storage.telemetry_copy import TELEMETRY_FORMAT, telemetry_payload


def sim_time(start_sim: datetime, seq: int | float) -> datetime:
    return start_sim + timedelta(seconds=float(seq))


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
            _verdict_fields(p.verdict, p.reasons),
            bool_field(p.interrupted),
            _inspection_fields(p)
            if p.hardness_inspected or p.case_depth_inspected
            else _NOT_INSPECTED,
            _verdict_fields(p.plant_verdict, p.plant_reasons),
        )
    )


@lru_cache(maxsize=256)
def _verdict_fields(verdict: str, reasons: tuple[str, ...]) -> bytes:
    """A verdict and its reasons (a handful of distinct pairs per run: encoded once)."""
    return text_field(verdict) + text_array_field(reasons)


def _inspection_fields(p: PartRecord) -> bytes:
    return b"".join(
        (
            bool_field(p.hardness_inspected),
            float4_field(_measured(p.surface_hrc_measured)),
            bool_field(p.case_depth_inspected),
            float4_field(_measured(p.case_depth_measured_mm)),
        )
    )


def _measured(value: float) -> float | None:
    """A reading, or NULL where the part was not inspected (NaN in the engine)."""
    return None if value != value else value


# hardness_inspected, surface_hrc_measured, case_depth_inspected, case_depth_measured_mm of a
# part QA did not touch (most parts)
_NOT_INSPECTED = bool_field(False) + float4_field(None) + bool_field(False) + float4_field(None)


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


def first_sample(onset_s: float) -> int:
    """The first sample (at k s since the run's start) at or after `onset_s`."""
    return math.ceil(onset_s)


def schedule_fields(f: FaultInstance) -> dict[str, float | int | None]:
    """The `fault_injections` schedule columns of an instance (`tables.SCHEDULE_FIELDS`)."""
    return {
        **{name: float(getattr(f, name)) for name in SCHEDULE_FIELDS},
        "every_nth_heat": f.every_nth_heat,
    }


async def insert_fault_injections(
    conn: AsyncConnection,
    run_id: int,
    start_sim: datetime,
    faults: Sequence[FaultInstance],
    source: str,
) -> None:
    """The run's scheduled fault instances with every schedule field. `onset_seq` is the first
    sample the instance labels: sample k is at k s, so an onset drawn at 1234.4 s is first seen
    at sample 1235, while `onset_sim` keeps the scheduled instant. A "from part N" fault has no
    onset before the machine meets part N: it shows in the labels only."""
    rows = [
        {
            "run_id": run_id,
            "fault_type": f.fault_id,
            "severity": f.severity,
            "mode": str(f.mode),
            "source": source,
            "onset_seq": first_sample(f.onset_s),
            "onset_sim": sim_time(start_sim, f.onset_s),  # the scheduled instant
            "duration_s": f.duration_s,
            "cleared_sim": None if f.duration_s is None else sim_time(start_sim, f.end_s),
            **schedule_fields(f),
        }
        for f in faults
        if f.from_part is None
    ]
    # in batches: each statement's parameters are built on the event loop
    for start in range(0, len(rows), FAULT_ROWS_PER_STATEMENT):
        await conn.execute(insert(fault_injections), rows[start : start + FAULT_ROWS_PER_STATEMENT])
