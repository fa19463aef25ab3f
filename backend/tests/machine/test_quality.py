"""Per-part verdicts against the recipe window, driven by physics results."""

import numpy as np
import pytest

from induction_sim.machine.quality import Reason, evaluate, judge_parts
from induction_sim.machine.recipe import Recipe, load_recipe
from induction_sim.physics.inputs import PartConditions, build_inputs
from induction_sim.physics.part import simulate_part, simulate_parts


@pytest.fixture(scope="module")
def shaft() -> Recipe:
    return load_recipe("1045-shaft-scan")


def test_nominal_part_is_ok(shaft: Recipe) -> None:
    verdict = evaluate(shaft, simulate_part(shaft))
    assert verdict.verdict == "OK" and verdict.reasons == () and verdict.ok


@pytest.mark.parametrize(
    ("conditions", "reason"),
    [
        (PartConditions(quench_flow_factor=0.15), Reason.SOFT),
        (PartConditions(power_factor=0.8), Reason.SHALLOW),
        (PartConditions(scan_speed_factor=0.8), Reason.DEEP),
        (PartConditions(scan_speed_factor=0.75), Reason.OVERHEAT),
        (PartConditions(power_factor=0.9), Reason.ENERGY_OUT_OF_WINDOW),
        (PartConditions(heat_interrupted_at=0.4), Reason.INTERRUPTED),
        (PartConditions(part_present=False), Reason.NO_PART),
    ],
)
def test_faulty_conditions_give_nok_with_the_physical_reason(
    shaft: Recipe, conditions: PartConditions, reason: Reason
) -> None:
    verdict = evaluate(shaft, simulate_part(shaft, conditions))
    assert verdict.verdict == "NOK"
    assert str(reason) in verdict.reasons


def test_machine_can_mark_a_finished_heat_as_interrupted(shaft: Recipe) -> None:
    verdict = evaluate(shaft, simulate_part(shaft), interrupted=True)
    assert verdict.reasons == ("INTERRUPTED",)


def test_batch_judgement_matches_single(shaft: Recipe) -> None:
    conditions = [PartConditions(), PartConditions(quench_flow_factor=0.15), PartConditions()]
    results = simulate_parts(build_inputs(shaft, conditions))
    batch = judge_parts(shaft, results, interrupted=np.array([False, False, True]))
    singles = [
        evaluate(shaft, results.part(0)),
        evaluate(shaft, results.part(1)),
        evaluate(shaft, results.part(2), interrupted=True),
    ]
    assert batch == singles
