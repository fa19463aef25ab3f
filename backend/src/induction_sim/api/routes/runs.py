"""Runs: list and inspect them, page through their parts, export them for ML with a manifest."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import aclosing
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncConnection

from induction_sim.api.deps import Conn, State
from induction_sim.api.params import MAX_BIGINT, IdPath
from induction_sim.errors import NotFoundError
from induction_sim.storage import export
from induction_sim.storage.repositories import parts as parts_repo
from induction_sim.storage.repositories import runs as runs_repo

router = APIRouter(tags=["runs"])

RunKind = Literal["live", "batch"]
RunStatus = Literal["running", "completed", "failed", "cancelled", "interrupted"]
if TYPE_CHECKING:
    ExportFormat = str
else:
    # The export registry's names (storage/export/formats.py): a new format appears here, in
    # the OpenAPI schema and in the dashboard's types without an edit.
    ExportFormat = StrEnum("ExportFormat", {name: name for name in export.FORMATS})


class RunView(BaseModel):
    id: int
    kind: RunKind
    status: RunStatus
    status_reason: str | None
    complete: bool = Field(description="a batch run whose rows are all committed")
    scenario: str | None = Field(description="scenario name (batch runs)")
    seed: int | None
    engine_version: str
    start_sim: datetime
    created_at: datetime
    finished_at: datetime | None
    rows_expected: int | None
    rows: int = Field(description="telemetry rows committed")


class RunDetail(RunView):
    scenario_data: dict[str, Any] | None = Field(description="the scenario as stored")
    recipe: dict[str, Any] | None


class PartView(BaseModel):
    part_id: int
    recipe_name: str
    steel_grade: str
    started_sim: datetime
    finished_sim: datetime
    surface_hrc: float | None = Field(description="true surface HRC; null: never heated")
    surface_hrc_measured: float | None = Field(
        description="Rockwell C reading of QA; null: the part was not hardness-tested"
    )
    hardness_inspected: bool = Field(description="QA tested the surface hardness")
    case_depth_mm: float | None = Field(description="true SAE J423 effective case depth")
    case_depth_measured_mm: float | None = Field(
        description="SAE J423 case depth from QA's microhardness traverse; null: not sectioned"
    )
    case_depth_inspected: bool = Field(description="QA sectioned the part (destructive)")
    case_depth_iso_mm: float | None = Field(description="ISO 18203 SHD")
    peak_surface_temp_c: float | None
    energy_coil_kj: float | None = Field(description="energy delivered to the coil for the part")
    energy_part_kj: float | None = Field(description="energy absorbed by the part")
    profile_depth_mm: list[float] | None = Field(
        description="hardness profile: depths below the surface; null: the part was never heated"
    )
    profile_hv: list[float] | None = Field(description="hardness profile: HV at each depth")
    verdict: Literal["OK", "NOK"] = Field(description="on the true values: the label")
    reasons: list[str]
    plant_verdict: Literal["OK", "NOK"] = Field(
        description="the plant's: on what QA measured (nothing on a part it did not inspect) "
        "and the process monitors"
    )
    plant_reasons: list[str]
    interrupted: bool


class PartsPage(BaseModel):
    run_id: int
    parts: list[PartView]
    next_after_part_id: int | None = Field(
        description="pass as after_part_id for the next page; null: this was the last"
    )


def _view(row: Any) -> dict[str, Any]:
    scenario = row.scenario or {}
    return {
        "id": row.id,
        "kind": row.kind,
        "status": row.status,
        "status_reason": row.status_reason,
        "complete": runs_repo.is_complete(row.kind, row.status),
        "scenario": scenario.get("name"),
        "seed": row.seed,
        "engine_version": row.engine_version,
        "start_sim": row.start_sim,
        "created_at": row.created_at,
        "finished_at": row.finished_at,
        "rows_expected": row.rows_expected,
        "rows": int(row.rows),
    }


def _part(row: Any) -> PartView:
    profile = {key: row[key] or None for key in ("profile_depth_mm", "profile_hv")}
    return PartView(**{**row, **profile})


def _not_found(exc: NotFoundError) -> HTTPException:
    return HTTPException(404, str(exc))


async def _require_run(conn: AsyncConnection, run_id: int) -> Any:
    try:
        return await runs_repo.run_row(conn, run_id)
    except NotFoundError as exc:
        raise _not_found(exc) from None


@router.get("/runs", response_model=list[RunView])
async def list_runs(
    conn: Conn,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    before_id: Annotated[
        int | None, Query(ge=1, le=MAX_BIGINT, description="page: runs older than this")
    ] = None,
) -> list[RunView]:
    """Recent runs, newest first."""
    return [RunView(**_view(r)) for r in await runs_repo.list_runs(conn, limit, before_id)]


@router.get("/runs/{run_id}", response_model=RunDetail, responses={404: {"description": "unknown"}})
async def get_run(run_id: IdPath, conn: Conn) -> RunDetail:
    row = await runs_repo.get_run(conn, run_id)
    if row is None:
        raise HTTPException(404, f"run {run_id} does not exist")
    return RunDetail(**_view(row), scenario_data=row.scenario, recipe=row.recipe)


@router.get(
    "/runs/{run_id}/parts", response_model=PartsPage, responses={404: {"description": "unknown"}}
)
async def list_parts(
    run_id: IdPath,
    conn: Conn,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    after_part_id: Annotated[
        int, Query(ge=0, le=MAX_BIGINT, description="page: parts after this id")
    ] = 0,
) -> PartsPage:
    """A run's finished parts with their quality and verdict, by part id."""
    await _require_run(conn, run_id)
    rows, more = await parts_repo.parts_page(conn, run_id, after_part_id, limit)
    page = [_part(r) for r in rows]
    return PartsPage(
        run_id=run_id, parts=page, next_after_part_id=page[-1].part_id if more else None
    )


@router.get(
    "/runs/{run_id}/manifest",
    responses={404: {"description": "unknown"}},
    response_model=dict[str, Any],
)
async def get_manifest(run_id: IdPath, conn: Conn) -> dict[str, Any]:
    """The run's dataset card: provenance, columns with units and meaning, label dictionary,
    fault onsets, class balance, per-part quality table and verdict summary."""
    try:
        return await export.manifest(conn, run_id)
    except NotFoundError as exc:
        raise _not_found(exc) from None


@router.get(
    "/runs/{run_id}/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {f.media_type: {} for f in export.FORMATS.values()},
            "description": "the run's telemetry with decoded labels, ordered by seq; the "
            "X-Run-Status and X-Run-Complete headers carry the run's status (an incomplete "
            "run is exportable, and says so there and in its manifest)",
        },
        404: {"description": "unknown run"},
        422: {"description": "unsupported format"},
    },
)
async def export_run(
    run_id: IdPath,
    state: State,
    format_: Annotated[ExportFormat, Query(alias="format")] = "parquet",
) -> StreamingResponse:
    """Stream a run's labelled telemetry in one of the export formats (never the whole run in
    memory)."""
    chosen = export.file_format(format_)
    # a connection of its own, given back before the stream starts (which reads on another)
    async with state.engine.connect() as conn:
        run = await _require_run(conn, run_id)
    headers = {
        "Content-Disposition": f'attachment; filename="run-{run_id}.{chosen.suffix}"',
        "X-Run-Status": run.status,
        "X-Run-Complete": "true" if runs_repo.is_complete(run.kind, run.status) else "false",
    }

    async def body() -> AsyncIterator[bytes]:
        async with aclosing(export.iter_export(state.engine, run_id, chosen.name)) as stream:
            async for chunk in stream:
                yield chunk

    return StreamingResponse(body(), media_type=chosen.media_type, headers=headers)


@router.get(
    "/runs/{run_id}/export/parts",
    response_class=Response,
    responses={
        200: {
            "content": {f.media_type: {} for f in export.FORMATS.values()},
            "description": "the run's parts table (one row per part: true and measured quality, "
            "verdicts), the file the manifest's `parts` describes",
        },
        404: {"description": "unknown run"},
        422: {"description": "unsupported format"},
    },
)
async def export_parts(
    run_id: IdPath,
    conn: Conn,
    format_: Annotated[ExportFormat, Query(alias="format")] = "parquet",
) -> Response:
    """A run's parts table as one file in an export format (a few thousand rows: not streamed)."""
    chosen = export.file_format(format_)
    try:
        table = await export.parts_table(conn, run_id)
    except NotFoundError as exc:
        raise _not_found(exc) from None
    name = export.parts_file_name(run_id, chosen)
    return Response(
        await asyncio.to_thread(export.encode, table, chosen),
        media_type=chosen.media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
