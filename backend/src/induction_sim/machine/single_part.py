"""One part under steady fault conditions — what `induction-sim part` shows.

The faults act exactly as in the machine (same modifiers, same mapping to physics conditions),
held at their given severity; interlocks and sensors are the machine's business and are not
simulated here.
"""

from __future__ import annotations

import numpy as np

from induction_sim.machine import auxiliaries as aux
from induction_sim.machine.faults import FaultInstance
from induction_sim.machine.heating import CyclePhysics, part_conditions
from induction_sim.machine.modifiers import modifiers_for
from induction_sim.machine.quality import QualityVerdict, evaluate
from induction_sim.machine.recipe import Recipe
from induction_sim.physics.part import simulate_part
from induction_sim.physics.results import PartResult


def simulate_under_faults(
    recipe: Recipe, faults: tuple[FaultInstance, ...] = ()
) -> tuple[PartResult, QualityVerdict]:
    mods = modifiers_for(list(faults), np.zeros(1))
    at = np.zeros(1, dtype=np.int64)
    spray = aux.quench_flow(
        recipe.quench_flow_lpm, np.ones(1, dtype=bool), mods.quench_pump_factor, mods.quench_clog
    )
    # the tank settles where the (possibly fouled) exchanger sheds the nominal duty
    duty_w = CyclePhysics(recipe).nominal_quench_duty_w()
    plant_c = aux.plant_water_for(recipe.quench_temp_c, duty_w)
    tank_c = plant_c + duty_w / (aux.TANK_HX_UA_W_K * np.maximum(mods.hx_factor, 0.02))
    (conditions,) = part_conditions(recipe, mods, at, tank_c, spray.flow_factor, np.zeros(1))
    result = simulate_part(recipe, conditions)
    return result, evaluate(recipe, result)
