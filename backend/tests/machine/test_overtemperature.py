"""Melting as the line meets it: the pyrometer's high limit (alarm 304) stops a heat that runs
away, a dirty lens hides it and the skin melts (MELT parts), and the verdict names it."""

from __future__ import annotations

from collections import Counter

from engine_runs import run, step

from induction_sim.machine.quality import evaluate
from induction_sim.machine.recipe import builtin_recipes
from induction_sim.machine.states import AlarmCode
from induction_sim.physics.inputs import PartConditions
from induction_sim.physics.part import simulate_part


def _alarms_and_reasons(*faults: tuple[str, float]) -> tuple[Counter[int], Counter[str]]:
    chunk = run(1800, *(step(fault, severity) for fault, severity in faults))
    alarms = Counter(int(e.code) for e in chunk.events if e.kind == "alarm_raised" and e.code)
    reasons = Counter(r for p in chunk.parts for r in p.reasons)
    return alarms, reasons


def test_a_scan_near_its_stall_trips_the_overtemperature_interlock_before_the_skin_melts() -> None:
    alarms, reasons = _alarms_and_reasons(("scan_drive_error", 1.0))
    assert alarms[int(AlarmCode.PART_OVERTEMPERATURE)] > 0
    assert reasons["INTERRUPTED"] > 0
    assert reasons["MELT"] == 0


def test_a_dirty_pyrometer_lens_hides_the_runaway_and_the_skin_melts() -> None:
    alarms, reasons = _alarms_and_reasons(("scan_drive_error", 1.0), ("pyrometer_dirty_lens", 1.0))
    assert alarms[int(AlarmCode.PART_OVERTEMPERATURE)] == 0
    assert reasons["MELT"] > 0 and reasons["MELT"] == reasons["OVERHEAT"]


def test_the_verdict_names_a_melted_part() -> None:
    shaft = builtin_recipes()["1045-shaft-scan"]
    melted = simulate_part(shaft, PartConditions(scan_speed_factor=0.3))
    assert melted.melted_depth_mm > 0
    assert "MELT" in evaluate(shaft, melted).reasons
    assert "MELT" not in evaluate(shaft, simulate_part(shaft)).reasons
