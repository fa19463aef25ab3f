"""Data-factory jobs: start (202, in the background), follow, list, cancel."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError
from sqlalchemy import select

from induction_sim.api.errors import describe_validation_errors
from induction_sim.api.params import IdPath
from induction_sim.api.security import OperatorOnly
from induction_sim.api.state import app_state
from induction_sim.drivers.factory import JobRefusedError, QueueFullError
from induction_sim.machine.scenario import BUILTIN, Scenario, name_or_object
from induction_sim.storage.tables import generation_jobs
from induction_sim.textfields import AS_OBJECT, BY_NAME, Integer, Line, Name, one_of

router = APIRouter(tags=["data factory"])

JobStatus = Literal["queued", "running", "cancelling", "succeeded", "failed", "cancelled"]


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


class JobView(BaseModel):
    id: int
    status: JobStatus
    scenario: str
    seed: int
    rows_requested: int
    rows_written: int = Field(description="rows committed in PostgreSQL")
    rows_done: int = Field(description="rows generated and copied so far (committed per shard)")
    progress: float = Field(ge=0.0, le=1.0)
    rows_per_s: float | None
    eta_s: float | None
    shards: int | None
    run_id: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    compute_s: float | None
    write_s: float | None
    error: str | None


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


def job_view(row: Any, live: dict[str, Any] | None) -> JobView:
    """A job row as the API shows it, with in-flight figures when it runs in this process."""
    done = live["rows_done"] if live else (row.rows_written if row.status != "running" else 0)
    requested = int(row.rows_requested)
    elapsed = (
        (row.finished_at - row.started_at).total_seconds()
        if row.finished_at and row.started_at
        else None
    )
    rate = live["rows_per_s"] if live else (row.rows_written / elapsed if elapsed else None)
    return JobView(
        id=row.id,
        status=row.status,
        scenario=str(row.scenario.get("name", "?")),
        seed=row.seed,
        rows_requested=requested,
        rows_written=row.rows_written,
        rows_done=done,
        progress=1.0 if row.status == "succeeded" else min(done / requested, 1.0),
        rows_per_s=rate,
        eta_s=live["eta_s"] if live else (0.0 if row.status == "succeeded" else None),
        shards=row.shards,
        run_id=row.run_id,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        compute_s=row.compute_s,
        write_s=row.write_s,
        error=row.error,
    )


async def _job(request: Request, job_id: int) -> JobView:
    state = app_state(request)
    async with state.engine.connect() as conn:
        row = (
            await conn.execute(select(generation_jobs).where(generation_jobs.c.id == job_id))
        ).one_or_none()
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
async def create_job(body: JobRequest, request: Request, background: BackgroundTasks) -> JobView:
    """Start a generation job; it runs in the background — follow it with GET /api/jobs/{id}."""
    state = app_state(request)
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
    request: Request, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[JobView]:
    state = app_state(request)
    async with state.engine.connect() as conn:
        rows = (
            await conn.execute(
                select(generation_jobs).order_by(generation_jobs.c.id.desc()).limit(limit)
            )
        ).all()
    return [job_view(r, state.factory.live(r.id)) for r in rows]


@router.get("/jobs/{job_id}", response_model=JobView, responses={404: {"description": "unknown"}})
async def get_job(job_id: IdPath, request: Request) -> JobView:
    return await _job(request, job_id)


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
    job_id: IdPath, request: Request, body: CancelRequest | None = None
) -> JobView:
    """Cancel a job (an action: the job and its record stay, ending `cancelled`): a queued one
    ends at once; a running one's shards roll back and its run is marked cancelled (incomplete).
    Who asked and why are recorded in the job's `error`."""
    job = await _job(request, job_id)
    if job.status not in ("queued", "running", "cancelling"):
        raise HTTPException(409, f"job {job_id} already {job.status}")
    client = request.client.host if request.client else "an unknown client"
    reason = body.reason if body is not None else None
    why = f"cancelled by request from {client}" + (f": {reason}" if reason else "")
    if not await app_state(request).factory.cancel(job_id, why):
        raise HTTPException(409, f"job {job_id} already ended")
    return await _job(request, job_id)
