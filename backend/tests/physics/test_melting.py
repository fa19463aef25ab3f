"""An overheated skin melts: the heat of fusion is in the enthalpy (no clip at a table's end
while energy keeps arriving), and the part reports how deep it melted."""

from __future__ import annotations

import numpy as np
import pytest

from induction_sim.machine.recipe import builtin_recipes
from induction_sim.physics.inputs import PartConditions, build_inputs
from induction_sim.physics.materials import GRADES
from induction_sim.physics.part import simulate_parts

IRON_FUSION_J_KG = 13.8e3 / 55.845e-3  # 13.8 kJ/mol [CRC], per kg of iron


@pytest.mark.parametrize("grade", sorted(GRADES))
def test_the_heat_of_fusion_is_taken_up_between_solidus_and_liquidus(grade: str) -> None:
    g = GRADES[grade]
    below, above = g.solidus_c - 1.0, g.liquidus_c + 1.0
    jump = float(
        g.enthalpy_j_kg(np.array([above]), 1.0)[0] - g.enthalpy_j_kg(np.array([below]), 1.0)[0]
    )
    sensible = float(np.mean(g.conductivity_and_cp(np.array([below, above]), np.ones(2))[1]))
    sensible *= above - below
    assert jump - sensible == pytest.approx(IRON_FUSION_J_KG, rel=0.02)
    assert g.melt_fraction(np.array([below]))[0] == 0.0
    assert g.melt_fraction(np.array([above]))[0] == 1.0
    # liquid steel far past the liquidus still has a temperature for its enthalpy
    hot = g.enthalpy_j_kg(np.array([2000.0]), 1.0)
    assert g.temperature_from_enthalpy_c(hot, np.ones(1), np.array([1990.0]))[0] == pytest.approx(
        2000.0, abs=1.0
    )


def test_more_power_melts_deeper_and_only_past_the_solidus() -> None:
    shaft = builtin_recipes()["1045-shaft-scan"]
    res = simulate_parts(
        build_inputs(shaft, [PartConditions(scan_speed_factor=f) for f in (1.0, 0.5, 0.3, 0.2)])
    )
    solidus = GRADES["1045"].solidus_c
    melted = res.melted_depth_mm
    assert np.all((melted > 0) == (res.peak_surface_temp_c >= solidus))
    assert melted[0] == 0.0 and melted[-1] > 0.0
    assert np.all(np.diff(melted) >= 0)
    assert np.all(np.diff(res.energy_part_kj) > 0)
    # the table no longer ends at 1600 °C: a stalled scan's skin goes past it
    assert res.peak_surface_temp_c[-1] > 1600.0
