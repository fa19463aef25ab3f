"""The parts repository: a run's finished parts with their quality and verdicts — true values
and the true verdict, what QA measured and the plant's verdict (`machine/inspection.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import Select, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from induction_sim.storage.sql_values import real_value
from induction_sim.storage.tables import parts

PART_COLUMNS: Final[tuple[str, ...]] = (
    "part_id",
    "recipe_name",
    "steel_grade",
    "started_sim",
    "finished_sim",
    "surface_hrc",
    "surface_hrc_measured",
    "hardness_inspected",
    "case_depth_mm",
    "case_depth_measured_mm",
    "case_depth_inspected",
    "case_depth_iso_mm",
    "peak_surface_temp_c",
    "energy_coil_kj",
    "energy_part_kj",
    "verdict",
    "reasons",
    "plant_verdict",
    "plant_reasons",
    "interrupted",
)
_REAL: Final = frozenset(
    {
        "surface_hrc",
        "surface_hrc_measured",
        "case_depth_mm",
        "case_depth_measured_mm",
        "case_depth_iso_mm",
        "peak_surface_temp_c",
        "energy_coil_kj",
        "energy_part_kj",
    }
)


def parts_query(run_id: int) -> Select[Any]:
    """The per-part quality table of a run, `PART_COLUMNS` (unmeasured values null), by part id."""
    p = parts.c
    return (
        select(*(real_value(p[n]).label(n) if n in _REAL else p[n] for n in PART_COLUMNS))
        .where(p.run_id == run_id)
        .order_by(p.part_id)
    )


async def parts_page(
    conn: AsyncConnection, run_id: int, after_part_id: int, limit: int
) -> tuple[Sequence[RowMapping], bool]:
    """Up to `limit` parts of a run after `after_part_id` with their hardness profiles, and
    whether more follow."""
    query = (
        parts_query(run_id)
        .add_columns(parts.c.profile_depth_mm, parts.c.profile_hv)
        .where(parts.c.part_id > after_part_id)
        .limit(limit + 1)
    )
    rows = (await conn.execute(query)).mappings().all()
    return rows[:limit], len(rows) > limit


async def latest_live_run_with_parts(conn: AsyncConnection, before_run_id: int) -> int | None:
    """The newest live run before `before_run_id` that finished a part (the live parts panel shows
    its parts until the new run finishes one)."""
    from induction_sim.storage.tables import runs  # here: this function is appended to the module

    run_id: int | None = await conn.scalar(
        select(parts.c.run_id)
        .where(
            parts.c.run_id < before_run_id,
            parts.c.run_id.in_(select(runs.c.id).where(runs.c.kind == "live")),
        )
        .order_by(parts.c.run_id.desc())
        .limit(1)
    )
    return run_id
