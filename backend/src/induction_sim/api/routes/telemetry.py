"""Telemetry history for the dashboard: columnar pages read by seq on the primary key."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel
from sqlalchemy import select

from induction_sim.api.params import MAX_BIGINT
from induction_sim.api.state import app_state
from induction_sim.machine.signals import SIGNALS
from induction_sim.machine.states import MachineState
from induction_sim.storage.queries import seq_after, telemetry_after
from induction_sim.storage.tables import runs
from induction_sim.textfields import Timestamp

router = APIRouter(tags=["telemetry"])

MAX_ROWS = 7_200  # two hours at 1 Hz: the dashboard's longest window with headroom


class SignalView(BaseModel):
    name: str
    unit: str
    description: str


class TelemetryPage(BaseModel):
    run_id: int
    columns: dict[str, list[Any]]


@router.get("/signals", response_model=list[SignalView])
async def list_signals() -> list[SignalView]:
    """The signal catalogue: names (as in every API, export and column), units, meaning."""
    return [SignalView(name=s.name, unit=s.unit, description=s.description) for s in SIGNALS]


@router.get(
    "/telemetry", response_model=TelemetryPage, responses={404: {"description": "unknown run"}}
)
async def get_telemetry(
    request: Request,
    run_id: Annotated[int, Query(ge=1, le=MAX_BIGINT, description="run to read")],
    since: Annotated[
        Timestamp | None, Query(description="only samples after this timestamp_sim")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_ROWS)] = 600,
) -> TelemetryPage:
    """The newest `limit` samples of a run after `since`, oldest first, as columns."""
    state = app_state(request)
    async with state.engine.connect() as conn:
        start_sim = await conn.scalar(select(runs.c.start_sim).where(runs.c.id == run_id))
        if start_sim is None:
            raise HTTPException(404, f"run {run_id} not found")
        after_seq = None if since is None else seq_after(start_sim, since)
        newest_first = (await conn.execute(telemetry_after(run_id, after_seq, limit))).all()
    rows = newest_first[::-1]  # read newest first along the index; pages go oldest first
    columns: dict[str, list[Any]] = {
        "seq": [r.seq for r in rows],
        "timestamp_sim": [r.timestamp_sim.isoformat() for r in rows],
        "machine_state": [MachineState(r.machine_state).name for r in rows],
        "part_id": [r.part_id or None for r in rows],
        "alarm_code": [r.alarm_code or None for r in rows],
    }
    for s in SIGNALS:
        columns[s.name] = [_finite(getattr(r, s.name)) for r in rows]
    return TelemetryPage(run_id=run_id, columns=columns)


def _finite(value: float) -> float | None:
    """A sensor dropout is stored as NaN; JSON has no NaN, so it travels as null."""
    return None if value != value else value
