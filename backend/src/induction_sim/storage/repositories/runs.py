"""The runs repository: create, finish, delete, list and read runs (with their committed row
count)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, case, delete, func, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from induction_sim import ENGINE_VERSION
from induction_sim.code_version import code_version
from induction_sim.errors import NotFoundError
from induction_sim.storage.tables import machine_events, parts, runs, telemetry


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


async def create_run(
    conn: AsyncConnection,
    *,
    kind: str,
    start_sim: datetime,
    recipe: dict[str, Any] | None,
    scenario: dict[str, Any] | None,
    seed: int | None,
    rows_expected: int | None,
) -> int:
    run_id = await conn.scalar(
        insert(runs)
        .values(
            kind=kind,
            status="running",
            recipe=recipe,
            scenario=scenario,
            seed=seed,
            engine_version=ENGINE_VERSION,
            code_version=code_version(),
            start_sim=start_sim,
            rows_expected=rows_expected,
        )
        .returning(runs.c.id)
    )
    assert run_id is not None
    return int(run_id)


async def create_batch_run(
    conn: AsyncConnection, scenario: dict[str, Any], start_sim: datetime, seed: int, rows: int
) -> int:
    """A data-factory run: `rows` samples of `scenario` (as JSON data) from `seed`."""
    return await create_run(
        conn,
        kind="batch",
        start_sim=start_sim,
        recipe=None,
        scenario=scenario,
        seed=seed,
        rows_expected=rows,
    )


async def finish_run(
    conn: AsyncConnection, run_id: int, status: str, reason: str | None = None
) -> None:
    await conn.execute(
        update(runs)
        .where(runs.c.id == run_id)
        .values(status=status, status_reason=reason, finished_at=datetime.now(UTC))
    )


async def delete_runs(conn: AsyncConnection, run_ids: Sequence[int]) -> None:
    """Delete runs with their telemetry, parts and events (no foreign key takes those along:
    `storage/tables.py`); fault injections follow by ON DELETE CASCADE, jobs keep a null run."""
    ids = list(run_ids)
    for table in (telemetry, parts, machine_events):
        await conn.execute(delete(table).where(table.c.run_id.in_(ids)))
    await conn.execute(delete(runs).where(runs.c.id.in_(ids)))
