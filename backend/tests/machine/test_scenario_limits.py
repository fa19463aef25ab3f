"""A small body cannot ask for unbounded work: list lengths, the shift length (one shard per
shift) and the fault rules' repetition are bounded, and each refusal names its field and limit."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from induction_sim.machine.scenario import (
    MAX_FAULT_RULES,
    MAX_IMPAIRMENTS,
    MAX_RECIPES,
    MIN_SHIFT_H,
    Scenario,
)
from induction_sim.machine.schedule import MAX_RATE_PER_H, FaultRule

TIMED = {"fault": "ground_fault", "severity": 0.5, "at_s": 60}
IMPAIRMENT = {"signal": "quench_temp_c", "kind": "drift", "magnitude": 0.1}


def _refusal(data: dict[str, Any], model: type[Scenario | FaultRule] = Scenario) -> str:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return str(caught.value)


@pytest.mark.parametrize("shift_h", [0.0001, 0.0002, 0.2])
def test_a_shift_shorter_than_the_minimum_is_refused_naming_shift_h(shift_h: float) -> None:
    # 0.0001 h rounded to 0 rows per shard (ZeroDivisionError); 0.0002 h made 200,000 shards.
    message = _refusal({"name": "tiny", "shift_h": shift_h})
    assert "shift_h" in message and str(MIN_SHIFT_H) in message


def test_the_minimum_shift_is_accepted_and_bounds_the_shard_count() -> None:
    scenario = Scenario(name="quarter", shift_h=MIN_SHIFT_H)
    assert scenario.shift_rows == 900
    assert scenario.shards(20_000_000) == 22_223


@pytest.mark.parametrize(
    ("field", "item", "limit"),
    [
        ("recipes", {"recipe": "1045-shaft-scan"}, MAX_RECIPES),
        ("faults", TIMED, MAX_FAULT_RULES),
        ("impairments", IMPAIRMENT, MAX_IMPAIRMENTS),
    ],
)
def test_lists_longer_than_their_limit_are_refused(
    field: str, item: dict[str, Any], limit: int
) -> None:
    Scenario.model_validate({"name": "full", field: [item] * limit})
    message = _refusal({"name": "over", field: [item] * (limit + 1)})
    assert field in message and f"at most {limit} items" in message


def test_a_fault_rule_cannot_repeat_faster_than_the_bounded_rate() -> None:
    rule = {"fault": "ground_fault", "severity": 0.5, "duration_s": 1}
    FaultRule.model_validate({**rule, "rate_per_h": MAX_RATE_PER_H})
    message = _refusal({**rule, "rate_per_h": 1e6}, FaultRule)
    assert "rate_per_h" in message and f"less than or equal to {MAX_RATE_PER_H:g}" in message


def test_the_rate_bound_holds_the_expanded_count_near_rate_times_hours() -> None:
    rule = FaultRule(fault="ground_fault", severity=0.5, rate_per_h=MAX_RATE_PER_H, duration_s=1)
    hours = 1000
    count = len(rule.instances(hours * 3600.0, seed=7, index=0))
    assert count < 1.1 * MAX_RATE_PER_H * hours  # Poisson mean 12,000; sd ≈ 110


@pytest.mark.parametrize(
    ("field", "value"),
    [("period_s", 0.001), ("every_nth_heat", 2**70), ("from_part", 2**70), ("at_s", 1e300)],
)
def test_repeat_periods_and_counters_are_bounded(field: str, value: float) -> None:
    base = {"fault": "part_misseated", "severity": 0.5}
    trigger = {} if field in ("every_nth_heat", "from_part", "at_s") else {"at_s": 0}
    assert field in _refusal({**base, **trigger, field: value}, FaultRule)


@pytest.mark.parametrize("severity", [1e-300, 5e-324, 1e-40, 0.3, 1.0])
def test_a_rule_severity_is_what_the_fault_injections_column_holds(severity: float) -> None:
    """fault_injections.severity is REAL: a severity too small for it (1e-300 underflows) would
    fail the job's insert after it was accepted; the rule keeps the float32 the row will hold."""
    rule = FaultRule(fault="quench_pump_wear", severity=severity, at_s=60.0)
    assert rule.severity == float(np.float32(severity))
