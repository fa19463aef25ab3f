"""The live machine: snapshot, operator commands, alarms, fault injection, recipes."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Request
from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError

from induction_sim.api.deps import NO_LIVE_MACHINE, live_machine
from induction_sim.api.params import MAX_BIGINT, IdPath
from induction_sim.api.security import OperatorOnly
from induction_sim.api.state import app_state
from induction_sim.drivers.live import AlarmEntry, InjectedFault, LiveRunner
from induction_sim.machine.faults import BY_ID, CATALOGUE, OnsetMode
from induction_sim.machine.machine import CommandError
from induction_sim.machine.recipe import Recipe, builtin_recipes
from induction_sim.storage import records
from induction_sim.textfields import FreeText, Name, Number, one_of

NO_LIVE: dict[int | str, dict[str, Any]] = {404: {"description": NO_LIVE_MACHINE}}
router = APIRouter(tags=["live machine"])
log = logging.getLogger(__name__)

Command = Literal["start", "stop", "reset", "estop"]


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


class MachineView(BaseModel):
    run_id: int
    seq: int
    state: str
    seconds_in_state: int
    part_id: int | None
    parts_made: int
    recipe: str
    speed: float
    alarm: dict[str, Any] | None
    active_faults: list[dict[str, Any]]
    last_sample: dict[str, Any] | None
    energy_window_kj: tuple[float, float]
    loop: LoopView


class AlarmView(BaseModel):
    id: int
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


class AckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    operator: Name = Field(description="who acknowledges")
    comment: Annotated[FreeText, Field(max_length=500)] | None = None


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
    severity: Number = Field(ge=0.0, le=1.0)
    mode: OnsetMode = OnsetMode.STEP
    duration_s: Number | None = Field(
        default=None, gt=0.0, le=7 * 86_400, description="None: until cleared"
    )


class FaultView(BaseModel):
    id: int
    type: str
    severity: float
    mode: str
    duration_s: float | None
    onset_seq: int
    onset_at: datetime
    cleared: bool


def _alarm(a: AlarmEntry) -> AlarmView:
    return AlarmView(
        active=a.active, **{k: v for k, v in a.__dict__.items() if k in AlarmView.model_fields}
    )


def _fault(f: InjectedFault) -> FaultView:
    return FaultView(
        id=f.id,
        type=f.fault.fault_id,
        severity=f.fault.severity,
        mode=str(f.fault.mode),
        duration_s=f.fault.duration_s,
        onset_seq=int(f.fault.onset_s),
        onset_at=f.onset_at,
        cleared=f.cleared,
    )


def _snapshot(runner: LiveRunner) -> MachineView:
    m = runner.machine
    active = next((a for a in reversed(runner.alarms) if a.active), None)
    now = m.seq
    return MachineView(
        run_id=runner.run_id,
        seq=now,
        state=m.state.name,
        seconds_in_state=m.cursor.elapsed_s,
        part_id=m.cursor.part_id or None,
        parts_made=m.parts_finished,
        recipe=runner.recipe.name,
        speed=runner.speed,
        alarm=None if active is None else _alarm(active).model_dump(mode="json"),
        active_faults=[
            _fault(f).model_dump(mode="json")
            for f in runner.faults
            if not f.cleared and f.fault.end_s > now
        ],
        last_sample=runner.last_sample,
        energy_window_kj=runner.recipe.energy_window_kj,
        loop=LoopView(**runner.loop_view()),
    )


@router.get("/machine", response_model=MachineView, responses=NO_LIVE)
async def machine_snapshot(request: Request) -> MachineView:
    return _snapshot(live_machine(request))


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
async def machine_door(body: DoorRequest, request: Request) -> MachineView:
    """Open or close the safety door (opening it trips the door interlock)."""
    runner = live_machine(request)
    try:
        runner.machine.set_door(body.open)
    except CommandError as exc:
        raise HTTPException(409, str(exc)) from None
    return _snapshot(runner)


@router.post(
    "/machine/{command}",
    dependencies=[OperatorOnly],
    response_model=MachineView,
    responses={**NO_LIVE, 409: {"description": "refused in the machine's current state"}},
)
async def machine_command(command: Command, request: Request) -> MachineView:
    """Operator commands: start, stop (after the cycle), reset (after acknowledge), estop."""
    runner = live_machine(request)
    try:
        if command == "reset":
            runner.reset("operator")
        else:
            getattr(runner.machine, command)()
    except CommandError as exc:
        raise HTTPException(409, str(exc)) from None
    return _snapshot(runner)


@router.get("/alarms", response_model=list[AlarmView], responses=NO_LIVE)
async def list_alarms(request: Request) -> list[AlarmView]:
    """Active and recent alarms, newest first."""
    return [_alarm(a) for a in reversed(live_machine(request).alarms)]


@router.post(
    "/alarms/{alarm_id}/ack",
    dependencies=[OperatorOnly],
    response_model=AlarmView,
    responses={
        404: {"description": f"unknown alarm, or {NO_LIVE_MACHINE}"},
        409: {"description": "already acknowledged"},
    },
)
async def acknowledge_alarm(
    alarm_id: Annotated[int, Path(ge=0, le=MAX_BIGINT)], body: AckRequest, request: Request
) -> AlarmView:
    runner = live_machine(request)
    try:
        return _alarm(runner.acknowledge(alarm_id, body.operator, body.comment))
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    except (ValueError, CommandError) as exc:
        raise HTTPException(409, str(exc)) from None


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
async def list_faults(request: Request) -> list[FaultView]:
    """Faults injected into the live machine, newest first."""
    runner = live_machine(request)
    now = runner.machine.seq
    return [
        _fault(f).model_copy(update={"cleared": f.cleared or f.fault.end_s <= now})
        for f in reversed(runner.faults)
    ]


@router.post(
    "/faults",
    status_code=201,
    response_model=FaultView,
    dependencies=[OperatorOnly],
    responses=NO_LIVE,
)
async def inject_fault(body: FaultRequest, request: Request) -> FaultView:
    if body.type not in BY_ID:
        known = ", ".join(sorted(BY_ID))
        raise HTTPException(422, f"type: unknown fault {body.type!r}; known: {known}")
    runner = live_machine(request)
    return _fault(runner.inject(body.type, body.severity, body.mode, body.duration_s))


@router.delete(
    "/faults/{fault_id}",
    dependencies=[OperatorOnly],
    response_model=FaultView,
    responses={
        404: {"description": f"unknown fault, or {NO_LIVE_MACHINE}"},
        409: {"description": "already cleared"},
    },
)
async def clear_fault(fault_id: IdPath, request: Request) -> FaultView:
    runner = live_machine(request)
    try:
        return _fault(runner.clear(fault_id))
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    except (ValueError, CommandError) as exc:
        raise HTTPException(409, str(exc)) from None


@router.get("/recipes", response_model=list[Recipe])
async def list_recipes(request: Request) -> list[Recipe]:
    """The built-in recipes, then the ones operators added (kept in the database)."""
    async with app_state(request).engine.connect() as conn:
        added = await records.user_recipes(conn)
    return [*builtin_recipes().values(), *_still_valid(added)]


def _still_valid(stored: list[dict[str, Any]]) -> list[Recipe]:
    """Stored recipes that today's rules accept: one saved under older, looser rules is left out
    (and logged) instead of failing the whole list."""
    valid = []
    for data in stored:
        try:
            valid.append(Recipe.model_validate(data))
        except ValidationError as exc:
            log.warning("stored recipe %r no longer valid, not listed: %s", data.get("name"), exc)
    return valid


@router.post("/recipes", status_code=201, response_model=Recipe, dependencies=[OperatorOnly])
async def add_recipe(recipe: Recipe, request: Request) -> Recipe:
    """Add a recipe (validated; every error names its field). Names are unique."""
    conflict = HTTPException(409, f"name: a recipe named {recipe.name!r} exists already")
    if recipe.name in builtin_recipes():
        raise conflict
    async with app_state(request).engine.begin() as conn:
        if not await records.add_recipe(conn, recipe.name, recipe.model_dump(mode="json")):
            raise conflict
    return recipe
