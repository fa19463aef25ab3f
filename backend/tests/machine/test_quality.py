"""Per-part verdicts against the recipe window, driven by physics results; quality as the plant
measures it (inspection plan, Rockwell and traverse scatter, plant verdict)."""

from dataclasses import replace

import numpy as np
import pytest
from numpy.typing import NDArray
from pydantic import ValidationError

from induction_sim.machine.chunk import PartRecord
from induction_sim.machine.inspection import (
    DEFAULT_PLAN,
    NOT_INSPECTED,
    Inspection,
    InspectionPlan,
    inspect,
    rockwell_sd_hrc,
    traverse_case_depth_mm,
    traverse_points,
    vickers_sd_hv,
)
from induction_sim.machine.machine import Machine, MachineConfig
from induction_sim.machine.quality import Reason, evaluate, evaluate_plant, judge_parts
from induction_sim.machine.recipe import Recipe, load_recipe
from induction_sim.machine.scenario import Scenario
from induction_sim.physics.inputs import PartConditions, build_inputs
from induction_sim.physics.metallurgy import SAE_J423_LIMIT_HV
from induction_sim.physics.part import simulate_part, simulate_parts
from induction_sim.physics.results import DEPTH_GRID_MM

FloatArray = NDArray[np.float64]


@pytest.fixture(scope="module")
def shaft() -> Recipe:
    return load_recipe("1045-shaft-scan")


def test_nominal_part_is_ok(shaft: Recipe) -> None:
    verdict = evaluate(shaft, simulate_part(shaft))
    assert verdict.verdict == "OK" and verdict.reasons == () and verdict.ok


@pytest.mark.parametrize(
    ("conditions", "reason"),
    [
        (PartConditions(quench_flow_factor=0.03), Reason.SOFT),  # a dilute spray, ≈13 l/(m²·s)
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


# --- quality as the plant measures it (machine/inspection.py) ---------------------------------

ALL_TESTED = InspectionPlan(hardness_every_n_parts=1, section_every_n_parts=1)


def _profile(
    surface_hv: float, edge_mm: float, slope_hv_mm: float
) -> tuple[FloatArray, FloatArray]:
    """A case whose hardness falls linearly through the J423 limit at ``edge_mm``."""
    depth = DEPTH_GRID_MM
    hv = np.clip(SAE_J423_LIMIT_HV - slope_hv_mm * (depth - edge_mm), 250.0, surface_hv)
    return depth, hv


def test_rockwell_readings_scatter_as_e18_reproducibility_says() -> None:
    """Over many parts the reading minus the true hardness has mean 0 and the documented σ (E18
    reproducibility at that hardness ⊕ the part term), readings on the display's 0.1 grid."""
    depth, hv = _profile(700.0, 2.5, 400.0)
    true_hrc = 58.3
    ids = range(1, 4001)
    read = np.array(
        [inspect(ALL_TESTED, 11, pid, true_hrc, depth, hv).surface_hrc_measured for pid in ids]
    )
    error = read - true_hrc
    sd = float(rockwell_sd_hrc(true_hrc, ALL_TESTED.hrc_part_sd))
    assert 0.40 < sd < 0.55  # E18 S_R ≈ 0.35 at 58 HRC ⊕ 0.3 [E]
    n = len(error)
    assert abs(error.mean()) < 4 * sd / np.sqrt(n)
    # σ of a sample sd ≈ sd/√(2n): within 4 of those (rounding to 0.1 adds 0.1²/12 in variance)
    expected = np.sqrt(sd**2 + ALL_TESTED.hrc_resolution**2 / 12)
    assert abs(error.std() - expected) < 4 * expected / np.sqrt(2 * n)
    np.testing.assert_allclose(read * 10, np.round(read * 10), atol=1e-6)
    dial = InspectionPlan(hardness_every_n_parts=1, hrc_resolution=0.5)
    reading = inspect(dial, 11, 7, true_hrc, depth, hv).surface_hrc_measured
    assert reading * 2 == round(reading * 2)


def test_traverse_case_depth_scatter_matches_its_error_budget() -> None:
    """On a linear profile the interpolated depth errs by the two bracketing indentations'
    errors, weighted (1 − t) and t: var = ⟨(1−t)² + t²⟩ (σ_HV²/slope² + σ_pos²) with ⟨…⟩ = 2/3
    when the edge falls anywhere between indentations, plus the 0.01 mm rounding."""
    plan = DEFAULT_PLAN
    slope = 400.0
    rng = np.random.default_rng(5)
    errors = []
    for _ in range(3000):
        edge = 2.5 + rng.random() * plan.traverse_step_mm
        depth, hv = _profile(700.0, edge, slope)
        n = traverse_points(depth, plan)
        read = traverse_case_depth_mm(depth, hv, plan, rng.standard_normal(n), rng.random(n))
        errors.append(read - edge)
    error = np.array(errors)
    sigma_hv = float(vickers_sd_hv(np.array([SAE_J423_LIMIT_HV]), plan)[0])
    assert 10.0 < sigma_hv < 16.0  # E384 diagonal scatter ≈ 1.9 % ⊕ 2 % local, at 513 HV1
    variance = (2 / 3) * ((sigma_hv / slope) ** 2 + plan.position_error_mm**2 / 3)
    expected = np.sqrt(variance + plan.ecd_resolution_mm**2 / 12)
    assert 0.02 < expected < 0.04  # ±0.05–0.08 mm at 2σ
    assert abs(error.mean()) < 4 * expected / np.sqrt(len(error))
    assert abs(error.std() - expected) < 0.06 * expected


def test_a_shallow_gradient_makes_the_case_depth_harder_to_read() -> None:
    plan = DEFAULT_PLAN
    rng = np.random.default_rng(8)

    def spread(slope: float) -> float:
        errors = []
        for _ in range(1500):
            edge = 2.0 + rng.random() * plan.traverse_step_mm
            depth, hv = _profile(700.0, edge, slope)
            n = traverse_points(depth, plan)
            errors.append(
                traverse_case_depth_mm(depth, hv, plan, rng.standard_normal(n), rng.random(n))
                - edge
            )
        return float(np.std(errors))

    assert spread(100.0) > 1.5 * spread(400.0)


def test_which_parts_are_inspected_follows_the_plan() -> None:
    depth, hv = _profile(700.0, 2.5, 400.0)
    plan = InspectionPlan(hardness_every_n_parts=10, section_every_n_parts=250)
    found = {pid: inspect(plan, 3, pid, 58.0, depth, hv) for pid in range(1, 1001)}
    tested = {pid for pid, i in found.items() if i.hardness_inspected}
    sectioned = {pid for pid, i in found.items() if i.case_depth_inspected}
    assert sectioned == {250, 500, 750, 1000}
    assert tested == set(range(10, 1001, 10))  # every section is also hardness-tested
    for i in found.values():
        assert np.isfinite(i.surface_hrc_measured) == i.hardness_inspected
        assert np.isfinite(i.case_depth_measured_mm) == i.case_depth_inspected
    # at a rate: a binomial fraction, the same parts for the same seed
    sampled = InspectionPlan(
        hardness_every_n_parts=0, section_every_n_parts=0, hardness_sample_rate=0.2
    )
    picks = [inspect(sampled, 3, pid, 58.0, depth, hv).hardness_inspected for pid in range(1, 5001)]
    assert abs(np.mean(picks) - 0.2) < 4 * np.sqrt(0.2 * 0.8 / 5000)
    again = [inspect(sampled, 3, pid, 58.0, depth, hv).hardness_inspected for pid in range(1, 5001)]
    assert picks == again
    none = InspectionPlan(hardness_every_n_parts=0, section_every_n_parts=0)
    assert inspect(none, 3, 10, 58.0, depth, hv) == NOT_INSPECTED
    # nothing to test: never heated, or not testable (no part, scrapped as interrupted)
    assert inspect(ALL_TESTED, 3, 10, float("nan"), depth, hv) == NOT_INSPECTED
    assert inspect(ALL_TESTED, 3, 10, 58.0, depth, hv, testable=False) == NOT_INSPECTED


def test_the_plant_judges_what_it_measured_and_passes_what_it_did_not_inspect(
    shaft: Recipe,
) -> None:
    result = simulate_part(shaft)
    assert shaft.surface_hrc_min < result.surface_hrc < shaft.surface_hrc_max
    low = shaft.surface_hrc_min - 0.2
    # a good part read just below the window is rejected by the plant
    misread = Inspection(True, low, False, float("nan"))
    assert evaluate_plant(shaft, evaluate(shaft, result), misread).reasons == ("SOFT",)
    assert evaluate(shaft, result).ok
    # a section that reads shallow rejects it too; an unread case depth is not judged
    shallow = Inspection(True, result.surface_hrc, True, shaft.case_depth_min_mm - 0.05)
    assert evaluate_plant(shaft, evaluate(shaft, result), shallow).reasons == ("SHALLOW",)
    assert evaluate_plant(shaft, evaluate(shaft, result), NOT_INSPECTED).ok
    # a soft part nobody tested ships as OK; its true verdict stays NOK
    soft = replace(result, surface_hrc=shaft.surface_hrc_min - 3.0)
    assert "SOFT" in evaluate(shaft, soft).reasons
    assert "SOFT" not in evaluate_plant(shaft, evaluate(shaft, soft), NOT_INSPECTED).reasons
    # the process monitors judge every part, inspected or not
    interrupted = simulate_part(shaft, PartConditions(heat_interrupted_at=0.4))
    assert (
        "INTERRUPTED" in evaluate_plant(shaft, evaluate(shaft, interrupted), NOT_INSPECTED).reasons
    )
    absent = simulate_part(shaft, PartConditions(part_present=False))
    assert "NO_PART" in evaluate_plant(shaft, evaluate(shaft, absent), NOT_INSPECTED).reasons
    # a tested soft part that is also over-energised: both reasons, in the order of Reason
    hot = replace(soft, energy_coil_kj=2 * shaft.nominal_energy_kj)
    read_soft = Inspection(True, shaft.surface_hrc_min - 1.0, False, float("nan"))
    plant = evaluate_plant(shaft, evaluate(shaft, hot), read_soft)
    assert plant.reasons == ("SOFT", "ENERGY_OUT_OF_WINDOW")
    # a tested part judged only on what was read: a true SHALLOW is not seen without a section
    shallow_part = replace(result, case_depth_mm=shaft.case_depth_min_mm - 0.5)
    good_read = Inspection(True, result.surface_hrc, False, float("nan"))
    assert evaluate(shaft, shallow_part).reasons == ("SHALLOW",)
    assert evaluate_plant(shaft, evaluate(shaft, shallow_part), good_read).ok


def test_near_the_limit_plant_and_true_verdicts_disagree_both_ways(shaft: Recipe) -> None:
    """Parts a few tenths inside the window read outside it sometimes, and vice versa, at the
    rate the reading's σ gives (normal tail)."""
    from math import erf, sqrt

    depth, hv = _profile(700.0, 2.5, 400.0)
    limit = shaft.surface_hrc_min
    sd = float(rockwell_sd_hrc(limit, ALL_TESTED.hrc_part_sd))
    n = 4000
    for offset in (+0.3, -0.3):
        reads = np.array(
            [
                inspect(ALL_TESTED, 21, pid, limit + offset, depth, hv).surface_hrc_measured
                for pid in range(1, n + 1)
            ]
        )
        flipped = np.mean((reads < limit) != (offset < 0))
        # P(reading on the other side) = Φ(−|offset|/σ), to the 0.1 display (half a step)
        p = 0.5 * (1 + erf(-(abs(offset) + 0.05 * np.sign(offset)) / sd / sqrt(2)))
        assert abs(flipped - p) < 4 * np.sqrt(p * (1 - p) / n) + 0.02


def test_measured_quality_is_the_same_in_one_chunk_or_one_sample_at_a_time() -> None:
    plan = InspectionPlan(hardness_every_n_parts=2, section_every_n_parts=5)
    config = MachineConfig(recipe=load_recipe("1045-shaft-scan"), seed=4, inspection=plan)
    whole = Machine(config).advance(1200).parts
    machine = Machine(config)
    pieces = [p for k in (1, 1, 300, 97, 1, 400, 400) for p in machine.advance(k).parts]

    def measured(parts: list[PartRecord]) -> list[tuple[object, ...]]:
        return [
            (
                p.part_id,
                p.hardness_inspected,
                np.nan_to_num(p.surface_hrc_measured, nan=-1.0),
                p.case_depth_inspected,
                np.nan_to_num(p.case_depth_measured_mm, nan=-1.0),
                p.plant_verdict,
                p.plant_reasons,
            )
            for p in parts
        ]

    assert len(whole) >= 25
    assert measured(pieces) == measured(whole)
    assert any(p.case_depth_inspected for p in whole)
    for p in whole:
        assert p.hardness_inspected == (p.part_id % 2 == 0 or p.part_id % 5 == 0)
        assert p.case_depth_inspected == (p.part_id % 5 == 0)
        if p.hardness_inspected:
            assert abs(p.surface_hrc_measured - p.surface_hrc) < 5 * 0.5
        if p.case_depth_inspected:
            assert abs(p.case_depth_measured_mm - p.case_depth_mm) < 0.2


def test_a_scenario_carries_its_inspection_plan_to_every_shard() -> None:
    plan = {"hardness_every_n_parts": 4, "section_every_n_parts": 0, "hrc_resolution": 0.5}
    scenario = Scenario(name="qa", inspection=plan)
    config = scenario.machine_config(rows=7200, seed=1, shard=1)
    assert config.inspection == InspectionPlan(**plan)
    assert Scenario(name="default").machine_config(7200, 1, 0).inspection == DEFAULT_PLAN
    with pytest.raises(ValidationError):
        Scenario(name="bad", inspection={"hardness_sample_rate": 1.5})
