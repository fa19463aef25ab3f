"""The machine as a whole: a realistic cycle, determinism, chunking, alarms and commands."""

from __future__ import annotations

import numpy as np
import pytest
from engine_runs import baseline, default_recipe, run, step

from induction_sim.machine.machine import CommandError, Machine, MachineConfig, OperatorModel
from induction_sim.machine.states import AlarmCode, MachineState
from induction_sim.machine.variation import NONE

HEATING = int(MachineState.HEATING)


def test_same_seed_gives_identical_samples_and_another_seed_other_noise() -> None:
    a, b, c = run(2000, seed=5), run(2000, seed=5), run(2000, seed=6)
    for name in a.columns:
        np.testing.assert_array_equal(a.columns[name], b.columns[name], err_msg=name)
    assert not np.array_equal(a.columns["power_kw"], c.columns["power_kw"])
    # the loader's timing is the seed's too (natural variation); a clean machine's cycle is not
    assert not np.array_equal(a.columns["machine_state"], c.columns["machine_state"])
    clean = [run(2000, seed=s, variation=NONE).columns["machine_state"] for s in (5, 6)]
    np.testing.assert_array_equal(*clean)


def test_one_sample_at_a_time_equals_one_big_chunk() -> None:
    fault = step("coil_water_flow_loss", 1.0, onset_s=300, duration_s=200)
    config = MachineConfig(recipe=default_recipe(), seed=3, faults=(fault,))
    whole = Machine(config).advance(900)
    machine = Machine(config)
    pieces = [machine.advance(k) for k in (1, 1, 57, 200, 1, 140, 500)]
    for name in whole.columns:
        np.testing.assert_array_equal(
            np.concatenate([p.columns[name] for p in pieces]), whole.columns[name], err_msg=name
        )
    assert [e.kind for p in pieces for e in p.events] == [e.kind for e in whole.events]
    assert [p.part_id for c in pieces for p in c.parts] == [p.part_id for p in whole.parts]


def test_normal_production_makes_good_parts_at_a_realistic_rate() -> None:
    chunk = baseline()
    assert 80 <= len(chunk.parts) <= 110  # one part per ≈ 38 s
    ok = [p for p in chunk.parts if p.verdict == "OK"]
    assert len(ok) >= 0.95 * len(chunk.parts)
    hrc = np.array([p.surface_hrc for p in chunk.parts])
    assert 55 <= hrc.mean() <= 62
    assert not chunk.columns["alarm_code"].any()


def test_every_state_change_is_an_event_in_order() -> None:
    chunk = baseline()
    states = np.r_[int(MachineState.IDLE), chunk.columns["machine_state"]]  # idle before seq 0
    changes = np.flatnonzero(np.diff(states))
    states = states[1:]
    events = [e for e in chunk.events if e.kind == "state_change"]
    assert [e.seq for e in events] == changes.tolist()
    assert [e.to_state for e in events] == [MachineState(s).name for s in states[changes]]


def test_curie_transition_shows_in_frequency_and_current_every_heat() -> None:
    chunk = baseline()
    state = chunk.columns["machine_state"]
    starts = np.flatnonzero((state[1:] == HEATING) & (state[:-1] != HEATING)) + 1
    starts = starts[starts + 8 < state.shape[0]]  # a heat may start at the end of the run
    assert len(starts) > 50
    for s in starts:
        f, i = chunk.true_values["frequency_hz"], chunk.true_values["coil_current_a"]
        steady_f, steady_i = f[s + 8], i[s + 8]
        assert f[s] < 0.97 * steady_f  # cold magnetic load: lower resonance
        # the current's step spans the first two seconds (how it splits between them depends
        # on the part's start temperature and power: natural variation)
        assert max(abs(i[s] - steady_i), abs(i[s + 1] - steady_i)) > 0.005 * steady_i


def test_energy_per_part_matches_the_power_integral() -> None:
    chunk = baseline()
    for part in chunk.parts[:10]:
        energy_signal = chunk.true_values["energy_coil_kj"][part.finished_seq]
        assert energy_signal == pytest.approx(part.energy_coil_kj, rel=0.02)


def test_a_latched_alarm_needs_acknowledge_and_reset_and_refuses_reset_while_active() -> None:
    fault = step("coil_water_flow_loss", 1.0, onset_s=100)
    machine = Machine(
        MachineConfig(
            recipe=default_recipe(), seed=1, faults=(fault,), operator=OperatorModel(auto=False)
        )
    )
    chunk = machine.advance(300)
    assert machine.state is MachineState.ALARM
    assert machine.alarm is not None
    assert machine.alarm.code is AlarmCode.COIL_WATER_FLOW_LOW
    raised = [e for e in chunk.events if e.kind == "alarm_raised"]
    assert len(raised) == 1
    with pytest.raises(CommandError, match="acknowledge"):
        machine.reset()
    machine.acknowledge("anna", "checking the pump")
    with pytest.raises(CommandError, match="already acknowledged"):
        machine.acknowledge("anna")
    with pytest.raises(CommandError, match="still active"):
        machine.reset()
    machine.clear("coil_water_flow_loss")
    machine.advance(30)
    machine.reset("anna")
    after = machine.advance(120)
    assert MachineState.HEATING in set(after.columns["machine_state"].tolist())
    assert not after.columns["alarm_code"][-1]


def test_the_simulated_operator_resets_once_the_cause_is_gone() -> None:
    fault = step("coil_water_flow_loss", 1.0, onset_s=600, duration_s=300)
    chunk = run(2400, fault)
    alarm = chunk.columns["alarm_code"]
    assert (alarm == int(AlarmCode.COIL_WATER_FLOW_LOW)).any()
    assert alarm[-1] == 0  # back in production
    interrupted = [p for p in chunk.parts if p.interrupted]
    assert len(interrupted) == 1
    assert "INTERRUPTED" in interrupted[0].reasons


def test_emergency_stop_and_operator_commands_are_checked() -> None:
    machine = Machine(MachineConfig(recipe=default_recipe(), operator=OperatorModel(auto=False)))
    machine.advance(15)
    with pytest.raises(CommandError, match="already running"):
        machine.start()
    machine.estop()
    chunk = machine.advance(5)
    assert (chunk.columns["machine_state"] == int(MachineState.E_STOP)).all()
    assert chunk.columns["power_kw"].max() == 0
    with pytest.raises(CommandError, match="emergency stop is already active"):
        machine.estop()
    machine.acknowledge("bo")
    machine.reset("bo")
    assert machine.advance(1).columns["machine_state"][0] == int(MachineState.UNLOADING)


def test_no_sample_carries_a_fault_label_before_its_onset() -> None:
    chunk = run(3000, step("quench_pump_wear", 0.5, onset_s=1500, duration_s=600))
    labels = chunk.columns["faults_onset"] | chunk.columns["faults_active"]
    assert not labels[:1500].any()
    assert labels[1500]
    assert chunk.columns["faults_recovering"][2100]


@pytest.mark.parametrize("name", ["1045-shaft-scan", "4140-shaft-scan", "1050-pin-single-shot"])
def test_every_builtin_recipe_runs_an_hour_without_alarms_making_good_parts(name: str) -> None:
    from induction_sim.machine.recipe import builtin_recipes

    chunk = run(3600, recipe=builtin_recipes()[name])
    assert not chunk.columns["alarm_code"].any()
    assert len(chunk.parts) > 50
    assert all(p.verdict == "OK" for p in chunk.parts)


def test_opening_the_door_trips_the_door_interlock_and_blocks_the_reset_until_closed() -> None:
    machine = Machine(MachineConfig(recipe=default_recipe(), operator=OperatorModel(auto=False)))
    machine.advance(12)  # heating
    machine.set_door(True)
    chunk = machine.advance(3)
    assert machine.alarm is not None
    assert machine.alarm.code is AlarmCode.DOOR_OPEN
    assert chunk.columns["power_kw"][-1] == 0
    machine.acknowledge("bo")
    with pytest.raises(CommandError, match="still active"):
        machine.reset()
    machine.set_door(False)
    machine.reset("bo")
    assert machine.advance(1).columns["machine_state"][0] == int(MachineState.UNLOADING)


def test_the_parts_counter_counts_every_finished_part_without_a_limit() -> None:
    """The live dashboard's "parts made" reads this counter (it once froze at 200, the length of
    a list of recent parts)."""
    machine = Machine(MachineConfig(recipe=default_recipe(), seed=4))
    finished = 0
    for _ in range(8):
        finished += len(machine.advance(2_000).parts)
    assert finished > 200
    assert machine.parts_finished == finished
