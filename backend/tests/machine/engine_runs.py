"""Helpers for the engine tests: machines on the default 1045 scan recipe, seeded."""

from __future__ import annotations

from functools import cache

import numpy as np

from induction_sim.machine.chunk import SampleChunk
from induction_sim.machine.faults import FaultInstance, OnsetMode
from induction_sim.machine.machine import Machine, MachineConfig, OperatorModel
from induction_sim.machine.recipe import Recipe, builtin_recipes
from induction_sim.machine.variation import REALISTIC, Variation

ONSET_S = 1200  # faults start after 20 minutes of normal production


def default_recipe() -> Recipe:
    return builtin_recipes()["1045-shaft-scan"]


def run(
    n: int = 3600,
    *faults: FaultInstance,
    seed: int = 1,
    recipe: Recipe | None = None,
    operator: OperatorModel | None = None,
    variation: Variation = REALISTIC,
) -> SampleChunk:
    config = MachineConfig(
        recipe=recipe or default_recipe(),
        seed=seed,
        faults=faults,
        operator=operator or OperatorModel(),
        variation=variation,
    )
    return Machine(config).advance(n)


@cache
def baseline(n: int = 3600) -> SampleChunk:
    return run(n)


def step(fault_id: str, severity: float, onset_s: float = ONSET_S, **kw: float) -> FaultInstance:
    return FaultInstance(fault_id, severity, OnsetMode.STEP, onset_s=onset_s, **kw)  # type: ignore[arg-type]


def after(chunk: SampleChunk, name: str, start: int = ONSET_S + 120) -> np.ndarray:
    """A signal from two minutes after the onset on."""
    return chunk.columns[name][start:]
