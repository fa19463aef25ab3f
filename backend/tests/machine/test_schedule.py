"""Fault schedules: timed, conditional ("from part N", "every N-th heat") and stochastic."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from engine_runs import run
from pydantic import ValidationError

from induction_sim.machine.faults import BY_ID
from induction_sim.machine.schedule import FaultRule, expand
from induction_sim.machine.states import MachineState

HEATING = int(MachineState.HEATING)


def active_mask(chunk: object, fault_id: str) -> np.ndarray:
    bit = 1 << BY_ID[fault_id].bit
    cols = chunk.columns  # type: ignore[attr-defined]
    return ((cols["faults_onset"] | cols["faults_active"]) & bit) != 0


def test_a_from_part_rule_starts_when_that_part_is_loaded() -> None:
    faults = expand([FaultRule(fault="quench_pump_wear", severity=0.4, from_part=20)], 3600, seed=1)
    chunk = run(3600, *faults)
    labelled = active_mask(chunk, "quench_pump_wear")
    first = int(np.argmax(labelled))
    assert chunk.columns["part_id"][first] == 20
    assert chunk.columns["machine_state"][first] == int(MachineState.LOADING)
    assert not labelled[:first].any()
    assert labelled[first:].all()  # stays on after part 20, also between parts
    # and it acts: the worn pump delivers less from then on (true flow while spraying)
    flow = chunk.true_values["quench_flow_lpm"]
    spraying = flow > 0
    assert flow[first:][spraying[first:]].max() < 0.9 * flow[:first][spraying[:first]].min()


def test_an_every_third_heat_rule_acts_only_while_heating_parts_3_6_9() -> None:
    rule = FaultRule(fault="scan_drive_error", severity=0.3, every_nth_heat=3)
    chunk = run(1800, *expand([rule], 1800, seed=1))
    labelled = active_mask(chunk, "scan_drive_error")
    parts = set(chunk.columns["part_id"][labelled].tolist())
    assert parts
    assert all(p % 3 == 0 for p in parts)
    assert (chunk.columns["machine_state"][labelled] == HEATING).all()
    energy = {p.part_id: p.energy_coil_kj for p in chunk.parts}
    assert energy[3] > 1.2 * energy[2]  # a slower scan puts more energy into the part
    assert energy[4] == pytest.approx(energy[2], rel=0.01)


def test_a_stochastic_rule_is_reproducible_from_the_seed_and_near_its_rate() -> None:
    rule = FaultRule(fault="ground_fault", severity=0.2, rate_per_h=2.0, duration_s=60)
    a = expand([rule], 100 * 3600, seed=4)
    assert a == expand([rule], 100 * 3600, seed=4)
    assert a != expand([rule], 100 * 3600, seed=5)
    assert 140 <= len(a) <= 260  # Poisson, mean 200
    onsets = [f.onset_s for f in a]
    assert onsets == sorted(onsets)
    assert all(b - x >= 60 for x, b in itertools.pairwise(onsets))


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"fault": "no_such_fault", "severity": 0.5, "at_s": 0}, "fault"),
        ({"fault": "ground_fault", "severity": 1.5, "at_s": 0}, "severity"),
        ({"fault": "ground_fault", "severity": 0.5}, "trigger"),
        ({"fault": "ground_fault", "severity": 0.5, "at_s": 1, "from_part": 3}, "only one"),
        ({"fault": "ground_fault", "severity": 0.5, "rate_per_h": 1}, "duration_s"),
    ],
)
def test_invalid_rules_are_rejected_with_the_field_named(
    rule: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError, match=field):
        FaultRule.model_validate(rule)
