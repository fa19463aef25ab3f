"""Shard boundaries are invisible: each shift starts where the previous one stopped.

A run is generated here as the data factory does it — each shard on its own, from
`Scenario.shard_machine` — and the rows on either side of every boundary are compared with the
run's own sample-to-sample variation, never with a fixed number.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from induction_sim.machine.chunk import SampleChunk
from induction_sim.machine.faults import OnsetMode
from induction_sim.machine.machine import Machine, ShiftStart
from induction_sim.machine.scenario import BUILTIN, PART_IDS_PER_SHIFT, Scenario
from induction_sim.machine.schedule import FaultRule
from induction_sim.machine.shifts import (
    HANDOVER_S,
    SLOW_TIME_CONSTANTS_S,
    WARM_UP_S,
    planned_cycle_s,
)
from induction_sim.machine.states import AlarmCode, MachineState

S = MachineState
# The slow physical states a boundary could break (their sensors: tank, coil water, heat sink).
SLOW_SIGNALS = ("quench_temp_c", "coil_water_out_c", "inverter_temp_c")
# States in which the machine is at rest, as it is on both sides of a boundary (no heat, no spray).
AT_REST = np.array([int(s) for s in (S.IDLE, S.LOADING, S.STOPPED, S.ALARM)])
TANK_TAU_S = SLOW_TIME_CONSTANTS_S["quench tank"]


def sharded(scenario: Scenario, rows: int, seed: int) -> list[SampleChunk]:
    """Every shard of a run, each made on its own (as worker processes do)."""
    chunks = []
    for k in range(scenario.shards(rows)):
        machine = scenario.shard_machine(rows, seed, k)
        first = k * scenario.shift_rows
        assert machine.seq == first
        chunks.append(machine.advance(min(scenario.shift_rows, rows - first)))
    return chunks


def rest_steps(chunk: SampleChunk, values: NDArray[np.float64]) -> NDArray[np.float64]:
    """|x[i+1] − x[i]| within a shard where the machine is at rest on both samples."""
    state = chunk.columns["machine_state"]
    rest = np.isin(state[1:], AT_REST) & np.isin(state[:-1], AT_REST)
    steps = np.abs(np.diff(values))[rest]
    return np.asarray(steps[~np.isnan(steps)], dtype=np.float64)


def boundary_jumps(chunks: list[SampleChunk], kind: str) -> list[tuple[int, str, float, float]]:
    """(boundary, signal, |step across it|, largest step at rest within the run's shards).

    Measured values step by their sensor noise too: the largest of the run's thousands of steps
    at rest is what a boundary's one step is held to (a boundary that only adds noise stays
    under it, but for a chance of about one in the number of steps)."""
    out = []
    for name in SLOW_SIGNALS:
        normal = max(float(rest_steps(c, getattr(c, kind)[name]).max()) for c in chunks)
        for k in range(1, len(chunks)):
            a = getattr(chunks[k - 1], kind)[name]
            b = getattr(chunks[k], kind)[name]
            out.append((k, name, abs(float(b[0]) - float(a[-1])), normal))
    return out


def short_shifts(name: str, shift_h: float) -> Scenario:
    return BUILTIN[name].model_copy(update={"shift_h": shift_h})


# derandomized: the same examples every run (a measured step is noise, see `boundary_jumps`)
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    name=st.sampled_from(sorted(BUILTIN)),
    seed=st.integers(0, 2**31 - 1),
    shift_h=st.sampled_from([0.5, 2.0]),  # warm-ups across several shifts, and within one
)
def test_measured_slow_signals_step_across_a_boundary_no_more_than_within_a_shift(
    name: str, seed: int, shift_h: float
) -> None:
    scenario = short_shifts(name, shift_h)
    rows = int(3.5 * scenario.shift_rows)  # three boundaries and a partial last shift
    for k, signal, jump, normal in boundary_jumps(sharded(scenario, rows, seed), "columns"):
        assert jump <= normal, f"boundary {k}: {signal} steps {jump:.3f}, at most {normal:.3f}"


@pytest.mark.parametrize("seed", [1, 2])
def test_without_alarms_the_true_slow_states_are_continuous_too(seed: int) -> None:
    """Nothing trips in normal production, so the warm-up replays the shift in step with its
    cycle: even the noise-free values move across a boundary no more than within a shift."""
    scenario = BUILTIN["normal_production"]
    rows = 3 * scenario.shift_rows + 3600
    for k, signal, jump, normal in boundary_jumps(sharded(scenario, rows, seed), "true_values"):
        assert jump <= normal, f"boundary {k}: {signal} steps {jump:.4f}, at most {normal:.4f}"


def test_before_this_change_a_fresh_machine_per_shard_jumped() -> None:
    """The comparison above can fail: fresh machines (the old shards) do fail it — the tank
    starts again at its set point, not where the handover left it."""
    scenario = BUILTIN["normal_production"]
    rows = 2 * scenario.shift_rows
    fresh = [Machine(scenario.machine_config(rows, 1, k)) for k in range(2)]
    chunks = [m.advance(scenario.shift_rows) for m in fresh]
    jumps = {s: (j, n) for _, s, j, n in boundary_jumps(chunks, "true_values")}
    jump, normal = jumps["quench_temp_c"]
    assert jump > 10 * normal


def exact_start(scenario: Scenario, rows: int, seed: int, shard: int) -> ShiftStart:
    """What shift `shard - 1` really leaves: every shift before it chained, one after another
    (what the warm-up stands in for, without waiting for the previous shard)."""
    carried = None
    for k in range(shard):
        machine = Machine(scenario.machine_config(rows, seed, k, carried))
        machine.advance(scenario.shift_rows)
        carried = machine.shift_start()
    assert carried is not None
    return carried


def test_the_warm_up_ends_where_the_previous_shift_ended() -> None:
    """The tank is linear and sees the same heat in the same seconds (no trips: the cycle is in
    step): the warm-up's error is its start error times e^(−t/τ), t ≥ WARM_UP_S."""
    scenario = BUILTIN["normal_production"]
    rows, seed, shard = 3 * scenario.shift_rows, 4, 2
    exact = exact_start(scenario, rows, seed, shard)
    warm = scenario.shard_machine(rows, seed, shard).memory
    # the fresh warm-up starts at the set point; the running tank is somewhere in its range
    first = sharded(scenario, 2 * scenario.shift_rows, seed)[1].true_values["quench_temp_c"]
    setpoint = scenario.machine_config(rows, seed, shard - 1).recipe.quench_temp_c
    start_error = float(np.abs(first - setpoint).max())
    assert abs(warm.tank_c - exact.memory.tank_c) <= start_error * math.exp(-WARM_UP_S / TANK_TAU_S)
    inverter_tau = SLOW_TIME_CONSTANTS_S["inverter heat sink"]
    assert abs(warm.inverter_c - exact.memory.inverter_c) <= 100 * math.exp(
        -HANDOVER_S / inverter_tau
    )
    assert warm.energy_coil_kj == pytest.approx(exact.memory.energy_coil_kj)
    assert exact.alarm is None and exact.last_state is S.STOPPED


def test_every_slow_state_is_handed_over_whole() -> None:
    """`Memory` is the extension point: whatever a slow state adds to it crosses the boundary."""
    scenario = short_shifts("mixed_faults", 0.5)
    rows = 3 * scenario.shift_rows
    previous = Machine(scenario.machine_config(rows, 2, 0))
    previous.advance(scenario.shift_rows)
    handed = previous.shift_start()
    machine = Machine(scenario.machine_config(rows, 2, 1, handed))
    assert machine.memory == previous.memory
    assert machine.memory is not handed.memory  # a copy: the next shift cannot change the last
    assert machine.seq == scenario.shift_rows and machine.cursor.next_part_id == 100_001


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31 - 1), name=st.sampled_from(["mixed_faults", "coil_water_loss"]))
def test_every_part_that_enters_the_machine_gets_a_verdict_in_its_own_shard(
    seed: int, name: str
) -> None:
    scenario = short_shifts(name, 0.5)
    rows = int(6.5 * scenario.shift_rows)
    chunks = sharded(scenario, rows, seed)
    assert sum(c.size for c in chunks) == rows
    for k, chunk in enumerate(chunks):
        part = chunk.columns["part_id"]
        seq = chunk.columns["seq"]
        seen = set(np.unique(part[part > 0]).tolist())
        judged = {p.part_id: p for p in chunk.parts}
        assert seen == set(judged), f"shard {k}: parts without a verdict or rows"
        for pid, record in judged.items():
            assert record.verdict in ("OK", "NOK")
            assert pid // PART_IDS_PER_SHIFT == k  # split-independent ids, one shift each
            rows_of = seq[part == pid]
            assert record.started_seq <= rows_of.min() and rows_of.max() <= record.finished_seq
            assert record.finished_seq <= seq[-1]
        # the shift ends empty: the next one starts with no part of this one
        assert part[-1] == 0
        assert chunk.columns["machine_state"][-1] in (int(S.STOPPED), int(S.ALARM))


def test_no_part_is_loaded_after_the_handover_stop_and_the_machine_then_stands_still() -> None:
    scenario = BUILTIN["mixed_faults"]
    rows, seed = 2 * scenario.shift_rows + 5000, 3
    for k, chunk in enumerate(sharded(scenario, rows, seed)):
        state = chunk.columns["machine_state"]
        cycle_s = planned_cycle_s(scenario.machine_config(rows, seed, k).recipe)
        loads = np.flatnonzero(state == int(S.LOADING))
        assert loads.max() < chunk.size - HANDOVER_S - cycle_s
        tail = slice(-HANDOVER_S, None)
        if not chunk.columns["alarm_code"][tail].any():  # nothing delayed the last cycle
            assert (state[tail] == int(S.STOPPED)).all()


def alarm_across(boundary_s: int, before_s: int, after_s: int) -> Scenario:
    loss = FaultRule(
        fault="coil_water_flow_loss",
        severity=1.0,
        mode=OnsetMode.STEP,
        at_s=boundary_s - before_s,
        duration_s=before_s + after_s,
    )
    return Scenario(name="loss-across-a-handover", shift_h=2.0, faults=[loss])


@pytest.mark.parametrize("before_s", [1500, 200])  # tripped mid-production / in the handover
def test_a_latched_alarm_at_a_boundary_stays_latched(before_s: int) -> None:
    boundary = 7200
    scenario = alarm_across(boundary, before_s, after_s=900)
    rows = 2 * scenario.shift_rows
    before, after = sharded(scenario, rows, 5)
    code = int(AlarmCode.COIL_WATER_FLOW_LOW)
    assert before.columns["alarm_code"][-1] == code
    assert after.columns["alarm_code"][0] == code
    assert after.columns["machine_state"][0] == int(S.ALARM)
    raised = [e for e in after.events if e.kind == "alarm_raised"]
    assert raised[0].seq == boundary and raised[0].code == code
    # the new crew acknowledges it, and resets it once the water flows again
    resets = [e.seq for e in after.events if e.kind == "alarm_reset" and e.code == code]
    assert resets and resets[0] >= boundary + 900
    assert (after.columns["alarm_code"][resets[0] - boundary :] != code).any()
    # a part the alarm held in the machine was taken out by the outgoing crew, judged
    held = {p.part_id: p for p in before.parts if p.interrupted}
    if before_s > HANDOVER_S:  # the trip came mid-production: it held a part
        (part,) = held.values()
        assert part.verdict == "NOK" and part.finished_seq == boundary - 2
        assert before.columns["part_id"][-2] == part.part_id
    assert not held.keys() & set(after.columns["part_id"].tolist())


def test_a_run_ending_mid_shift_stops_loading_so_its_last_part_is_judged() -> None:
    scenario = BUILTIN["normal_production"]
    for rows in (1, 200, 2_000, 40_001):
        chunks = sharded(scenario, rows, 9)
        last = chunks[-1]
        assert sum(c.size for c in chunks) == rows
        assert last.columns["part_id"][-1] == 0
        assert {p.part_id for c in chunks for p in c.parts} == {
            int(p) for c in chunks for p in np.unique(c.columns["part_id"]) if p
        }


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cuts=st.lists(st.integers(1, 700), min_size=1, max_size=8),
    seed=st.integers(0, 1000),
)
def test_a_shard_is_the_same_in_any_chunking(cuts: list[int], seed: int) -> None:
    """The handover acts at fixed samples and the warm-up is a function of the shard alone."""
    scenario = short_shifts("mixed_faults", 0.25)
    rows, shard = 4 * scenario.shift_rows, 2
    whole = scenario.shard_machine(rows, seed, shard).advance(scenario.shift_rows)
    machine = scenario.shard_machine(rows, seed, shard)
    pieces: list[SampleChunk] = []
    left = scenario.shift_rows
    for n in [*cuts, left]:
        if left == 0:
            break
        pieces.append(machine.advance(min(n, left)))
        left -= pieces[-1].size
    for name in whole.columns:
        np.testing.assert_array_equal(
            np.concatenate([p.columns[name] for p in pieces]), whole.columns[name], err_msg=name
        )
    assert [e for p in pieces for e in p.events] == whole.events
    assert [(r.part_id, r.verdict) for p in pieces for r in p.parts] == [
        (r.part_id, r.verdict) for r in whole.parts
    ]
