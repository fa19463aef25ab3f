"""GET /api/health: is the server up, which database does it use, which version is it."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from induction_sim import ENGINE_VERSION, __version__
from induction_sim.api.state import app_state

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"]
    database: Literal["embedded", "external"]
    postgres_version: str
    version: str
    engine_version: str


@router.get("/health", response_model=Health, responses={503: {"description": "database down"}})
async def health(request: Request) -> Health:
    state = app_state(request)
    try:
        async with state.engine.connect() as conn:
            version = await conn.scalar(text("SHOW server_version"))
    except (OSError, SQLAlchemyError) as exc:
        raise HTTPException(503, f"database unreachable: {type(exc).__name__}") from exc
    return Health(
        status="ok",
        database=state.database.kind,
        postgres_version=str(version).split(" ")[0],
        version=__version__,
        engine_version=ENGINE_VERSION,
    )
