"""Data-factory jobs: start (202, in the background), follow, list, cancel."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError

from induction_sim.api.deps import Conn, State
from induction_sim.api.errors import describe_validation_errors
from induction_sim.api.job_views import JobView, job_view
from induction_sim.api.params import IdPath
from induction_sim.api.security import OperatorOnly
from induction_sim.api.state import AppState
from induction_sim.drivers.factory import JobRefusedError, QueueFullError
from induction_sim.machine.scenario import BUILTIN, Scenario, name_or_object
from induction_sim.storage.repositories import jobs
from induction_sim.textfields import AS_OBJECT, BY_NAME, Integer, Line, Name, one_of

router = APIRouter(tags=["data factory"])


class JobRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scenario: Annotated[
        Annotated[Name, Field(json_schema_extra=one_of(sorted(BUILTIN))), Tag(BY_NAME)]
        | Annotated[Scenario, Tag(AS_OBJECT)],
        Discriminator(name_or_object),
    ] = Field(description="built-in scenario name (see GET /api/scenarios) or a scenario object")
    rows: Integer = Field(gt=0, description="telemetry rows; one row is one second of machine time")
    # JSON integers beyond 2⁵³ are not exact in most clients (a browser's included).
    seed: Integer = Field(
        default=0, ge=0, le=2**53 - 1, description="same scenario + seed → same data"
    )


class ScenarioView(BaseModel):
    name: str
    description: str
    recipes: list[str]
    faults: list[str]


def _unprocessable(field: str, message: str) -> HTTPException:
    return HTTPException(422, f"{field}: {message}")


def resolve_scenario(value: str | dict[str, Any] | Scenario) -> Scenario:
    if isinstance(value, str):
        if value not in BUILTIN:
            known = ", ".join(sorted(BUILTIN))
            raise _unprocessable("scenario", f"unknown scenario {value!r}; built-in: {known}")
        return BUILTIN[value]
    try:
        return Scenario.model_validate(value)
    except ValidationError as exc:
        errors = [{**e, "loc": ("scenario", *e["loc"])} for e in exc.errors()]
        raise HTTPException(422, describe_validation_errors(errors)) from None


async def _job(state: AppState, job_id: int) -> JobView:
    async with state.engine.connect() as conn:
        row = await jobs.get_job(conn, job_id)
    if row is None:
        raise HTTPException(404, f"job {job_id} not found")
    return job_view(row, state.factory.live(job_id))


@router.get("/scenarios", response_model=list[ScenarioView])
async def list_scenarios() -> list[ScenarioView]:
    return [
        ScenarioView(
            name=s.name,
            description=s.description,
            recipes=[r.resolved().name for r in s.recipes],
            faults=sorted({f.fault for f in s.faults}),
        )
        for s in BUILTIN.values()
    ]


@router.post(
    "/jobs",
    status_code=202,
    response_model=JobView,
    dependencies=[OperatorOnly],
    responses={429: {"description": "the job queue is full: retry after `Retry-After` s"}},
)
async def create_job(body: JobRequest, state: State, background: BackgroundTasks) -> JobView:
    """Start a generation job; it runs in the background — follow it with GET /api/jobs/{id}."""
    if body.rows > state.settings.max_rows_per_job:
        raise _unprocessable(
            "rows", f"{body.rows:,} is above the maximum of {state.settings.max_rows_per_job:,}"
        )
    scenario = resolve_scenario(body.scenario)
    try:
        job = await state.factory.create(scenario, body.rows, body.seed)
    except JobRefusedError as exc:
        raise HTTPException(422, str(exc)) from None
    except QueueFullError as exc:
        raise HTTPException(
            429, str(exc), headers={"Retry-After": str(exc.retry_after_s)}
        ) from None
    try:
        view = job_view(job, None)  # from memory: no pooled connection needed to answer
    except BaseException:
        await state.factory.abandon(job.id, "failed: its request could not be answered")
        raise
    background.add_task(state.factory.launch, job.id)
    return view


@router.get("/jobs", response_model=list[JobView])
async def list_jobs(
    state: State, conn: Conn, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[JobView]:
    rows = await jobs.recent_jobs(conn, limit)
    return [job_view(r, state.factory.live(r.id)) for r in rows]


@router.get("/jobs/{job_id}", response_model=JobView, responses={404: {"description": "unknown"}})
async def get_job(job_id: IdPath, state: State) -> JobView:
    return await _job(state, job_id)


class CancelRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Line | None = Field(default=None, description="why; kept with the job")


@router.post(
    "/jobs/{job_id}/cancel",
    dependencies=[OperatorOnly],
    status_code=202,
    response_model=JobView,
    responses={404: {"description": "unknown"}, 409: {"description": "already finished"}},
)
async def cancel_job(
    job_id: IdPath, request: Request, state: State, body: CancelRequest | None = None
) -> JobView:
    """Cancel a job (an action: the job and its record stay, ending `cancelled`): a queued one
    ends at once; a running one's shards roll back and its run is marked cancelled (incomplete).
    Who asked and why are recorded in the job's `error`."""
    job = await _job(state, job_id)
    if job.status not in ("queued", "running", "cancelling"):
        raise HTTPException(409, f"job {job_id} already {job.status}")
    client = request.client.host if request.client else "an unknown client"
    reason = body.reason if body is not None else None
    why = f"cancelled by request from {client}" + (f": {reason}" if reason else "")
    if not await state.factory.cancel(job_id, why):
        raise HTTPException(409, f"job {job_id} already ended")
    return await _job(state, job_id)
