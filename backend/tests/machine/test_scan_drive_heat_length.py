"""Issue 13 §3: a scan drive error makes the heat as long as the slower scan — the PLC's heat and
the part's heat agree, so power is never cut while the part still heats (no NO_LOAD trips)."""

from __future__ import annotations

import numpy as np
from engine_runs import default_recipe, run

from induction_sim.machine.faults import FaultInstance, OnsetMode
from induction_sim.machine.machine import Machine, MachineConfig
from induction_sim.machine.schedule import FaultRule, expand
from induction_sim.machine.states import AlarmCode, MachineState
from induction_sim.machine.variation import NONE

HEATING = int(MachineState.HEATING)


def _alarms(chunk: object) -> list[int]:
    return [e.code for e in chunk.events if e.kind == "alarm_raised"]  # type: ignore[attr-defined]


def _heat_lengths(chunk: object) -> dict[int, int]:
    cols = chunk.columns  # type: ignore[attr-defined]
    heating = cols["machine_state"] == HEATING
    ids, counts = np.unique(cols["part_id"][heating], return_counts=True)
    return dict(zip(ids.tolist(), counts.tolist(), strict=True))


def test_every_nth_heat_drive_error_slows_only_those_heats_and_never_trips_no_load() -> None:
    rule = FaultRule(fault="scan_drive_error", severity=0.3, every_nth_heat=3)
    chunk = run(5400, *expand([rule], 5400, seed=1))
    assert AlarmCode.NO_LOAD not in _alarms(chunk)
    heats = _heat_lengths(chunk)
    # 200 mm at 10 mm/s = 20 s; at 0.82 × 10 mm/s = 24.4 s → 25 whole seconds
    heats.pop(max(heats))  # the last heat may be cut by the end of the run
    assert {heats[p] for p in heats if p % 3 != 0} == {20}
    assert {heats[p] for p in heats if p % 3 == 0} == {25}
    slowed = [p for p in chunk.parts if p.part_id % 3 == 0]
    others = [p for p in chunk.parts if p.part_id % 3 != 0]
    assert all(not p.interrupted for p in chunk.parts)
    # more energy per millimetre: deeper, hotter — the catalogue's DEEP/OVERHEAT
    assert all("OVERHEAT" in p.reasons for p in slowed)
    assert np.mean([p.case_depth_mm for p in slowed]) > np.mean([p.case_depth_mm for p in others])
    assert sum("DEEP" in p.reasons for p in slowed) > len(slowed) // 2


def test_a_drive_error_from_part_n_leaves_the_earlier_heats_nominal() -> None:
    faults = expand([FaultRule(fault="scan_drive_error", severity=0.5, from_part=10)], 3600, 1)
    chunk = run(3600, *faults)
    assert AlarmCode.NO_LOAD not in _alarms(chunk)
    heats = _heat_lengths(chunk)
    assert {heats[p] for p in heats if p < 10} == {20}
    assert {heats[p] for p in heats if p >= 10 and p < max(heats)} == {29}  # 200 / 7 mm/s
    later = [p for p in chunk.parts if p.part_id >= 10]
    earlier = [p for p in chunk.parts if p.part_id < 10]
    assert all("OVERHEAT" in p.reasons and not p.interrupted for p in later)
    assert min(p.peak_surface_temp_c for p in later) > max(p.peak_surface_temp_c for p in earlier)
    assert min(p.energy_coil_kj for p in later) > 1.3 * max(p.energy_coil_kj for p in earlier)


def test_a_fault_injected_or_cleared_before_the_heat_sets_that_heat() -> None:
    """The heat's length is decided when the heat starts, as the part's physics decides it."""
    # a clean machine's cycle: the times below are its steps (no loader jitter)
    machine = Machine(MachineConfig(recipe=default_recipe(), seed=2, variation=NONE))
    machine.advance(3)  # part 1 is loading: its cycle is already planned
    machine.inject(FaultInstance("scan_drive_error", 0.5, OnsetMode.STEP, onset_s=0.0))
    first = machine.advance(45)  # load 5 + clamp 3 + heat 29 + quench 4 + unload 5 + idle 1
    assert _heat_lengths(first)[1] == 29
    assert machine.state is MachineState.LOADING and machine.cursor.part_id == 2
    machine.clear("scan_drive_error")  # part 2 was loaded under the fault, heats without it
    second = machine.advance(60)
    assert _heat_lengths(second)[2] == 20
    assert not _alarms(first) and not _alarms(second)
    assert not any(p.interrupted for p in (*first.parts, *second.parts))
