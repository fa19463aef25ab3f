"""Instruments and slow auxiliaries: deterministic, chunk-independent, physically sensible."""

from __future__ import annotations

import numpy as np
import pytest

from induction_sim.machine import auxiliaries as aux
from induction_sim.machine.sensors import Impairment, ImpairmentKind, measure


def test_noise_is_the_same_whatever_the_chunking() -> None:
    true = np.full(10_000, 20.0)
    whole = measure("coil_water_flow_lpm", true, seed=7, start_seq=0)
    parts = np.concatenate(
        [
            measure("coil_water_flow_lpm", true[a:b], 7, a)
            for a, b in ((0, 1), (1, 4097), (4097, 10_000))
        ]
    )
    assert np.array_equal(whole, parts)


def test_another_seed_gives_other_noise() -> None:
    true = np.full(1000, 20.0)
    assert not np.array_equal(measure("power_kw", true, 1, 0), measure("power_kw", true, 2, 0))


def test_measurement_is_quantised_to_the_instrument_resolution() -> None:
    value = measure("coil_water_in_c", np.full(100, 28.03), 1, 0)
    assert np.allclose(np.round(value / 0.1) * 0.1, value)


def test_sensor_impairments_change_only_the_measured_value() -> None:
    true = np.full(3600, 50.0)
    stuck = Impairment("quench_temp_c", ImpairmentKind.DROPOUT, onset_s=100, duration_s=10)
    drift = Impairment("quench_temp_c", ImpairmentKind.DRIFT, onset_s=0, magnitude=3.0)
    m = measure("quench_temp_c", true, 1, 0, (stuck, drift))
    assert np.isnan(m[100:110]).all()
    assert np.nanmean(m[-100:]) == pytest.approx(53.0, abs=0.2)
    assert (true == 50.0).all()


def test_lag_is_exact_and_chunk_independent() -> None:
    target = np.r_[np.zeros(10), np.full(50, 10.0)]
    whole = aux.lag(target, 4.0, 0.0)
    split = aux.lag(target[:23], 4.0, 0.0)
    rest = aux.lag(target[23:], 4.0, float(split[-1]))
    assert np.array_equal(whole, np.r_[split, rest])
    assert whole[10 + 4 - 1] == pytest.approx(10 * (1 - np.exp(-1)), rel=1e-12)


def test_coil_water_outlet_rise_follows_the_energy_balance() -> None:
    loss_w = np.full(200, 9000.0)
    ones, zeros = np.ones(200), np.zeros(200)
    water = aux.coil_water(loss_w, ones, zeros, zeros, aux.COIL_WATER_INLET_C)
    expected_rise = 9000.0 / (20.0 * aux.WATER_KG_PER_L / 60.0 * aux.WATER_CP_J_KGK)
    assert water.out_c[-1] - water.in_c[-1] == pytest.approx(expected_rise, rel=1e-3)
    halved = aux.coil_water(loss_w, ones * 0.5, zeros, zeros, aux.COIL_WATER_INLET_C)
    assert halved.out_c[-1] - halved.in_c[-1] == pytest.approx(2 * expected_rise, rel=1e-3)


def test_worn_pump_lowers_flow_and_pressure_clogged_nozzles_raise_pressure() -> None:
    on = np.ones(1, dtype=bool)
    nominal = aux.quench_flow(80.0, on, np.ones(1), np.zeros(1))
    assert nominal.flow_lpm[0] == pytest.approx(80.0)
    assert nominal.pressure_bar[0] == pytest.approx(aux.QUENCH_PRESSURE_NOMINAL_BAR)
    worn = aux.quench_flow(80.0, on, np.full(1, 0.7), np.zeros(1))
    assert worn.flow_lpm[0] < 80.0 and worn.pressure_bar[0] < nominal.pressure_bar[0]
    clogged = aux.quench_flow(80.0, on, np.ones(1), np.full(1, 0.5))
    assert clogged.flow_lpm[0] < 80.0 and clogged.pressure_bar[0] > nominal.pressure_bar[0]


def test_a_fouled_heat_exchanger_lets_the_tank_creep_up() -> None:
    heat = np.full(20_000, 14_000.0)
    plant = aux.plant_water_for(25.0, 14_000.0)
    clean = aux.tank_temperature(heat, np.ones(20_000), plant, 25.0)
    fouled = aux.tank_temperature(heat, np.full(20_000, 0.4), plant, 25.0)
    assert clean[-1] == pytest.approx(25.0, abs=0.01)
    assert fouled[-1] > 35.0
    assert np.all(np.diff(fouled) >= 0)
