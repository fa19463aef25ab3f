"""Austenitisation on continuous heating per prior structure, and carbon partitioning
(docs/physics.md §8.1, issue 13 §2)."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from pydantic import ValidationError

from induction_sim.machine.recipe import Recipe, builtin_recipes
from induction_sim.physics.inputs import build_inputs
from induction_sim.physics.materials import GRADES, PRIOR_STRUCTURES, andrews_ms_c
from induction_sim.physics.metallurgy import (
    austenite_carbon_pct,
    austenite_step,
    maynier_hv,
    remainder_carbon_pct,
)
from induction_sim.physics.part import simulate_part, simulate_parts
from induction_sim.validation import (
    FULL_AUSTENITE_BANDS_C,
    FULL_AUSTENITE_RATES_C_S,
    engine_full_austenite_c,
)

RATES = FULL_AUSTENITE_RATES_C_S


@pytest.mark.parametrize(("grade", "structure"), sorted(FULL_AUSTENITE_BANDS_C))
def test_full_austenite_rises_with_heating_rate_inside_the_band(grade: str, structure: str) -> None:
    temps = np.array([engine_full_austenite_c(grade, structure, v) for v in RATES])
    assert np.all(np.diff(temps) > 0.0)
    # never below the equilibrium Ac3 (Andrews): kinetics only delay the transformation
    assert temps[0] >= GRADES[grade].ac3_c - 0.5
    for temp, (low, high) in zip(temps, FULL_AUSTENITE_BANDS_C[grade, structure], strict=True):
        assert low <= temp <= high


@pytest.mark.parametrize("grade", ["1045", "1050", "4140"])
@pytest.mark.parametrize("rate", RATES)
def test_finer_prior_structures_austenitise_at_lower_temperature(grade: str, rate: float) -> None:
    q_t, normalised, annealed = (
        engine_full_austenite_c(grade, s, rate)
        for s in ("quenched_tempered", "normalised", "annealed")
    )
    assert q_t < normalised < annealed


def _ramp(steps: int, rate_c_s: float = 300.0, end_c: float = 850.0) -> float:
    """Austenite after heating 700 °C → end_c at a constant rate in ``steps`` engine steps."""
    grade = GRADES["1045"]
    kin = grade.structure("normalised")
    temps = np.linspace(700.0, end_c, steps + 1)
    dt = np.array([(temps[1] - temps[0]) / rate_c_s])
    f = np.zeros(1)
    ac3 = np.array([grade.ac3_c])
    for old, new in itertools.pairwise(temps):
        f = austenite_step(
            f, np.array([new]), dt, grade.ac1_c, ac3, kin.tau0_s, kin.theta_k, np.array([old])
        )
    return float(f[0])


def test_the_step_holds_the_rate_law_at_engine_step_sizes() -> None:
    """At 20–40 K per step (the engine's heating steps) the austenite equals the converged
    solution of the rate law (3000 steps) within 0.005."""
    converged = _ramp(3000)
    assert 0.1 < converged < 0.95  # a partially austenitised state: the sensitive case
    for steps in (8, 4):
        assert _ramp(steps) == pytest.approx(converged, abs=0.005)


def test_austenite_never_reverts_on_cooling() -> None:
    grade = GRADES["1045"]
    kin = grade.structure("normalised")
    f0 = np.array([0.9])  # more than the lever rule allows at 730–760 °C
    f1 = austenite_step(
        f0,
        np.array([730.0]),
        np.array([0.1]),
        grade.ac1_c,
        np.array([grade.ac3_c]),
        kin.tau0_s,
        kin.theta_k,
        np.array([760.0]),
    )
    assert f1[0] == 0.9


def test_austenite_from_pearlite_carries_the_eutectoid_carbon_and_conserves_it() -> None:
    bulk = np.array([0.45])
    eut = GRADES["1045"].eutectoid_carbon_pct
    f = np.array([0.05, 0.3, 0.58, 0.8, 1.0])
    c_gamma = austenite_carbon_pct(f, bulk, eut, np.array(True))
    assert c_gamma[0] == pytest.approx(eut)
    assert np.all(np.diff(c_gamma) <= 1e-12)  # falls to the bulk as the ferrite dissolves
    assert c_gamma[-1] == pytest.approx(0.45)
    rest = remainder_carbon_pct(f, bulk, c_gamma)
    np.testing.assert_allclose(f * c_gamma + (1.0 - f) * rest, 0.45, atol=1e-12)
    # quenched and tempered: fine carbides everywhere, the austenite has the bulk carbon
    np.testing.assert_allclose(austenite_carbon_pct(f, bulk, eut, np.array(False)), 0.45)


def test_partitioned_martensite_is_harder_with_a_lower_ms() -> None:
    grade = GRADES["1045"]
    bulk = np.array([grade.composition.c])
    c_gamma = austenite_carbon_pct(
        np.array([0.4]), bulk, grade.eutectoid_carbon_pct, np.array(True)
    )
    rate = np.array([300.0])
    hv_bulk = maynier_hv(bulk, grade.composition, rate)[0]
    hv_part = maynier_hv(c_gamma, grade.composition, rate)[0]
    assert hv_part[0] > hv_bulk[0] + 100.0
    assert andrews_ms_c(c_gamma, grade.composition)[0] < grade.ms_c - 100.0


def test_partitioning_hardens_the_partially_austenitised_layer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Same part with and without partitioning: where the austenite fraction is partial the
    node is harder with it (its martensite has more carbon), fully austenitic nodes agree."""
    recipe = builtin_recipes()["1045-shaft-scan"]
    with_c = simulate_part(recipe)
    grade = GRADES["1045"]
    structures = dict(grade.structures)
    structures["normalised"] = dataclasses.replace(
        structures["normalised"], carbon_partitioning=False
    )
    monkeypatch.setitem(GRADES, "1045", dataclasses.replace(grade, structures=structures))
    bulk_c = simulate_part(recipe)
    np.testing.assert_allclose(with_c.austenite_fraction, bulk_c.austenite_fraction)
    partial = (with_c.austenite_fraction > 0.3) & (with_c.austenite_fraction < 0.9)
    full = with_c.austenite_fraction > 0.999
    assert partial.any() and full.any()
    assert np.all(with_c.hv[partial] > bulk_c.hv[partial])
    # fully austenitic: c_γ = c/f → the bulk (within 0.1 %: f ≥ 0.999)
    np.testing.assert_allclose(with_c.hv[full], bulk_c.hv[full], rtol=1e-3)
    assert with_c.case_depth_mm > bulk_c.case_depth_mm


@pytest.mark.parametrize("name", sorted(builtin_recipes()))
def test_finer_prior_structure_hardens_deeper(name: str) -> None:
    """Same recipe, the three supply states: Q&T ≥ normalised ≥ annealed in case depth
    (the direction [Lazov2026] measured for Q&T vs normalised 42CrMo4)."""
    recipe = builtin_recipes()[name]
    depth = [
        simulate_part(recipe.model_copy(update={"prior_structure": s})).case_depth_mm
        for s in ("quenched_tempered", "normalised", "annealed")
    ]
    assert depth[0] > depth[1] > depth[2]


def test_a_batch_of_structures_equals_the_parts_run_alone() -> None:
    recipe = builtin_recipes()["1045-shaft-scan"]
    recipes = [recipe.model_copy(update={"prior_structure": s}) for s in PRIOR_STRUCTURES]
    batch = simulate_parts(build_inputs(recipes))
    for i, one in enumerate(recipes):
        alone = simulate_part(one)  # same tolerance as test_part_simulation's batch test
        assert batch.case_depth_mm[i] == pytest.approx(alone.case_depth_mm, rel=1e-9)
        np.testing.assert_allclose(batch.hv[i], alone.hv, rtol=1e-9)


def test_recipe_prior_structure_is_validated_and_defaults_to_the_supply_state() -> None:
    data = builtin_recipes()["1045-shaft-scan"].model_dump()
    with pytest.raises(ValidationError) as err:
        Recipe.model_validate({**data, "prior_structure": "spheroidized"})
    assert "prior_structure" in str(err.value)
    data.pop("prior_structure")
    default = Recipe.model_validate(data)
    assert default.prior_structure is None
    code = build_inputs(default).structure_code[0]
    assert PRIOR_STRUCTURES[int(code)] == GRADES["1045"].default_structure == "normalised"
    alloy = builtin_recipes()["4140-shaft-scan"].model_dump()
    alloy.pop("prior_structure")
    code = build_inputs(Recipe.model_validate(alloy)).structure_code[0]
    assert PRIOR_STRUCTURES[int(code)] == "quenched_tempered"


def test_an_unknown_structure_in_a_process_spec_names_the_field() -> None:
    spec = dataclasses.replace(
        builtin_recipes()["1045-shaft-scan"].process_spec(), prior_structure="bainitic"
    )
    with pytest.raises(ValueError, match="prior_structure"):
        build_inputs(spec)


def test_default_1045_recipe_stays_in_its_window() -> None:
    result = simulate_part(builtin_recipes()["1045-shaft-scan"])
    assert 55.0 <= result.surface_hrc <= 62.0
    assert 1.5 <= result.case_depth_mm <= 4.0
