"""Skin depth, radial eddy-current power against analytic solutions, the Curie 'wave' profile."""

import numpy as np
import pytest

from induction_sim.physics.electromagnetics import eddy_current_profile, skin_depth_m
from induction_sim.physics.grid import build_grid
from induction_sim.validation import bessel_power_per_length


@pytest.mark.parametrize(
    ("rho", "mu_r", "freq"),
    [(0.17e-6, 20.0, 1e3), (1.12e-6, 1.0, 10e3), (0.76e-6, 10.0, 30e3), (1.12e-6, 1.0, 200e3)],
)
def test_skin_depth_equals_503_formula(rho: float, mu_r: float, freq: float) -> None:
    expected = 503.0 * np.sqrt(rho / (mu_r * freq))
    assert skin_depth_m(rho, mu_r, freq) == pytest.approx(expected, rel=1e-3)


def test_skin_depth_table_of_reference_hot_10khz_is_5_3_mm() -> None:
    assert skin_depth_m(1.12e-6, 1.0, 10e3) * 1e3 == pytest.approx(5.3, abs=0.05)


@pytest.mark.parametrize(("mu_r", "freq"), [(1.0, 10e3), (10.0, 10e3), (1.0, 1e3), (1.0, 100e3)])
def test_radial_power_matches_bessel_solution(mu_r: float, freq: float) -> None:
    radius = np.array([0.02])
    grid = build_grid(radius)
    rho = np.full((grid.nodes, 1), 1.0e-6)
    mu = np.full((grid.nodes, 1), mu_r)
    omega = np.array([2.0 * np.pi * freq])
    profile = eddy_current_profile(grid, rho, mu, omega)
    exact = bessel_power_per_length(0.02, 1.0e-6, mu_r, omega[0])
    assert profile.active_w_m[0] == pytest.approx(exact, rel=0.03)
    # The node powers hand the Poynting flux over exactly.
    assert profile.power_w_m.sum() == pytest.approx(profile.active_w_m[0], rel=1e-12)


def test_hot_skin_over_magnetic_core_gives_wave_profile() -> None:
    """[IH-wave], physics.md §12.2: a hot non-magnetic 1.5 mm skin over magnetic steel makes the
    power density dip below the surface and rise again at the Curie front (a pure e^(−2x/δ)
    cannot)."""
    grid = build_grid(np.array([0.02]))
    depth = grid.depth_m[:, 0]
    front = 1.5e-3
    hot = depth < front
    rho = np.where(hot, 1.15e-6, 0.9e-6)[:, None]
    mu = np.where(hot, 1.0, 15.0)[:, None]
    profile = eddy_current_profile(grid, rho, mu, np.array([2 * np.pi * 10e3]))
    density = profile.power_w_m[:, 0] / grid.volume_m2[:, 0]
    dip = density[(depth > 0.2e-3) & (depth < front - 0.3e-3)].min()
    at_front = density[np.abs(depth - front) < 0.3e-3].max()
    assert at_front > 1.05 * dip
    # Deeper in the magnetic core the power decays within a cold skin depth.
    assert density[np.argmin(np.abs(depth - 3.0e-3))] < 0.3 * at_front


@pytest.mark.parametrize("freq", [100e3, 200e3, 400e3])
@pytest.mark.parametrize("mu_r", [15.0, 20.0])
def test_cold_steel_above_100_khz_is_resolved_by_the_frequency_aware_grid(
    freq: float, mu_r: float
) -> None:
    """Issue 13 §3: the fixed 0.1 mm surface cell gave −16 % (μr 15) at 200 kHz on cold steel;
    a surface cell of δ_cold/3 keeps the eddy power within 3 % of the exact solution."""
    radius, rho = np.array([0.0125]), 0.165e-6  # 1045 at 20 °C
    omega = np.array([2.0 * np.pi * freq])
    exact = bessel_power_per_length(0.0125, rho, mu_r, omega[0])

    def power(grid: object) -> float:
        nodes = grid.nodes  # type: ignore[attr-defined]
        solved = eddy_current_profile(
            grid,  # type: ignore[arg-type]
            np.full((nodes, 1), rho),
            np.full((nodes, 1), mu_r),
            omega,
        )
        return float(solved.active_w_m[0])

    assert power(build_grid(radius)) < 0.95 * exact  # the fixed grid under-resolves
    refined = build_grid(radius, frequency_hz=np.array([freq]))
    assert refined.nodes == build_grid(radius).nodes  # same cost
    assert power(refined) == pytest.approx(exact, rel=0.03)


def test_the_frequency_aware_grid_keeps_the_10_khz_grid() -> None:
    radius = np.array([0.02, 0.02])
    fixed = build_grid(radius)
    aware = build_grid(radius, frequency_hz=np.array([10e3, 20e3]))
    np.testing.assert_array_equal(aware.depth_m, fixed.depth_m)
