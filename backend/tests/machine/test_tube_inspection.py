"""QA sections a tube down to its bore, not down to the shared 10 mm depth grid."""

from __future__ import annotations

from induction_sim.machine.inspection import InspectionPlan
from induction_sim.machine.machine import Machine, MachineConfig
from induction_sim.machine.recipe import builtin_recipes


def test_a_tube_hardened_through_measures_its_wall_not_ten_millimetres() -> None:
    # the reference shaft's settings at 20 mm/s on a 40 × 34 tube: austenitised and hardened
    # through its 3 mm wall without melting (physics.md §6.1)
    recipe = builtin_recipes()["1045-shaft-scan"].model_copy(
        update={"inner_diameter_mm": 34.0, "scan_speed_mm_s": 20.0, "case_depth_max_mm": 3.5}
    )
    plan = InspectionPlan(section_every_n_parts=1, hardness_every_n_parts=1)
    chunk = Machine(MachineConfig(recipe=recipe, seed=3, inspection=plan)).advance(1800)
    sectioned = [p for p in chunk.parts if p.case_depth_inspected]
    # through hardening is marginal here: a cold part under a low power draw (natural
    # variation) may keep a soft layer at the bore
    through = [p for p in sectioned if abs(p.case_depth_mm - 3.0) < 1e-6]
    assert len(through) >= 10 and len(through) >= 0.8 * len(sectioned)
    assert all(p.case_depth_measured_mm <= 3.0 for p in sectioned)  # never beyond the wall
    assert all(p.case_depth_measured_mm >= 2.7 for p in through)
