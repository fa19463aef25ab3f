"""Hollow shafts (tubes): the annular grid, the bore's boundary conditions and what they do.

Physics asserted (docs/physics.md §4.1, §6.1): the eddy-current solve of a tube against the exact
J0/Y0 solution and its thin-shell (shorted-turn) limit; conservation of energy on the annular
grid; a thin wall at medium frequency with the solid shaft's settings heats and hardens through,
a shorter heat leaves a case over a softer bore side; a bore spray cools the bore side faster than
still air; a thick wall behaves like the solid shaft; a solid part is unchanged.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import ValidationError
from scipy import special

from induction_sim.machine.recipe import Recipe, builtin_recipes, load_recipe
from induction_sim.physics.electromagnetics import (
    coil_geometry,
    eddy_current_profile,
    interior_inverse_area,
    skin_depth_m,
)
from induction_sim.physics.grid import build_grid
from induction_sim.physics.inputs import PartConditions, build_inputs
from induction_sim.physics.materials import GRADES, MU0, andrews_ac3_c
from induction_sim.physics.metallurgy import SAE_J423_LIMIT_HV
from induction_sim.physics.part import simulate_part, simulate_part_with_ledger, simulate_parts
from induction_sim.physics.results import PartResult
from induction_sim.validation import (
    bessel_power_per_length,
    bessel_y01_scaled,
    eddy_tube_against_exact,
    thin_shell_power_per_length,
    tube_exact,
)

HOT_RHO_OHM_M = 1.12e-6  # 1045 above Curie (physics.md §12.2)
R_M = 0.02


def _shaft() -> Recipe:
    return builtin_recipes()["1045-shaft-scan"]


def _tube(inner_mm: float = 34.0, **update: object) -> Recipe:
    return _shaft().model_copy(update={"inner_diameter_mm": inner_mm, **update})


def _ac3_c() -> float:
    grade = GRADES["1045"]
    return float(andrews_ac3_c(np.array([grade.composition.c]), grade.composition)[0])


def _bore_value(result: PartResult, profile: np.ndarray) -> float:
    """The profile at the bore wall (the depth grid repeats the last node beyond the wall)."""
    return float(np.interp(result.wall_mm, result.depth_mm, profile))


# --- exact solution helpers ------------------------------------------------------------------


@pytest.mark.parametrize("z", [0.01 + 0.01j, 0.7 - 0.7j, 5.0 - 5.0j, 11.0 - 2.0j, 20.0 - 20.0j])
def test_numpy_y0_y1_equal_scipy(z: complex) -> None:
    y0, y1 = bessel_y01_scaled(np.array([z]))
    scale = math.exp(-abs(z.imag))
    assert y0[0] == pytest.approx(special.yv(0, z) * scale, rel=1e-9)
    assert y1[0] == pytest.approx(special.yv(1, z) * scale, rel=1e-9)


def test_exact_tube_tends_to_the_solid_cylinder_as_the_bore_closes() -> None:
    omega = 2 * np.pi * 10e3
    power, _ = tube_exact(np.array([R_M]), 1e-7, R_M, HOT_RHO_OHM_M, 1.0, omega)
    assert power.real == pytest.approx(bessel_power_per_length(R_M, HOT_RHO_OHM_M, 1.0, omega))


# --- electromagnetics ------------------------------------------------------------------------


@pytest.mark.parametrize("inner_m", [0.017, 0.010])
@pytest.mark.parametrize("freq", [3e3, 10e3, 30e3])
def test_tube_eddy_solve_matches_the_exact_solution(inner_m: float, freq: float) -> None:
    engine, exact, field_error = eddy_tube_against_exact(inner_m, R_M, HOT_RHO_OHM_M, 1.0, freq)
    assert engine.real == pytest.approx(exact.real, rel=0.01)
    # reactive power includes the bore's flux ωμ0·π r_i²·|H(r_i)|²
    assert engine.imag == pytest.approx(exact.imag, rel=0.01)
    assert field_error < 0.005


def test_the_bore_flux_is_part_of_the_reactive_power() -> None:
    """Q = ωμ0[∫μr|H|² dA + π r_i²|H(r_i)|²]: the wall alone gives much less for a thin wall."""
    freq, inner = 10e3, 0.017
    grid = build_grid(
        np.array([R_M]), frequency_hz=np.array([freq]), inner_radius_m=np.array([inner])
    )
    omega = 2 * np.pi * freq
    ones = np.ones((grid.nodes, 1))
    prof = eddy_current_profile(grid, HOT_RHO_OHM_M * ones, ones, np.array([omega]))
    wall_only = float((omega * MU0 * grid.volume_m2[:, 0] * prof.field_ratio[:, 0] ** 2).sum())
    bore = omega * MU0 * np.pi * inner**2 * float(prof.field_ratio[0, 0]) ** 2
    assert float(prof.reactive_var_m[0]) == pytest.approx(wall_only + bore, rel=1e-12)
    assert bore > wall_only


def test_a_wall_much_thinner_than_the_skin_depth_is_a_shorted_turn_and_nearly_transparent() -> None:
    """t ≪ δ: the power follows the thin-shell formula, the bore field H_i = H_s/(1 + jx),
    x = r t/δ², and as x → 0 the coil sees an empty bore (Â → π r_coil²)."""
    freq, inner = 3e3, 0.0195  # 0.5 mm wall, δ ≈ 9.7 mm
    engine, _, _ = eddy_tube_against_exact(inner, R_M, HOT_RHO_OHM_M, 1.0, freq)
    omega = 2 * np.pi * freq
    assert engine.real == pytest.approx(
        thin_shell_power_per_length(inner, R_M, HOT_RHO_OHM_M, omega), rel=0.01
    )
    delta = float(skin_depth_m(HOT_RHO_OHM_M, 1.0, freq))
    x = 0.5 * (R_M + inner) * (R_M - inner) / delta**2
    grid = build_grid(
        np.array([R_M]), frequency_hz=np.array([freq]), inner_radius_m=np.array([inner])
    )
    ones = np.ones((grid.nodes, 1))
    prof = eddy_current_profile(grid, HOT_RHO_OHM_M * ones, ones, np.array([omega]))
    assert float(prof.field_ratio[0, 0]) == pytest.approx(1.0 / math.sqrt(1.0 + x * x), rel=0.01)
    geom = coil_geometry(
        np.array([R_M]), np.array([0.002]), np.array([0.02]), np.array([1.0]), np.array([True])
    )
    inv = interior_inverse_area(geom, prof.active_w_m, prof.reactive_var_m, np.array([omega]))
    empty = 1.0 / (np.pi * 0.022**2)
    assert abs(complex(inv[0])) == pytest.approx(empty, rel=0.02)
    # thinner still: closer to transparent (|H_i| → 1, loss → 0 per (A/m)²)
    thinner, _, _ = eddy_tube_against_exact(0.0199, R_M, HOT_RHO_OHM_M, 1.0, freq)
    assert thinner.real < engine.real


def test_the_tank_is_tuned_to_the_hot_tube_not_to_a_thick_load() -> None:
    """The bank is tuned so a hot, non-magnetic load resonates at the set frequency (physics.md
    §5). A tube's hot load is its own (wall ~ δ, bore flux in Q'): at the end of the heat, hot
    and past Curie, a tube runs as close to its set frequency as the solid shaft does."""
    for update in ({}, {"frequency_hz": 30e3, "power_kw": 50.0, "scan_speed_mm_s": 30.0}):
        shaft = simulate_part(_shaft().model_copy(update=update))
        tube = simulate_part(_tube(**update))
        f_set = float(update.get("frequency_hz", 10e3))
        assert abs(tube.frequency_hz[-1] / f_set - 1.0) < 0.03
        assert abs(shaft.frequency_hz[-1] / f_set - 1.0) < 0.03


# --- grid and energy -------------------------------------------------------------------------


def test_annular_grid_spans_the_wall_and_a_solid_grid_is_unchanged() -> None:
    radius = np.array([0.02, 0.02, 0.0125])
    inner = np.array([0.017, 0.0, 0.0])
    grid = build_grid(radius, frequency_hz=np.full(3, 10e3), inner_radius_m=inner)
    assert grid.r_m[0, 0] == 0.017 and grid.r_m[-1, 0] == 0.02
    assert grid.depth_m[0, 0] == pytest.approx(0.003, rel=1e-12)
    area = np.pi * (radius**2 - inner**2)
    np.testing.assert_allclose(grid.volume_m2.sum(axis=0), area, rtol=1e-12)
    assert np.all(np.diff(grid.r_m[:, 0]) > 0)
    solid = build_grid(radius[1:], frequency_hz=np.full(2, 10e3))
    for name in ("r_m", "depth_m", "volume_m2", "face_geom_m", "split_inner"):
        np.testing.assert_array_equal(getattr(grid, name)[:, 1:], getattr(solid, name))


@pytest.mark.parametrize("cooling", ["air", "quench"])
def test_energy_is_conserved_on_the_annular_grid(cooling: str) -> None:
    result, ledger = simulate_part_with_ledger(_tube(inner_cooling=cooling))
    weight = ledger.density_kg_m3 * ledger.volume_m2
    stored = float((weight * (ledger.enthalpy_end_j_kg - ledger.enthalpy_start_j_kg)).sum())
    lost = float(ledger.air_loss_j_m[0] + ledger.quench_loss_j_m[0])
    deposited = float(ledger.deposited_j_m[0])
    assert (stored + lost) / deposited - 1.0 == pytest.approx(0.0, abs=1e-9)
    # energies per part use the annular section (the ledger's volumes are the wall's)
    assert float(ledger.volume_m2.sum()) == pytest.approx(np.pi * (0.02**2 - 0.017**2), rel=1e-12)
    length_m = _shaft().hardened_length_mm * 1e-3
    assert result.energy_part_kj == pytest.approx(deposited * length_m / 1e3)


def test_a_solid_part_does_not_depend_on_a_tube_sharing_its_batch() -> None:
    """The bore terms add exactly zero to a solid column: a shaft batched with a tube equals,
    bit for bit, the shaft batched with another solid part; batch vs single within the house
    tolerance (test_part_simulation.test_batch_equals_single)."""
    shaft, tube = _shaft(), _tube()
    other = _shaft().model_copy(update={"power_kw": 30.0})
    with_tube = simulate_parts(build_inputs([shaft, tube], [PartConditions()] * 2))
    with_solid = simulate_parts(build_inputs([shaft, other], [PartConditions()] * 2))
    np.testing.assert_array_equal(with_tube.hv[0], with_solid.hv[0])
    np.testing.assert_array_equal(with_tube.surface_temp_c[0], with_solid.surface_temp_c[0])
    np.testing.assert_array_equal(with_tube.frequency_hz[0], with_solid.frequency_hz[0])
    assert with_tube.wall_mm[0] == 20.0 and with_tube.wall_mm[1] == pytest.approx(3.0)
    for i, recipe in enumerate((shaft, tube)):
        one = simulate_part(recipe)
        np.testing.assert_allclose(with_tube.hv[i], one.hv, rtol=1e-9)
        assert with_tube.case_depth_mm[i] == pytest.approx(one.case_depth_mm, rel=1e-9)


# --- heating and hardening a tube ------------------------------------------------------------


def test_a_thin_wall_at_medium_frequency_heats_and_hardens_through() -> None:
    """3 mm wall, 10 kHz, the shaft's power and speed: the heat the solid shaft conducts into its
    core stays in the wall, which austenitises through and hardens through (ECD = the wall)."""
    tube = simulate_part(_tube())
    shaft = simulate_part(_shaft())
    assert _bore_value(tube, tube.peak_temp_c) > _ac3_c()
    assert tube.case_depth_mm == pytest.approx(3.0, abs=1e-9)
    assert _bore_value(tube, tube.hv) > SAE_J423_LIMIT_HV
    assert shaft.case_depth_mm < 0.25 * 20.0  # the solid shaft: a surface case
    assert tube.peak_surface_temp_c > shaft.peak_surface_temp_c


def test_a_shorter_heat_leaves_a_case_over_a_softer_bore_side() -> None:
    """Cutting the heat time (faster scan, same power): the case depth and the bore wall's peak
    fall monotonically; between hard-through and no case the wall keeps a case over a bore side
    below the SAE limit."""
    speeds = (10.0, 15.0, 20.0, 21.0, 22.0, 25.0, 30.0)
    results = [simulate_part(_tube(scan_speed_mm_s=v)) for v in speeds]
    ecd = np.array([r.case_depth_mm for r in results])
    bore_peak = np.array([_bore_value(r, r.peak_temp_c) for r in results])
    assert np.all(np.diff(ecd) <= 1e-9)
    assert np.all(np.diff(bore_peak) < 0)
    cased = [
        r
        for r in results
        if 0.0 < r.case_depth_mm < r.wall_mm - 0.1 and _bore_value(r, r.hv) < SAE_J423_LIMIT_HV
    ]
    assert cased, ecd


def test_cutting_the_power_also_leaves_a_case_over_a_softer_bore_side() -> None:
    powers = (37.0, 20.0, 17.5, 17.0, 16.0)
    results = [simulate_part(_tube(power_kw=p)) for p in powers]
    ecd = np.array([r.case_depth_mm for r in results])
    assert ecd[0] == pytest.approx(3.0)
    assert np.all(np.diff(ecd) <= 1e-9)
    assert any(
        0.0 < r.case_depth_mm < r.wall_mm - 0.1 and _bore_value(r, r.hv) < SAE_J423_LIMIT_HV
        for r in results
    ), ecd


def test_a_bore_spray_cools_the_bore_side_faster_than_still_air() -> None:
    air = simulate_part(_tube(inner_cooling="air"))
    spray = simulate_part(_tube(inner_cooling="quench"))
    rate_air = _bore_value(air, air.cooling_rate_700_c_s)
    rate_spray = _bore_value(spray, spray.cooling_rate_700_c_s)
    assert rate_spray > 1.3 * rate_air
    assert _bore_value(spray, spray.hv) >= _bore_value(air, air.hv)
    # the heat is the same: the bore only matters once the spray starts
    np.testing.assert_allclose(spray.peak_temp_c, air.peak_temp_c, rtol=0.01)


def test_a_thick_wall_behaves_like_the_solid_shaft() -> None:
    """A 15 mm wall under a ≈ 3 mm case: the heat of the dwell does not reach the bore, and the
    eddy currents do not either (δ ≈ 5 mm hot) — the same hardness and case as the shaft."""
    shaft = simulate_part(_shaft())
    tube = simulate_part(_tube(inner_mm=10.0))
    assert tube.surface_hrc == pytest.approx(shaft.surface_hrc, abs=0.2)
    assert tube.case_depth_mm == pytest.approx(shaft.case_depth_mm, abs=0.05)
    assert tube.mean_power_part_kw == pytest.approx(shaft.mean_power_part_kw, rel=0.01)
    assert tube.energy_part_kj == pytest.approx(shaft.energy_part_kj, rel=0.01)


def test_a_thin_wall_keeps_austenitising_during_a_short_quench_delay() -> None:
    """Unlike a solid shaft (test_spray_quench: a longer delay never hardens), a 3 mm wall has no
    cold core to take the heat: during the delay its intercritical layer stays above Ac1 and the
    austenite fraction there keeps growing (Leblond kinetics), so the case deepens at first."""
    recipe = load_recipe("1045-tube-scan")
    delays = (0.3, 0.6, 1.0)
    results = [simulate_part(recipe.model_copy(update={"quench_delay_s": d})) for d in delays]
    mid_wall = [float(np.interp(2.0, r.depth_mm, r.austenite_fraction)) for r in results]
    assert np.all(np.diff(mid_wall) > 0)
    shaft = [
        simulate_part(_shaft().model_copy(update={"quench_delay_s": d})).case_depth_mm
        for d in delays
    ]
    assert np.all(np.diff(shaft) < 0)


def test_the_builtin_tube_recipe_meets_its_window_with_a_soft_bore() -> None:
    recipe = load_recipe("1045-tube-scan")
    result = simulate_part(recipe)
    assert recipe.surface_hrc_min <= result.surface_hrc <= recipe.surface_hrc_max
    assert recipe.case_depth_min_mm <= result.case_depth_mm <= recipe.case_depth_max_mm
    assert result.peak_surface_temp_c < recipe.peak_temp_max_c
    assert _bore_value(result, result.hv) < SAE_J423_LIMIT_HV
    assert recipe.wall_mm == pytest.approx(3.0)


# --- recipe validation -----------------------------------------------------------------------


@pytest.mark.parametrize("inner_mm", [40.0, 39.0, 45.0, -2.0, 0.0])
def test_an_impossible_bore_is_rejected_naming_the_field(inner_mm: float) -> None:
    data = _shaft().model_dump()
    data["inner_diameter_mm"] = inner_mm
    with pytest.raises(ValidationError, match="inner_diameter_mm"):
        Recipe.model_validate(data)


def test_an_unknown_bore_cooling_is_rejected_naming_the_field() -> None:
    data = _shaft().model_dump()
    data.update(inner_diameter_mm=30.0, inner_cooling="water")
    with pytest.raises(ValidationError, match="inner_cooling"):
        Recipe.model_validate(data)


def test_a_one_millimetre_wall_is_accepted_and_a_solid_recipe_stays_solid() -> None:
    data = _shaft().model_dump()
    data["inner_diameter_mm"] = 38.0
    assert Recipe.model_validate(data).wall_mm == pytest.approx(1.0)
    assert _shaft().inner_diameter_mm is None and _shaft().wall_mm is None
    assert build_inputs(_shaft()).inner_radius_m[0] == 0.0


def test_the_part_command_says_wall_and_bore_and_stops_the_profile_at_the_wall() -> None:
    import json

    from typer.testing import CliRunner

    from induction_sim.cli import app

    runner = CliRunner()
    out = runner.invoke(app, ["part", "--recipe", "1045-tube-scan", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["inner_diameter_mm"] == 34.0 and data["wall_mm"] == pytest.approx(3.0)
    assert data["inner_cooling"] == "air" and data["hard_through"] is False
    assert max(p["depth_mm"] for p in data["profile"]) == pytest.approx(3.0)
    text = runner.invoke(app, ["part", "--recipe", "1045-tube-scan"], env={"COLUMNS": "200"})
    assert "tube Ø40 × Ø34 mm: wall 3 mm, bore still air" in text.output
    solid = json.loads(runner.invoke(app, ["part", "--recipe", "1045-shaft-scan", "--json"]).output)
    assert "wall_mm" not in solid
