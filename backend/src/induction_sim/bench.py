"""Benchmarks the project ships (`induction-sim bench`): measured, never asserted in tests.

Engine figures: one part's full thermal–metallurgical simulation, and a batch of machine
samples (physics + PLC + sensors + labels) generated as one chunk, as the data factory does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from induction_sim.machine.faults import FaultInstance, OnsetMode
from induction_sim.machine.machine import Machine, MachineConfig
from induction_sim.machine.recipe import Recipe, builtin_recipes
from induction_sim.physics.part import simulate_part


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    target: str
    note: str = ""


def best_of(repeats: int, fn: Callable[[], object]) -> float:
    """Best wall time of `repeats` runs, s (the least disturbed by a shared machine)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def engine_figures(rows: int = 50_000, recipe: Recipe | None = None) -> list[Figure]:
    recipe = recipe or builtin_recipes()["1045-shaft-scan"]
    simulate_part(recipe)  # warm caches and imports
    one_part_s = best_of(20, lambda: simulate_part(recipe))

    mixed = (
        FaultInstance("quench_pump_wear", 0.3, OnsetMode.RAMP, onset_s=rows * 0.2, ramp_s=3600),
        FaultInstance(
            "coil_water_flow_loss", 1.0, OnsetMode.STEP, onset_s=rows * 0.5, duration_s=600
        ),
        FaultInstance(
            "capacitor_degradation", 0.6, OnsetMode.RAMP, onset_s=rows * 0.6, ramp_s=7200
        ),
    )
    normal_s = best_of(3, lambda: Machine(MachineConfig(recipe=recipe, seed=1)).advance(rows))
    faulty_s = best_of(
        3, lambda: Machine(MachineConfig(recipe=recipe, seed=1, faults=mixed)).advance(rows)
    )
    parts = len(Machine(MachineConfig(recipe=recipe, seed=1)).advance(rows).parts)
    return [
        Figure("one part (thermal + metallurgy)", one_part_s * 1000, "ms", "≤ 5 ms"),
        Figure(
            f"{rows:,} rows, normal production",
            normal_s,
            "s",
            "≤ 0.3 s",
            f"{rows / normal_s:,.0f} rows/s, {parts} parts",
        ),
        Figure(
            f"{rows:,} rows, three faults + an alarm",
            faulty_s,
            "s",
            "≤ 0.3 s",
            f"{rows / faulty_s:,.0f} rows/s",
        ),
    ]
