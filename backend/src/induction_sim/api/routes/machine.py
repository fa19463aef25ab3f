"""The live machine: snapshot, operator commands, alarms, fault injection (through its facade,
`drivers/live.py: LiveMachine`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path
from pydantic import BaseModel, ConfigDict, Field, Strict

from induction_sim.api.deps import NO_LIVE_MACHINE, Conn, Live
from induction_sim.api.params import MAX_BIGINT, IdPath
from induction_sim.api.security import OperatorOnly
from induction_sim.drivers.live import AlarmRecord, Command, CommandError, FaultRecord, LiveMachine
from induction_sim.machine.faults import BY_ID, CATALOGUE, OnsetMode
from induction_sim.textfields import FreeText, Name, Number, Real, one_of

NO_LIVE: dict[int | str, dict[str, Any]] = {404: {"description": NO_LIVE_MACHINE}}
router = APIRouter(tags=["live machine"])


class LoopView(BaseModel):
    """How the live loop keeps time and how far the database lags (see drivers/live_writer.py)."""

    ticks: int = Field(description="samples produced since the server started")
    window: int = Field(description="recent ticks the lateness figures cover (at most 3,600)")
    late_p50_ms: float | None = Field(description="how late a tick woke after its deadline")
    late_p99_ms: float | None
    late_max_ms: float | None
    queued_samples: int = Field(description="samples waiting for the database")
    lost_samples: int = Field(description="dropped from a full queue (database away for days)")
    database_failing_s: float | None = Field(
        description="for how long database writes have failed; null: they succeed"
    )
    dead_letter_rows: int = Field(
        description="rows PostgreSQL refused for their content, set aside instead of written"
    )
    dead_letter_file: str | None = Field(description="where they are kept (JSON lines)")


class AlarmView(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    run_id: int = Field(description="the live run it was raised in")
    id: int = Field(description="the seq it was raised at: unique within its run")
    code: int
    name: str
    text: str
    action: str
    active: bool
    raised_at: datetime
    acknowledged_by: str | None
    ack_comment: str | None
    acknowledged_at: datetime | None
    reset_at: datetime | None


class MachineView(BaseModel):
    run_id: int
    start_sim: datetime = Field(description="sim time of the run's seq 0 (sample k: + k s)")
    seq: int
    state: str
    seconds_in_state: int
    part_id: int | None
    parts_made: int
    previous_parts_run: int | None = Field(
        description="the newest earlier live run that finished parts (shown until this run has)"
    )
    recipe: str
    speed: float
    alarm: AlarmView | None
    active_faults: list[dict[str, Any]]
    last_sample: dict[str, Any] | None
    energy_window_kj: tuple[float, float]
    loop: LoopView


class AckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    operator: Name = Field(description="who acknowledges")
    comment: Annotated[FreeText, Field(max_length=500)] | None = None
    run_id: int | None = Field(
        default=None, ge=1, le=2**53 - 1, description="the alarm's run (default: the live run)"
    )


class FaultTypeView(BaseModel):
    id: str
    name: str
    subsystem: str
    description: str
    signature: str
    outcome: str
    sensor_only: bool
    alarm: int | None


class FaultRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Name = Field(
        description="catalogue fault id (GET /api/faults/catalog)",
        json_schema_extra=one_of(sorted(BY_ID)),
    )
    severity: Real = Field(ge=0.0, le=1.0)
    mode: OnsetMode = OnsetMode.STEP
    duration_s: Number | None = Field(
        default=None, gt=0.0, le=7 * 86_400, description="None: until cleared"
    )


class FaultView(BaseModel):
    id: int
    run_id: int = Field(description="the live run it was injected into")
    type: str
    severity: float
    mode: str
    duration_s: float | None
    onset_seq: int
    onset_at: datetime
    cleared: bool


def _alarm(a: AlarmRecord) -> AlarmView:
    return AlarmView.model_validate(a)


def _fault(f: FaultRecord) -> FaultView:
    row = f.row
    return FaultView(
        id=row.id,
        run_id=row.run_id,
        type=row.fault_type,
        severity=row.severity,
        mode=row.mode,
        duration_s=row.duration_s,
        onset_seq=row.onset_seq,
        onset_at=row.onset_sim,
        cleared=f.cleared,
    )


def _snapshot(live: LiveMachine) -> MachineView:
    s = live.snapshot()
    return MachineView(
        run_id=s.run_id,
        start_sim=s.start_sim,
        seq=s.seq,
        state=s.state,
        seconds_in_state=s.seconds_in_state,
        part_id=s.part_id,
        parts_made=s.parts_made,
        previous_parts_run=s.previous_parts_run,
        recipe=s.recipe,
        speed=s.speed,
        alarm=None if s.alarm is None else _alarm(s.alarm),
        active_faults=s.active_faults,
        last_sample=s.last_sample,
        energy_window_kj=s.energy_window_kj,
        loop=LoopView(**s.loop),
    )


@router.get("/machine", response_model=MachineView, responses=NO_LIVE)
async def machine_snapshot(live: Live) -> MachineView:
    return _snapshot(live)


class DoorRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    open: Annotated[bool, Strict()] = Field(
        description="true opens the safety door (trips the door interlock)"
    )


# Declared before /machine/{command}: the first matching route answers.
@router.post(
    "/machine/door",
    dependencies=[OperatorOnly],
    response_model=MachineView,
    responses={**NO_LIVE, 409: {"description": "no change"}},
)
async def machine_door(body: DoorRequest, live: Live) -> MachineView:
    """Open or close the safety door (opening it trips the door interlock)."""
    try:
        live.door(body.open)
    except CommandError as exc:
        raise HTTPException(409, str(exc)) from None
    return _snapshot(live)


@router.post(
    "/machine/{command}",
    dependencies=[OperatorOnly],
    response_model=MachineView,
    responses={**NO_LIVE, 409: {"description": "refused in the machine's current state"}},
)
async def machine_command(command: Command, live: Live) -> MachineView:
    """Operator commands: start, stop (after the cycle), reset (after acknowledge), estop."""
    try:
        live.command(command)
    except CommandError as exc:
        raise HTTPException(409, str(exc)) from None
    return _snapshot(live)


@router.get("/alarms", response_model=list[AlarmView], responses=NO_LIVE)
async def list_alarms(live: Live, conn: Conn) -> list[AlarmView]:
    """Alarms of the recent live runs (this one and those before a restart), newest first, at
    most 100: history from the database, the latched alarm from the machine."""
    return [_alarm(a) for a in await live.alarms(conn)]


@router.post(
    "/alarms/{alarm_id}/ack",
    dependencies=[OperatorOnly],
    response_model=AlarmView,
    responses={
        404: {"description": f"unknown alarm, or {NO_LIVE_MACHINE}"},
        409: {"description": "already acknowledged, reset, or of a run that is no longer live"},
    },
)
async def acknowledge_alarm(
    alarm_id: Annotated[int, Path(ge=0, le=MAX_BIGINT)], body: AckRequest, live: Live, conn: Conn
) -> AlarmView:
    """Acknowledge the live run's latched alarm (`id` and `run_id` from GET /api/alarms)."""
    try:
        alarm = await live.acknowledge(conn, alarm_id, body.operator, body.comment, body.run_id)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    except (ValueError, CommandError) as exc:
        raise HTTPException(409, str(exc)) from None
    return _alarm(alarm)


@router.get("/faults/catalog", response_model=list[FaultTypeView])
async def fault_catalog() -> list[FaultTypeView]:
    return [
        FaultTypeView(
            id=f.id,
            name=f.name,
            subsystem=f.subsystem,
            description=f.description,
            signature=f.signature,
            outcome=f.outcome,
            sensor_only=f.sensor_only,
            alarm=int(f.alarm) if f.alarm else None,
        )
        for f in CATALOGUE
    ]


@router.get("/faults", response_model=list[FaultView], responses=NO_LIVE)
async def list_faults(live: Live, conn: Conn) -> list[FaultView]:
    """Faults injected from the HMI into the recent live runs, newest first, at most 100 (kept in
    the database: `fault_injections`, source 'operator')."""
    return [_fault(f) for f in await live.faults(conn)]


@router.post(
    "/faults",
    status_code=201,
    response_model=FaultView,
    dependencies=[OperatorOnly],
    responses=NO_LIVE,
)
async def inject_fault(body: FaultRequest, live: Live) -> FaultView:
    if body.type not in BY_ID:
        known = ", ".join(sorted(BY_ID))
        raise HTTPException(422, f"type: unknown fault {body.type!r}; known: {known}")
    return _fault(await live.inject(body.type, body.severity, body.mode, body.duration_s))


@router.delete(
    "/faults/{fault_id}",
    dependencies=[OperatorOnly],
    response_model=FaultView,
    responses={
        404: {"description": f"unknown fault, or {NO_LIVE_MACHINE}"},
        409: {"description": "already cleared, or of a run that is no longer live"},
    },
)
async def clear_fault(fault_id: IdPath, live: Live, conn: Conn) -> FaultView:
    try:
        return _fault(await live.clear(conn, fault_id))
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    except (ValueError, CommandError) as exc:
        raise HTTPException(409, str(exc)) from None
