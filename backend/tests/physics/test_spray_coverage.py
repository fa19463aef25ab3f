"""Blocked ring holes (clogged nozzles): a sector of the circumference without direct spray.

The schedule of the weakest point is checked against its definition (time under the blocked
sector), the physics against what rotation is for — a turning part averages the blocked sector
out, a part that does not turn keeps a soft stripe — and the model's neutrality: no blocked hole,
no change, bit for bit; a part's result does not depend on its batch.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from induction_sim.machine.recipe import Recipe, builtin_recipes
from induction_sim.physics.inputs import PartConditions, build_inputs
from induction_sim.physics.part import simulate_part, simulate_parts
from induction_sim.physics.quench import first_pass_s

fractions = st.floats(0.0, 0.95)
rpms = st.floats(0.0, 3000.0)


def _first_pass(b: float, rpm: float, passage: float = math.inf) -> float:
    return float(first_pass_s(np.array([b]), np.array([rpm]), np.array([passage]))[0])


@given(b=fractions, rpm=st.floats(0.5, 3000.0), passage=st.floats(0.1, 10.0))
def test_the_first_pass_is_the_blocked_share_of_a_turn_within_the_band(
    b: float, rpm: float, passage: float
) -> None:
    first = _first_pass(b, rpm, passage)
    assert 0.0 <= first <= min(passage, 60.0 / rpm)
    assert first <= _first_pass(min(b + 0.05, 0.95), rpm, passage)  # more blocked: longer
    assert first >= _first_pass(b, rpm * 2.0, passage)  # faster turning: shorter


@given(b=st.floats(0.01, 0.95), passage=st.floats(0.1, 10.0))
def test_without_rotation_the_stripe_is_unsprayed_for_its_whole_passage(
    b: float, passage: float
) -> None:
    assert _first_pass(b, 0.0, passage) == passage


def _deep_1045(rpm: float) -> Recipe:
    """The reference shaft at 3 kHz and 6 mm/s: a ≈5 mm case, whose stored heat makes the skin
    depend on the spray (a ≈3 mm case largely self-quenches into the cold core, physics.md §7.2)."""
    base = builtin_recipes()["1045-shaft-scan"]
    return base.model_copy(
        update={"frequency_hz": 3000.0, "scan_speed_mm_s": 6.0, "rotation_rpm": rpm}
    )


def _clogged(blocked: float) -> PartConditions:
    """Nozzles clogged until `blocked` of the hole area is shut: the flow falls with the open
    area as the machine's quench circuit says (`machine.auxiliaries`), the rest is coverage."""
    resistance = 1.0 / (1.0 - blocked) ** 2
    flow = math.sqrt(2.0 / (1.0 + resistance))
    return PartConditions(quench_flow_factor=flow, quench_blocked_fraction=blocked)


@pytest.mark.parametrize("name", sorted(builtin_recipes()))
def test_no_blocked_hole_changes_nothing(name: str) -> None:
    recipe = builtin_recipes()[name]
    plain = simulate_part(recipe, PartConditions(quench_flow_factor=0.8))
    with_zero = simulate_part(
        recipe, PartConditions(quench_flow_factor=0.8, quench_blocked_fraction=0.0)
    )
    assert plain.surface_hrc == with_zero.surface_hrc
    assert np.array_equal(plain.hv, with_zero.hv)


def test_a_part_that_does_not_turn_keeps_a_soft_stripe_above_the_flow_interlock() -> None:
    recipe = _deep_1045(rpm=0.0)
    conditions = [_clogged(b) for b in (0.0, 0.1, 0.2, 0.37)]
    assert all(c.quench_flow_factor >= 0.7 for c in conditions)  # the interlock's 70 %
    results = simulate_parts(build_inputs(recipe, conditions))
    # more blocked area: the stripe cools more slowly and is softer, step by step
    assert np.all(np.diff(results.surface_cooling_rate_700_c_s) < 0)
    assert np.all(np.diff(results.surface_hrc) <= 0)
    assert results.surface_hrc[0] >= recipe.surface_hrc_min
    assert results.surface_hrc[-1] < recipe.surface_hrc_min  # SOFT: below the window


def test_rotation_averages_the_blocked_sector_out() -> None:
    """The faster the part turns, the shorter its weakest point's first pass under the blocked
    sector and the closer it comes to the ring's mean flux (the same flow over the whole
    circumference)."""
    blocked = _clogged(0.37)
    uniform = PartConditions(quench_flow_factor=blocked.quench_flow_factor)
    stripes = [simulate_part(_deep_1045(rpm), blocked) for rpm in (0.0, 10.0, 200.0, 2000.0)]
    mean_flux = simulate_part(_deep_1045(200.0), uniform)
    hrc = np.array([s.surface_hrc for s in stripes])
    case = np.array([s.case_depth_mm for s in stripes])
    assert np.all(np.diff(hrc) > -0.05)  # never softer for turning faster (rounding aside)
    assert np.all(np.diff(case) > -0.01)
    assert abs(hrc[-1] - mean_flux.surface_hrc) < 0.3  # many turns: the uniform result
    assert hrc[0] < mean_flux.surface_hrc - 3.0  # no turn: a soft stripe
    assert case[0] < mean_flux.case_depth_mm - 1.0


def test_a_striped_part_is_the_same_in_any_batch() -> None:
    recipe = _deep_1045(rpm=30.0)
    alone = simulate_part(recipe, _clogged(0.3))
    batch = simulate_parts(
        build_inputs(
            recipe, [PartConditions(), _clogged(0.3), PartConditions(quench_flow_factor=0.9)]
        )
    ).part(1)
    # the engine's batch independence holds to rounding (≈1e-12 HV: numpy's reductions)
    np.testing.assert_allclose(batch.hv, alone.hv, rtol=1e-10)
    np.testing.assert_allclose(
        batch.surface_cooling_rate_700_c_s, alone.surface_cooling_rate_700_c_s, rtol=1e-10
    )
