"""GET /api/health: is the product working — not only is the process up.

`ok` (200) only when the database answers and takes writes as far as this server can tell: the
live run's writer has not been failing for more than `WRITER_GRACE_S` and no generation job has
just failed for lack of storage. Otherwise `degraded` (503) with the reasons, so a load balancer,
a supervisor or the dashboard sees a broken product as broken.
"""

from __future__ import annotations

import time
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError

from induction_sim import ENGINE_VERSION, __version__
from induction_sim.api.loop_lag import LoopLagView
from induction_sim.api.state import AppState, app_state
from induction_sim.storage import database as db
from induction_sim.storage.database import pool_exhausted

router = APIRouter(tags=["health"])

WRITER_GRACE_S = 5.0  # a database restart or a long checkpoint is not yet "degraded"
STORAGE_FAILURE_MEMORY_S = 300.0  # a job failed for storage: degraded until one succeeds, or 5 min


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    detail: str = Field(description="'ok', or why the product is degraded (one line)")
    reasons: list[str] = Field(description="every reason for `degraded`; empty when ok")
    database: Literal["embedded", "external"]
    postgres_version: str | None = Field(description="null: the database did not answer")
    version: str
    engine_version: str
    event_loop: LoopLagView


def _write_problems(state: AppState) -> list[str]:
    problems = []
    runner = state.live
    if runner is not None and (since := runner.writer.failing_since) is not None:
        failing_s = time.monotonic() - since
        if failing_s > WRITER_GRACE_S:
            problems.append(
                f"live run writes failing for {failing_s:.0f} s "
                f"({runner.writer.last_error or 'unknown error'}); samples queued, retrying"
            )
    failure = state.factory.storage_failure
    if failure is not None and time.monotonic() - failure[0] < STORAGE_FAILURE_MEMORY_S:
        problems.append(f"a generation job failed for lack of storage: {failure[1]}")
    return problems


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": Health, "description": "degraded: `reasons` says why"}},
)
async def health(request: Request) -> Health | JSONResponse:
    state = app_state(request)
    problems: list[str] = []
    version: str | None = None
    try:
        async with state.engine.connect() as conn:
            version = await db.server_version(conn)
    except (OSError, SQLAlchemyError, TimeoutError) as exc:
        if pool_exhausted(exc):
            problems.append(f"database pool busy: no connection free within {db.POOL_TIMEOUT_S} s")
        else:
            problems.append(f"database unreachable: {type(exc).__name__}")
    problems += _write_problems(state)
    body = Health(
        status="degraded" if problems else "ok",
        detail="; ".join(problems) if problems else "ok",
        reasons=problems,
        database=state.database.kind,
        postgres_version=version,
        version=__version__,
        engine_version=ENGINE_VERSION,
        event_loop=state.loop_lag.view(),
    )
    if problems:
        return JSONResponse(body.model_dump(mode="json"), status_code=503)
    return body
