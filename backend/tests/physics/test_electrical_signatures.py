"""Electrical signatures at the coil: Curie step, missing part, capacitor loss, voltage limit."""

import numpy as np
import pytest

from induction_sim.machine.recipe import load_recipe
from induction_sim.physics.inputs import PartConditions, build_inputs
from induction_sim.physics.part import simulate_part, simulate_parts
from induction_sim.physics.telemetry import coil_state_at


def test_frequency_and_current_change_as_the_surface_passes_curie() -> None:
    pin = load_recipe("1050-pin-single-shot")  # single shot: the whole coil sees one state
    r = simulate_part(pin)
    ts = r.heat_surface_temp_c
    below = (ts > 550.0) & (ts < 700.0)
    above = ts > 820.0
    assert below.any() and above.any()
    f_below, f_above = r.frequency_hz[below].mean(), r.frequency_hz[above].mean()
    i_below, i_above = r.coil_current_a[below].mean(), r.coil_current_a[above].mean()
    assert f_above > 1.02 * f_below  # load inductance drops when the skin turns non-magnetic
    assert abs(i_above - i_below) > 0.02 * i_below


def test_scan_shows_the_curie_signature_at_the_start_of_every_heat() -> None:
    shaft = load_recipe("1045-shaft-scan")
    r = simulate_part(shaft)
    times = np.array([0.2, 0.8, 1.4, 2.0, 3.0, 6.0, 12.0])
    states = [coil_state_at(r, t) for t in times]
    freq = np.array([s.frequency_hz[0] for s in states])
    current = np.array([s.coil_current_a[0] for s in states])
    assert freq.max() - freq.min() > 0.02 * freq.mean()
    assert current.max() - current.min() > 0.02 * current.mean()
    # After one dwell the scan is steady.
    assert freq[-1] == pytest.approx(freq[-2], rel=1e-9)
    assert freq[-1] == pytest.approx(shaft.frequency_hz, rel=0.08)
    assert coil_state_at(r, r.heat_on_s + 1.0).coil_current_a[0] == 0.0


def test_missing_part_drops_frequency_10_to_25_percent_and_power() -> None:
    shaft = load_recipe("1045-shaft-scan")
    res = simulate_parts(
        build_inputs(shaft, [PartConditions(), PartConditions(part_present=False)])
    )
    s = coil_state_at(res, 5.0)
    drop = 1.0 - s.frequency_hz[1] / s.frequency_hz[0]
    assert 0.10 <= drop <= 0.25
    assert bool(s.voltage_limited[1])
    assert s.power_coil_w[1] < 0.5 * s.power_coil_w[0]
    assert res.energy_part_kj[1] == 0.0
    assert res.peak_surface_temp_c[1] == pytest.approx(25.0)


def test_capacitance_loss_of_4_percent_raises_frequency_by_about_2_percent() -> None:
    shaft = load_recipe("1045-shaft-scan")
    res = simulate_parts(
        build_inputs(shaft, [PartConditions(), PartConditions(capacitance_factor=0.96)])
    )
    s = coil_state_at(res, 5.0)
    rise = s.frequency_hz[1] / s.frequency_hz[0] - 1.0
    assert rise == pytest.approx(0.02, abs=0.006)


def test_mains_sag_limits_power_through_the_dc_bus() -> None:
    shaft = load_recipe("1045-shaft-scan")
    res = simulate_parts(
        build_inputs(shaft, [PartConditions(), PartConditions(mains_voltage_factor=0.6)])
    )
    assert bool(res.voltage_limited[1]) and not bool(res.voltage_limited[0])
    assert res.energy_coil_kj[1] < res.energy_coil_kj[0]
    assert res.case_depth_mm[1] < res.case_depth_mm[0]


def test_power_factor_and_efficiency_are_plausible() -> None:
    r = simulate_part(load_recipe("1045-shaft-scan"))
    assert np.all((r.power_factor > 0.05) & (r.power_factor < 0.5))  # physics.md §12.2: 0.05–0.3+
    assert np.all((r.efficiency > 0.6) & (r.efficiency < 0.95))
    assert np.all(r.dc_bus_v < 540.0)


def test_tank_resonates_at_the_recipe_frequency_in_its_design_state() -> None:
    from induction_sim.physics.circuit import design_tank, operating_point
    from induction_sim.physics.electromagnetics import (
        coil_geometry,
        interior_inverse_area,
        thick_load_surface_power,
    )

    one = np.ones(1)
    geometry = coil_geometry(0.02 * one, 0.002 * one, 0.02 * one, one, np.ones(1, dtype=bool))
    f_set = 10e3 * one
    design = design_tank(geometry, f_set, 37e3 * one)
    omega = 2 * np.pi * f_set
    p_s = thick_load_surface_power(1.146e-6 * one, one, omega)
    per_length = 2 * np.pi * 0.02 * p_s
    inv_area = interior_inverse_area(geometry, per_length, per_length, omega)
    state = operating_point(geometry, inv_area, omega, design, 37e3 * one, one, one)
    assert state.frequency_hz[0] == pytest.approx(10e3, rel=1e-9)
    inductance = 1.0 / ((2 * np.pi * state.frequency_hz[0]) ** 2 * design.capacitance_f[0])
    assert 1.0 / (2 * np.pi * np.sqrt(inductance * design.capacitance_f[0])) == pytest.approx(10e3)
    assert state.power_coil_w[0] == pytest.approx(37e3)
    assert state.dc_bus_v[0] == pytest.approx(0.75 * 540.0, rel=1e-6)  # design margin
