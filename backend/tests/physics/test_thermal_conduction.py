"""Radial conduction: analytic steady state, stability with large steps, energy balance."""

import numpy as np
import pytest

from induction_sim.physics.electromagnetics import eddy_current_profile
from induction_sim.physics.grid import build_grid
from induction_sim.physics.materials import GRADES
from induction_sim.physics.metallurgy import austenite_step
from induction_sim.physics.thermal import air_htc_w_m2k, conduction_step
from induction_sim.validation import steady_uniform_generation


def test_steady_uniform_generation_matches_analytic_parabola() -> None:
    _, temp, exact = steady_uniform_generation()
    assert np.max(np.abs(temp - exact)) < 1e-6 * np.max(exact)


def test_large_time_steps_stay_bounded_and_monotone_in_cooling() -> None:
    mat = GRADES["1045"]
    grid = build_grid(np.array([0.02]))
    temp = np.full((grid.nodes, 1), 1000.0)
    f = np.ones_like(temp)
    enthalpy = mat.enthalpy_j_kg(temp, f)
    for _ in range(20):  # 0.5 s steps with a harsh quench
        t_lin, enthalpy, _ = conduction_step(
            mat,
            grid,
            temp,
            enthalpy,
            f,
            np.array([0.5]),
            None,
            np.array([30000.0]),
            np.array([25.0]),
        )
        new = mat.temperature_from_enthalpy_c(enthalpy, f, t_lin)
        assert np.all(new <= temp + 1e-9)
        assert np.all(new >= 25.0 - 1e-6)
        temp = new


def test_energy_balance_deposited_equals_stored_plus_lost() -> None:
    """Induction heating through Curie with austenitisation, then air: ΔH·ρV + losses = input."""
    mat = GRADES["1045"]
    grid = build_grid(np.array([0.02]))
    temp = np.full((grid.nodes, 1), 25.0)
    f = np.zeros_like(temp)
    enthalpy = mat.enthalpy_j_kg(temp, f)
    h0 = enthalpy.copy()
    deposited = lost = 0.0
    omega = np.array([2 * np.pi * 10e3])
    dt = np.array([0.1])
    for step in range(30):
        heating = step < 24
        source = None
        if heating:
            rho = mat.resistivity_ohm_m(temp)
            mu = mat.relative_permeability(np.array([[2.0e5]]), temp)
            profile = eddy_current_profile(grid, rho, mu, omega)
            source = profile.power_w_m * (1.6e6 / profile.active_w_m[0])  # 1.6 MW/m
            deposited += float(source.sum()) * dt[0]
        htc = air_htc_w_m2k(temp[-1], np.array([25.0]))
        t_lin, enthalpy, loss = conduction_step(
            mat, grid, temp, enthalpy, f, dt, source, htc, np.array([25.0])
        )
        lost += float(loss[0]) * dt[0]
        f = austenite_step(f, t_lin, dt, mat.ac1_c, np.array([mat.ac3_c]), 2.0, 40.0)
        temp = mat.temperature_from_enthalpy_c(enthalpy, f, t_lin)
    stored = float(((enthalpy - h0) * mat.density_kg_m3 * grid.volume_m2).sum())
    assert temp.max() > 900.0  # went through Curie and austenitised
    assert stored + lost == pytest.approx(deposited, rel=0.02)
    # And the temperature is consistent with the enthalpy it carries (inversion residual).
    residual = mat.enthalpy_j_kg(temp, f) - enthalpy
    assert np.max(np.abs(residual)) < 0.01 * 650.0 * 5  # < 5 K worth of enthalpy
