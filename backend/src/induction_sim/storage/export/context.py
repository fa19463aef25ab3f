"""What the export needs beyond the telemetry rows: the run's recipes (which one each sample
ran) and its fault schedule (each fault's scheduled severity, read together with the stored
`faults_acting` mask into an effective severity). Loaded once per export, before any row."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from induction_sim.machine.faults import BY_ID, FaultInstance, OnsetMode
from induction_sim.machine.recipe import Recipe
from induction_sim.machine.scenario import Scenario
from induction_sim.storage.sql_values import real_value
from induction_sim.storage.tables import SCHEDULE_FIELDS, fault_injections

NO_RECIPE: Final = -1  # a sample whose recipe this version cannot tell (null in the export)


@dataclass(frozen=True)
class RunContext:
    """The recipes of a run, as `recipes` (name → recipe) and the index into them of every
    shift (`shift_recipes`, shifts of `shift_rows` samples; a live run is one shift), and the
    run's fault instances as the engine had them."""

    recipes: tuple[Recipe, ...] = ()
    shift_recipes: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    shift_rows: int = 0  # 0: one shift for the whole run
    faults: tuple[FaultInstance, ...] = ()

    @property
    def recipe_names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.recipes)

    def recipe_codes(self, seq: NDArray[np.int64]) -> NDArray[np.int64]:
        """Index into `recipes` of each sample's recipe (`NO_RECIPE` where unknown)."""
        out = np.full(seq.shape, NO_RECIPE, dtype=np.int64)
        n = self.shift_recipes.size
        shift = seq // self.shift_rows if self.shift_rows else np.zeros_like(seq)
        inside = (shift >= 0) & (shift < n)
        out[inside] = self.shift_recipes[shift[inside]]
        return out


def _recipes(run: Any) -> tuple[tuple[Recipe, ...], NDArray[np.int64], int]:
    """A batch run's recipe per shift (drawn from its scenario and seed as the factory drew
    them); a live run's one recipe. Empty when the stored scenario no longer validates."""
    try:
        if run.scenario is not None and run.seed is not None:
            scenario = Scenario.model_validate(run.scenario)
            shifts = max(1, scenario.shards(int(run.rows_expected or 0)))
            drawn = [scenario.shift_recipe(int(run.seed), k) for k in range(shifts)]
            names: dict[str, int] = {}
            recipes: list[Recipe] = []
            codes = []
            for r in drawn:
                if r.name not in names:
                    names[r.name] = len(recipes)
                    recipes.append(r)
                codes.append(names[r.name])
            return tuple(recipes), np.array(codes, dtype=np.int64), scenario.shift_rows
        if run.recipe is not None:
            return (Recipe.model_validate(run.recipe),), np.zeros(1, dtype=np.int64), 0
    except ValidationError:
        pass  # made by a version whose scenarios or recipes read differently
    return (), np.zeros(0, dtype=np.int64), 0


def _seconds(at: datetime | None, start_sim: datetime) -> float | None:
    return None if at is None else (at - start_sim).total_seconds()


async def fault_schedule(conn: AsyncConnection, run_id: int, start_sim: datetime) -> list[Any]:
    """The run's `fault_injections` rows in onset order (severity as the stored REAL)."""
    f = fault_injections.c
    return list(
        await conn.execute(
            select(
                *(c for c in fault_injections.c if c.name != "severity"),
                real_value(f.severity).label("severity"),
            )
            .where(f.run_id == run_id)
            .order_by(f.onset_seq, f.id)
        )
    )


def instance_of(row: Any, start_sim: datetime) -> FaultInstance | None:
    """The engine's instance behind a `fault_injections` row (None: a fault this version does
    not know). The onset is the scheduled instant (`onset_sim`), the end the clear or the
    duration; schedule fields missing on older rows take the defaults of their time."""
    if row.fault_type not in BY_ID:
        return None
    onset_s = _seconds(row.onset_sim, start_sim)
    assert onset_s is not None  # NOT NULL
    cleared = _seconds(row.cleared_sim, start_sim)
    duration = row.duration_s if cleared is None else max(0.0, cleared - onset_s)
    schedule: dict[str, Any] = {
        name: float(getattr(row, name))
        for name in SCHEDULE_FIELDS
        if getattr(row, name) is not None and math.isfinite(float(getattr(row, name)))
    }
    return FaultInstance(
        row.fault_type,
        float(row.severity),
        OnsetMode(row.mode),
        onset_s=onset_s,
        duration_s=None if duration is None else float(duration),
        every_nth_heat=row.every_nth_heat,
        **schedule,
    )


async def run_context(conn: AsyncConnection, run: Any) -> RunContext:
    recipes, shift_recipes, shift_rows = _recipes(run)
    rows = await fault_schedule(conn, run.id, run.start_sim)
    faults = tuple(f for r in rows if (f := instance_of(r, run.start_sim)) is not None)
    return RunContext(recipes, shift_recipes, shift_rows, faults)
