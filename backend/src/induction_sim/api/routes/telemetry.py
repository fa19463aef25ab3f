"""Telemetry history for the dashboard: columnar pages read by seq on the primary key.

A page has the same seq-keyed shape as the live stream's samples (`machine/sample_schema.py:
json_columns`): a sample's sim time is the page's `start_sim` + seq seconds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from induction_sim.api.deps import Conn
from induction_sim.api.params import MAX_BIGINT
from induction_sim.machine.sample_schema import JSON_FIELDS, MASKS, json_columns
from induction_sim.machine.signals import SIGNALS
from induction_sim.storage.repositories.telemetry import run_start, telemetry_after

router = APIRouter(tags=["telemetry"])

MAX_ROWS = 7_200  # two hours at 1 Hz: the dashboard's longest window with headroom
# what json_columns reads: the JSON fields' sources (the masks make `fault_labels`)
_SOURCES = (*(f for f in JSON_FIELDS if f != "fault_labels"), *(m for _, m in MASKS))


class SignalView(BaseModel):
    name: str
    unit: str
    description: str


class TelemetryPage(BaseModel):
    run_id: int
    start_sim: datetime = Field(description="sim time of seq 0: sample k is at start_sim + k s")
    columns: dict[str, list[Any]] = Field(
        description="seq, machine_state, part_id, alarm_code, fault_labels and every signal, "
        "as the live stream's samples; null is a sensor dropout"
    )


@router.get("/signals", response_model=list[SignalView])
async def list_signals() -> list[SignalView]:
    """The signal catalogue: names (as in every API, export and column), units, meaning."""
    return [SignalView(name=s.name, unit=s.unit, description=s.description) for s in SIGNALS]


@router.get(
    "/telemetry", response_model=TelemetryPage, responses={404: {"description": "unknown run"}}
)
async def get_telemetry(
    conn: Conn,
    run_id: Annotated[int, Query(ge=1, le=MAX_BIGINT, description="run to read")],
    after_seq: Annotated[
        int | None, Query(ge=-1, le=MAX_BIGINT, description="only samples with a larger seq")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_ROWS)] = 600,
) -> TelemetryPage:
    """The newest `limit` samples of a run after `after_seq`, oldest first, as columns."""
    start_sim = await run_start(conn, run_id)
    if start_sim is None:
        raise HTTPException(404, f"run {run_id} not found")
    query = telemetry_after(run_id, after_seq, limit, names=_SOURCES)
    newest_first = (await conn.execute(query)).all()
    # read newest first along the index; pages go oldest first
    by_column = zip(*reversed(newest_first), strict=True) if newest_first else [()] * len(_SOURCES)
    stored = {name: np.array(values) for name, values in zip(_SOURCES, by_column, strict=True)}
    return TelemetryPage(run_id=run_id, start_sim=start_sim, columns=json_columns(stored))
