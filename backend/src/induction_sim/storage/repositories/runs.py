"""The runs repository: list and read runs with their committed row count."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from induction_sim.errors import NotFoundError
from induction_sim.storage.tables import runs, telemetry


def is_complete(kind: str, status: str) -> bool:
    """Whether a run's dataset is whole: a batch run that completed (a live run never ends)."""
    return kind == "batch" and status == "completed"


def incomplete_warning(kind: str, status: str, reason: str | None) -> str | None:
    if kind == "batch" and status != "completed":
        why = f" ({reason})" if reason else ""
        return f"run status is {status!r}{why}: the dataset is incomplete"
    if kind == "live":
        return "a live run: the export holds the samples recorded up to the export"
    return None


def _runs_query() -> Select[Any]:
    """Runs with their committed row count (`rows`). A completed batch run was counted when it
    completed (the factory checks the count against rows_expected before it says so), so its
    count is not recounted; other runs are counted on the primary key."""
    counted = (
        select(func.count())
        .where(telemetry.c.run_id == runs.c.id)
        .correlate(runs)
        .scalar_subquery()
    )
    verified = (runs.c.kind == "batch") & (runs.c.status == "completed")
    rows = case((verified, runs.c.rows_expected), else_=counted)
    return select(runs, func.coalesce(rows, counted).label("rows"))


async def list_runs(conn: AsyncConnection, limit: int, before_id: int | None) -> Sequence[Row[Any]]:
    """Runs newest first, with `rows`; `before_id`: only runs older than it."""
    query = _runs_query().order_by(runs.c.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(runs.c.id < before_id)
    rows: Sequence[Row[Any]] = (await conn.execute(query)).all()
    return rows


async def get_run(conn: AsyncConnection, run_id: int) -> Row[Any] | None:
    """A run with `rows`, or None."""
    row: Row[Any] | None = (
        await conn.execute(_runs_query().where(runs.c.id == run_id))
    ).one_or_none()
    return row


async def run_row(conn: AsyncConnection, run_id: int) -> Row[Any]:
    """The run's row in `runs` (no count), or NotFoundError."""
    row = (await conn.execute(select(runs).where(runs.c.id == run_id))).one_or_none()
    if row is None:
        raise NotFoundError(f"run {run_id} does not exist")
    return row
