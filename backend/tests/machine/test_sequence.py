"""The PLC step sequence: a realistic cycle, and planning that agrees with committing."""

from __future__ import annotations

import itertools

from induction_sim.machine.sequence import Cursor, Step, cycle_steps_for
from induction_sim.machine.states import MachineState as S


def scan_cycle(at: int) -> tuple[Step, ...]:
    return cycle_steps_for("scan", 200.0, 10.0, None, None)


def test_a_scan_cycle_walks_load_clamp_heat_quench_unload_idle() -> None:
    states = [s.state for s in scan_cycle(0)]
    assert states == [S.LOADING, S.CLAMPING, S.HEATING, S.QUENCHING, S.UNLOADING, S.IDLE]
    heat = next(s for s in scan_cycle(0) if s.state is S.HEATING)
    assert heat.duration_s == 20  # 200 mm at 10 mm/s


def test_a_slower_scan_drive_makes_a_longer_heat() -> None:
    slow = cycle_steps_for("scan", 200.0, 10.0, None, None, scan_speed_factor=0.5)
    assert next(s for s in slow if s.state is S.HEATING).duration_s == 40


def test_tempering_is_a_step_only_when_the_recipe_asks() -> None:
    assert S.TEMPERING not in [s.state for s in cycle_steps_for("single_shot", 50, None, 4, None)]
    with_temper = cycle_steps_for("single_shot", 50, None, 4, 10)
    assert [s.state for s in with_temper][4] is S.TEMPERING


def test_runs_cover_the_limit_and_number_parts() -> None:
    runs = Cursor.initial(running=True).runs(200, scan_cycle)
    assert runs[0].start == 0
    assert runs[-1].end == 200
    assert all(a.end == b.start for a, b in itertools.pairwise(runs))
    loading = [r.part_id for r in runs if r.state is S.LOADING]
    assert loading == list(range(1, len(loading) + 1))
    assert all(r.part_id == 0 for r in runs if r.state is S.IDLE)


def test_advancing_in_pieces_equals_advancing_at_once() -> None:
    whole = Cursor.initial(running=True).advance(1234, scan_cycle)
    cursor = Cursor.initial(running=True)
    for piece in (1, 7, 100, 26, 500, 600):
        cursor = cursor.advance(piece, scan_cycle)
    assert cursor == whole


def test_a_stop_request_finishes_the_cycle_then_stops() -> None:
    cursor = Cursor.initial(running=True).advance(10, scan_cycle)
    cursor = Cursor(**{**cursor.__dict__, "stop_requested": True})
    runs = cursor.runs(200, scan_cycle)
    assert runs[-1].state is S.STOPPED
    assert sum(1 for r in runs if r.state is S.LOADING) == 0


def test_hold_keeps_the_part_and_reset_unloads_it() -> None:
    heating = Cursor.initial(running=True).advance(10, scan_cycle)
    assert heating.state is S.HEATING
    held = heating.hold(S.ALARM)
    assert held.runs(50, scan_cycle)[0].state is S.ALARM
    resumed = held.resume_after_reset()
    assert [r.state for r in resumed.runs(6, scan_cycle)] == [S.UNLOADING, S.IDLE]
    assert resumed.part_id == heating.part_id
