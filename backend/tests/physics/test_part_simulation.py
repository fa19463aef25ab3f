"""Whole-part simulation: the default recipe's calibration window, and the directions in which
energy, quench, frequency, steel and coil gap move hardness and case depth."""

import numpy as np
import pytest

from induction_sim.machine.recipe import Recipe, load_recipe
from induction_sim.physics.inputs import PartConditions, build_inputs
from induction_sim.physics.part import simulate_part, simulate_parts
from induction_sim.physics.results import PartResults


@pytest.fixture(scope="module")
def shaft() -> Recipe:
    return load_recipe("1045-shaft-scan")


def _with(recipe: Recipe, **changes: object) -> Recipe:
    data = recipe.model_dump()
    data.pop("nominal_energy_kj")
    data.update(changes)
    return Recipe(**data)


def _batch(recipe: Recipe, conditions: list[PartConditions]) -> PartResults:
    return simulate_parts(build_inputs(recipe, conditions))


def test_default_1045_scan_recipe_is_in_the_calibration_window(shaft: Recipe) -> None:
    r = simulate_part(shaft)
    assert 55.0 <= r.surface_hrc <= 62.0
    assert 1.5 <= r.case_depth_mm <= 4.0
    assert 950.0 <= r.peak_surface_temp_c <= 1050.0
    assert r.energy_coil_kj == pytest.approx(740.0, rel=0.01)  # 37 kW × 20 s
    assert 0.6 < r.energy_part_kj / r.energy_coil_kj < 0.9  # coil efficiency (physics.md §12.2)
    assert r.hv.shape == r.depth_mm.shape
    assert r.hv[0] > 550.0 and r.hv[-1] < 250.0  # hard case over a soft core


def test_more_energy_gives_deeper_case(shaft: Recipe) -> None:
    res = _batch(shaft, [PartConditions(power_factor=f) for f in (0.85, 0.93, 1.0, 1.05)])
    assert np.all(np.diff(res.case_depth_mm) > 0)
    assert np.all(np.diff(res.energy_part_kj) > 0)
    slow = _batch(shaft, [PartConditions(scan_speed_factor=f) for f in (1.2, 1.0, 0.85)])
    assert np.all(np.diff(slow.case_depth_mm) > 0)


def test_lower_quench_flow_gives_softer_or_shallower_case(shaft: Recipe) -> None:
    res = _batch(shaft, [PartConditions(quench_flow_factor=f) for f in (1.0, 0.6, 0.3, 0.15)])
    assert np.all(np.diff(res.surface_hrc) < 0)
    assert np.all(np.diff(res.case_depth_mm) <= 0)
    assert np.all(np.diff(res.surface_cooling_rate_700_c_s) < 0)


def test_higher_polymer_concentration_gives_softer_or_shallower_case(shaft: Recipe) -> None:
    res = _batch(
        shaft, [PartConditions(quench_concentration_pct=c) for c in (5.0, 8.0, 14.0, 20.0)]
    )
    assert np.all(np.diff(res.surface_hrc) < 0)
    assert np.all(np.diff(res.case_depth_mm) <= 0)


def test_warmer_quenchant_gives_softer_parts(shaft: Recipe) -> None:
    res = _batch(shaft, [PartConditions(quench_temp_c=t) for t in (25.0, 45.0, 65.0)])
    assert np.all(np.diff(res.surface_hrc) < 0)


def test_longer_quench_delay_gives_softer_skin(shaft: Recipe) -> None:
    res = _batch(shaft, [PartConditions(extra_quench_delay_s=d) for d in (0.0, 2.0, 3.0)])
    assert res.surface_hrc[1] < res.surface_hrc[0]
    assert res.surface_hrc[2] < res.surface_hrc[1]
    assert res.surface_cooling_rate_700_c_s[2] < res.surface_cooling_rate_700_c_s[0]


def _case_at_peak(recipe: Recipe, target_c: float) -> float:
    """Case depth with the coil power trimmed so the peak surface temperature is `target_c`."""
    factors = np.linspace(0.4, 2.5, 43)
    sweep = _batch(recipe, [PartConditions(power_factor=float(f)) for f in factors])
    factor = float(np.interp(target_c, sweep.peak_surface_temp_c, factors))
    trimmed = simulate_part(recipe, PartConditions(power_factor=factor))
    assert trimmed.peak_surface_temp_c == pytest.approx(target_c, abs=15.0)
    return trimmed.case_depth_mm


def test_higher_frequency_at_equal_surface_temperature_gives_shallower_case(shaft: Recipe) -> None:
    cases = [_case_at_peak(_with(shaft, frequency_hz=f), 1000.0) for f in (3e3, 10e3, 50e3)]
    assert cases[0] > cases[1] > cases[2]


def test_4140_hardens_under_a_quench_too_weak_for_1045(shaft: Recipe) -> None:
    alloy = _with(shaft, steel_grade="4140")
    weak = [  # a dilute spray (≈20 l/(m²·s)); 25 % PAG at a third of the flow
        PartConditions(),
        PartConditions(quench_flow_factor=0.05),
        PartConditions(quench_concentration_pct=25.0, quench_flow_factor=0.3),
    ]
    plain_res = _batch(shaft, weak)
    alloy_res = _batch(alloy, weak)
    plain_loss = plain_res.surface_hrc[0] - plain_res.surface_hrc[1:]
    alloy_loss = alloy_res.surface_hrc[0] - alloy_res.surface_hrc[1:]
    assert np.all(plain_loss > 3.0 * alloy_loss)
    assert np.all(alloy_res.surface_hrc[1:] > plain_res.surface_hrc[1:])
    oil_plain = simulate_part(_with(shaft, quench_medium="oil", quench_concentration_pct=0.0))
    oil_alloy = simulate_part(_with(alloy, quench_medium="oil", quench_concentration_pct=0.0))
    assert oil_alloy.surface_hrc > 55.0 > oil_plain.surface_hrc


def test_lower_carbon_heat_is_softer(shaft: Recipe) -> None:
    res = _batch(shaft, [PartConditions(carbon_offset_pct=c) for c in (0.03, 0.0, -0.03)])
    assert np.all(np.diff(res.surface_hrc) < 0)


def test_larger_gap_couples_less_power_into_the_part(shaft: Recipe) -> None:
    res = _batch(shaft, [PartConditions(gap_mm=g) for g in (2.0, 3.0, 4.0)])
    assert np.all(np.diff(res.energy_part_kj) < 0)
    assert np.all(np.diff(res.case_depth_mm) < 0)
    assert np.all(np.diff(res.mean_power_part_kw / res.mean_power_coil_kw) < 0)  # efficiency


def test_interrupted_heat_is_flagged_and_under_hardened(shaft: Recipe) -> None:
    res = _batch(shaft, [PartConditions(), PartConditions(heat_interrupted_at=0.5)])
    assert bool(res.interrupted[1]) and not bool(res.interrupted[0])
    assert res.case_depth_mm[1] < res.case_depth_mm[0]
    assert res.energy_coil_kj[1] == pytest.approx(0.5 * res.energy_coil_kj[0])


def test_batch_equals_single(shaft: Recipe) -> None:
    conditions = [
        PartConditions(),
        PartConditions(quench_flow_factor=0.5),
        PartConditions(gap_mm=3.0, eccentricity_mm=0.5),
        PartConditions(capacitance_factor=0.96),
        PartConditions(),  # duplicate: simulated once, reported twice
        PartConditions(part_present=False),
        PartConditions(heat_interrupted_at=0.7, carbon_offset_pct=-0.02),
    ] + [PartConditions(power_factor=0.9 + 0.01 * i) for i in range(14)]  # > scalar-solver batch
    recipes = [shaft] * len(conditions)
    recipes[3] = _with(shaft, steel_grade="4140")
    recipes[1] = _with(shaft, frequency_hz=200e3)  # same radius, a finer surface cell
    batch = simulate_parts(build_inputs(recipes, conditions))
    for i, (rec, cond) in enumerate(zip(recipes, conditions, strict=True)):
        one = simulate_part(rec, cond)
        got = batch.part(i)
        for name in (
            "surface_hrc",
            "case_depth_mm",
            "case_depth_iso_mm",
            "peak_surface_temp_c",
            "energy_part_kj",
            "energy_coil_kj",
            "surface_cooling_rate_700_c_s",
        ):
            assert getattr(got, name) == pytest.approx(getattr(one, name), rel=1e-9, abs=1e-9)
        assert np.allclose(got.hv, one.hv, rtol=1e-9)
        assert np.allclose(got.frequency_hz, one.frequency_hz, rtol=1e-9)


def test_simulation_is_deterministic(shaft: Recipe) -> None:
    a = simulate_part(shaft, PartConditions(quench_flow_factor=0.8))
    b = simulate_part(shaft, PartConditions(quench_flow_factor=0.8))
    assert np.array_equal(a.hv, b.hv)
    assert np.array_equal(a.coil_current_a, b.coil_current_a)


@pytest.mark.parametrize("name", ["4140-shaft-scan", "1050-pin-single-shot"])
def test_other_builtin_recipes_meet_their_own_window(name: str) -> None:
    recipe = load_recipe(name)
    r = simulate_part(recipe)
    assert recipe.surface_hrc_min <= r.surface_hrc <= recipe.surface_hrc_max
    assert recipe.case_depth_min_mm <= r.case_depth_mm <= recipe.case_depth_max_mm
    assert r.peak_surface_temp_c < recipe.peak_temp_max_c
