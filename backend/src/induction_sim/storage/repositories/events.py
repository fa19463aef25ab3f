"""Machine events and operator fault injections of live runs: the alarm and fault history.

History comes from the store, so it outlives the server; the live machine overlays what it has
not written yet (drivers/live.py). "Recent" is bounded twice: the newest `RECENT_LIVE_RUNS` live
runs, and a row limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import ScalarSelect, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from induction_sim.machine.faults import FaultInstance, OnsetMode
from induction_sim.storage.records import schedule_fields
from induction_sim.storage.tables import fault_injections, machine_events, runs

ALARM_KINDS: Final = ("alarm_raised", "alarm_acknowledged", "alarm_reset")
RECENT_LIVE_RUNS: Final = 20
OPERATOR: Final = "operator"  # fault_injections.source of faults injected from the HMI


@dataclass(frozen=True)
class AlarmEvent:
    run_id: int
    seq: int
    kind: str  # one of ALARM_KINDS
    code: int | None
    operator: str | None
    comment: str | None
    at: datetime  # timestamp_sim


@dataclass(frozen=True)
class OperatorFault:
    """A fault injected from the HMI: one row of `fault_injections` (source 'operator')."""

    id: int
    run_id: int
    fault_type: str
    severity: float
    mode: str
    onset_seq: int
    onset_sim: datetime
    duration_s: float | None  # as asked; None: until cleared
    cleared_sim: datetime | None


def _recent_live_runs() -> ScalarSelect[Any]:
    return (
        select(runs.c.id)
        .where(runs.c.kind == "live")
        .order_by(runs.c.id.desc())
        .limit(RECENT_LIVE_RUNS)
        .scalar_subquery()
    )


async def live_alarm_events(conn: AsyncConnection, limit: int) -> list[AlarmEvent]:
    """The newest `limit` alarm events of recent live runs, oldest first (in the order written:
    by run, seq, then insertion)."""
    e = machine_events
    query = (
        select(
            e.c.run_id, e.c.seq, e.c.kind, e.c.code, e.c.operator, e.c.comment, e.c.timestamp_sim
        )
        .where(e.c.kind.in_(ALARM_KINDS), e.c.run_id.in_(_recent_live_runs()))
        .order_by(e.c.run_id.desc(), e.c.seq.desc(), e.c.id.desc())
        .limit(limit)
    )
    rows = (await conn.execute(query)).all()
    return [
        AlarmEvent(r.run_id, r.seq, r.kind, r.code, r.operator, r.comment, r.timestamp_sim)
        for r in reversed(rows)
    ]


def _fault(row: Any) -> OperatorFault:
    return OperatorFault(
        id=row.id,
        run_id=row.run_id,
        fault_type=row.fault_type,
        severity=float(row.severity),
        mode=row.mode,
        onset_seq=row.onset_seq,
        onset_sim=row.onset_sim,
        duration_s=row.duration_s,
        cleared_sim=row.cleared_sim,
    )


async def live_operator_faults(conn: AsyncConnection, limit: int) -> list[OperatorFault]:
    """Faults injected from the HMI into recent live runs, newest first."""
    f = fault_injections
    query = (
        select(f)
        .where(f.c.source == OPERATOR, f.c.run_id.in_(_recent_live_runs()))
        .order_by(f.c.id.desc())
        .limit(limit)
    )
    return [_fault(r) for r in await conn.execute(query)]


async def operator_fault(conn: AsyncConnection, fault_id: int) -> OperatorFault | None:
    f = fault_injections
    row = (
        await conn.execute(select(f).where(f.c.id == fault_id, f.c.source == OPERATOR))
    ).one_or_none()
    return None if row is None else _fault(row)


async def reserve_fault_id(conn: AsyncConnection) -> int:
    """The id the next injected fault's row will have, known before the row is written."""
    reserved = await conn.scalar(
        select(func.nextval(text("pg_get_serial_sequence('fault_injections', 'id')")))
    )
    assert reserved is not None  # nextval always answers
    return int(reserved)


async def save_operator_faults(conn: AsyncConnection, faults: Sequence[OperatorFault]) -> None:
    """Insert or update (a clear) each fault by id: writing the same state twice is harmless, so a
    retry after a lost commit acknowledgement changes nothing."""
    if not faults:
        return
    statement = pg_insert(fault_injections).values(
        [
            {
                "id": f.id,
                "run_id": f.run_id,
                "fault_type": f.fault_type,
                "severity": f.severity,
                "mode": f.mode,
                "source": OPERATOR,
                "onset_seq": f.onset_seq,
                "onset_sim": f.onset_sim,
                "duration_s": f.duration_s,
                "cleared_sim": f.cleared_sim,
                # the HMI injects with the catalogue's default schedule
                **schedule_fields(FaultInstance(f.fault_type, f.severity, OnsetMode(f.mode), 0.0)),
            }
            for f in faults
        ]
    )
    await conn.execute(
        statement.on_conflict_do_update(
            index_elements=[fault_injections.c.id],
            set_={
                "cleared_sim": func.coalesce(
                    statement.excluded.cleared_sim, fault_injections.c.cleared_sim
                )
            },
        )
    )
