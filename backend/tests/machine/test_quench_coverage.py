"""Clogged quench nozzles in a machine run, where the physics says they make SOFT parts above
the quench-flow interlock: a part that does not turn and a deep case (physics.md §7.2). The
catalogue's signature test (`test_fault_signatures.py`) covers the default, turning shaft."""

from __future__ import annotations

from engine_runs import default_recipe, run, step
from test_fault_signatures import alarms, parts_loaded


def test_clogged_nozzles_leave_a_soft_stripe_on_a_deep_case_that_does_not_turn() -> None:
    """Above the flow interlock, a blocked sector makes SOFT parts where nothing averages or
    self-quenches it away: no rotation, a ≈5 mm case (physics.md §7.2)."""
    recipe = default_recipe().model_copy(
        update={
            "frequency_hz": 3000.0,
            "scan_speed_mm_s": 6.0,
            "rotation_rpm": 0.0,
            "case_depth_max_mm": 6.0,
        }
    )
    base = run(3600, recipe=recipe)
    fault = run(3600, step("quench_nozzles_clogged", 0.5), recipe=recipe)
    assert not alarms(fault)  # the flow (76 % of set) stays above the 70 % interlock
    parts, parts0 = parts_loaded(fault), parts_loaded(base)
    assert not any("SOFT" in p.reasons for p in parts0)
    assert all("SOFT" in p.reasons for p in parts)
    assert all(p.verdict == "NOK" for p in parts)
