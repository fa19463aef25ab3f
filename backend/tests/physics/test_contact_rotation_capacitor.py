"""Issue 13 §3: the weak side of an eccentric part is averaged over the turns of its heat, and a
degraded capacitor bank raises the frequency while the inverter holds power in its headroom."""

from __future__ import annotations

import numpy as np
import pytest

from induction_sim.machine.recipe import builtin_recipes
from induction_sim.physics.inputs import PartConditions, build_inputs, weak_side_offset_mm
from induction_sim.physics.part import simulate_part


def test_weak_side_offset_is_the_mean_wide_side_gap_over_the_turns_of_the_heat() -> None:
    assert weak_side_offset_mm(1.0, 2.0, 0.0, 2.4) == 1.0  # no rotation: the full offset
    half_turn = weak_side_offset_mm(1.0, 2.0, 12.5, 2.4)  # 0.5 turn
    assert half_turn == pytest.approx(2.0 / np.pi)  # mean of cos over the wide half
    for turns in (1.0, 2.0, 8.0):
        assert weak_side_offset_mm(1.0, 2.0, 60.0 * turns / 2.4, 2.4) == pytest.approx(
            0.0, abs=1e-12
        )
    for turns in (1.5, 3.3, 7.7):
        assert weak_side_offset_mm(1.0, 2.0, 60.0 * turns / 2.4, 2.4) <= 1.0 / (np.pi * turns)
    # the copper stops the part: never more than the gap
    assert weak_side_offset_mm(5.0, 2.0, 0.0, 2.4) == 2.0


def test_a_turning_spindle_averages_the_eccentric_weak_side_out() -> None:
    shaft = builtin_recipes()["1045-shaft-scan"]  # 200 rpm, 2.4 s under the coil: 8 turns
    off = PartConditions(eccentricity_mm=1.5)
    turning = simulate_part(shaft, off)
    still = simulate_part(shaft, PartConditions(eccentricity_mm=1.5, rotation_rpm=0.0))
    nominal = simulate_part(shaft)
    assert turning.case_depth_mm == pytest.approx(nominal.case_depth_mm, abs=0.05)
    assert still.case_depth_mm < nominal.case_depth_mm - 0.5
    inputs = build_inputs(shaft, [off, PartConditions(eccentricity_mm=1.5, rotation_rpm=6.0)])
    assert inputs.weak_gap_m[1] > inputs.weak_gap_m[0]  # fewer turns per heat: weaker side


def test_capacitor_loss_raises_the_frequency_and_holds_the_power_within_the_headroom() -> None:
    shaft = builtin_recipes()["1045-shaft-scan"]
    nominal = simulate_part(shaft)
    degraded = simulate_part(shaft, PartConditions(capacitance_factor=0.85))  # severity 1
    rise = degraded.mean_frequency_hz / nominal.mean_frequency_hz - 1.0
    assert 0.5 * 0.15 < rise < 0.7 * 0.15  # ≈ ½·ΔC/C, plus a little from the load
    assert not degraded.voltage_limited
    assert degraded.energy_coil_kj == pytest.approx(nominal.energy_coil_kj, rel=0.005)
    # a thinner hot reference depth keeps a little more heat inside the case: not shallower
    assert nominal.case_depth_mm <= degraded.case_depth_mm < 1.03 * nominal.case_depth_mm


def test_capacitor_loss_at_the_voltage_limit_costs_power_and_case() -> None:
    shaft = builtin_recipes()["1045-shaft-scan"]
    sag = simulate_part(shaft, PartConditions(mains_voltage_factor=0.8))
    both = simulate_part(shaft, PartConditions(mains_voltage_factor=0.8, capacitance_factor=0.85))
    assert both.voltage_limited
    assert both.energy_coil_kj < sag.energy_coil_kj
    assert both.case_depth_mm < sag.case_depth_mm
