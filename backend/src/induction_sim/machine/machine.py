"""The machine: PLC cycle, interlocks and alarms around the physics — one engine, two drivers.

`Machine.advance(n)` returns the next `n` one-second samples as columns. The batch driver asks for
thousands at a time, the live driver for one per tick; the output is the same either way.

How a chunk is made, fast: the PLC sequence is planned optimistically for the whole chunk (a short
Python loop over cycle steps, not samples), all signals are computed vectorised over it, then the
interlocks are checked on the measured signals. If one trips, everything after the trip is thrown
away, the alarm is latched, and planning resumes from there. Python work is per cycle step and per
alarm; numpy work is per sample.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import numpy as np
from numpy.typing import NDArray

from induction_sim.machine import auxiliaries as aux
from induction_sim.machine.chunk import EventRecord, PartRecord, SampleChunk
from induction_sim.machine.faults import BY_ID, FaultInstance, effective_severity, mechanisms
from induction_sim.machine.glitches import Glitch, apply_glitches, glitches
from induction_sim.machine.heating import CyclePhysics, scan_heat_planner
from induction_sim.machine.inspection import DEFAULT_PLAN, InspectionPlan, inspect
from induction_sim.machine.instruments import PYROMETER_RANGE_LO_C, InstrumentErrors
from induction_sim.machine.interlocks import PlcView, first_trip, still_active
from induction_sim.machine.modifiers import modifiers_for
from induction_sim.machine.quality import evaluate, evaluate_plant
from induction_sim.machine.recipe import Recipe
from induction_sim.machine.sensors import SENSORS, Impairment, measure
from induction_sim.machine.sequence import (
    HOLD_STATES,
    PART_STATES,
    Cursor,
    Run,
    Step,
    recipe_cycle_steps,
)
from induction_sim.machine.shifts import Handover
from induction_sim.machine.signals import SIGNAL_NAMES
from induction_sim.machine.states import (
    ALARMS,
    UNLOADING_S,
    AlarmCode,
    MachineState,
)
from induction_sim.machine.variation import REALISTIC, Variation, process_drift, top_ups_in
from induction_sim.machine.waits import Wait, wait_before_load

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
S = MachineState
MIN_HORIZON = 128  # samples planned right after a trip
MAX_HORIZON = 16_384  # samples planned at most at once (bounds memory per chunk)


class CommandError(Exception):
    """An operator command the machine refuses in its current state (the API answers 409)."""


@dataclass(frozen=True)
class OperatorModel:
    """How the simulated operator of a batch run answers alarms. Live runs: a real person."""

    auto: bool = True
    ack_delay_s: int = 45
    reset_delay_s: int = 20
    retry_s: int = 30


@dataclass(frozen=True)
class MachineConfig:
    recipe: Recipe
    seed: int = 0
    faults: tuple[FaultInstance, ...] = ()
    impairments: tuple[Impairment, ...] = ()
    operator: OperatorModel = OperatorModel()
    start_sim: datetime = datetime(2026, 1, 1, tzinfo=UTC)
    autostart: bool = True
    # Where this machine's samples and parts start: a data-factory shard (one shift of a long
    # run) starts fresh at its own offset, so shards are independent of each other.
    start_seq: int = 0
    first_part_id: int = 1
    inspection: InspectionPlan = DEFAULT_PLAN  # which parts QA measures (machine/inspection.py)
    # natural variation of a healthy line (machine/variation.py); NONE: every cycle the same
    variation: Variation = REALISTIC
    # A data-factory shift: how it ends (None: it never does — the live machine) and what it
    # inherits from the shift before (None: a fresh machine). machine/shifts.py.
    handover: Handover | None = None
    carried: ShiftStart | None = None


@dataclass
class LatchedAlarm:
    code: AlarmCode
    raised_seq: int
    acknowledged: bool = False
    ack_due_seq: int | None = None  # simulated operator
    reset_due_seq: int | None = None
    # who acknowledged it, why, and at which sample (the live HMI shows them at once)
    ack_operator: str | None = None
    ack_comment: str | None = None
    ack_seq: int | None = None


@dataclass
class Memory:
    """What the next chunk needs from the last sample (the slow states and the last readings)."""

    coil_out_c: float
    tank_c: float
    inverter_c: float
    energy_coil_kj: float = 0.0
    last_measured: dict[str, float] = field(default_factory=dict)
    last_true: dict[str, float] = field(default_factory=dict)  # for the log's sampling jitter
    held: dict[AlarmCode, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class ShiftStart:
    """What a shift inherits from the one before: every slow state and last reading (`Memory`,
    whole), the alarm still latched, and the state of the shift's last sample."""

    memory: Memory
    alarm: AlarmCode | None
    last_state: MachineState


class Machine:
    def __init__(self, config: MachineConfig) -> None:
        self.config = config
        self.recipe = config.recipe
        self.seq = config.start_seq
        self.cursor = replace(
            Cursor.initial(running=config.autostart), next_part_id=config.first_part_id
        )
        self.alarm: LatchedAlarm | None = None
        self.faults: list[FaultInstance] = list(config.faults)
        self.variation = config.variation
        self.physics = CyclePhysics(config.recipe, config.seed, config.variation.part)
        self.offered = mechanisms(config.recipe.process, config.recipe.quench_medium)
        self.part_started_seq: dict[int, int] = {}
        self.interrupted: set[int] = set()
        self.parts_finished = 0  # parts unloaded since this machine started (counter, no limit)
        self.memory = Memory(
            coil_out_c=aux.COIL_WATER_INLET_C,
            tank_c=self.recipe.quench_temp_c,
            inverter_c=aux.COIL_WATER_INLET_C,
        )
        self._events: list[EventRecord] = []
        self._horizon = MAX_HORIZON
        self.door_open = False
        self._plan_faults: list[FaultInstance] = list(self.faults)
        self._plan_glitches: list[Glitch] = []
        self._waits: dict[int, Wait] = {}  # sample a named wait starts at → the wait
        # The last emitted sample: the cursor may already stand at the next step.
        self._last_state = self.cursor.state
        self._last_part = 0
        self._last_in_state = 0
        self._plant_water_c = aux.plant_water_for(
            self.recipe.quench_temp_c, self.physics.nominal_quench_duty_w()
        )
        self._loading_stopped = self._handed_over = False  # this shift's handover, done?
        self._taken_out: list[PartRecord] = []  # a part taken out at the handover, not sent yet
        # False: finished parts are forgotten unjudged (a shard's warm-up writes none of them)
        self.judge_parts = True
        if config.carried is not None:
            self._take_over(config.carried)
        else:
            self._settle_tank()

    def _settle_tank(self) -> None:
        """A fresh machine's tank where it would stand now: the set point moved by the plant
        water's offset of this hour (its exchanger holds the set point at the nominal duty
        against the mean water). Without it a fresh start — the live machine's, a shard
        warm-up's — would first relax from the bare set point over the tank's ≈ 20 min."""
        if not self.variation.process:
            return
        drift = process_drift(
            self.config.seed,
            self.config.start_sim,
            self.seq,
            1,
            self.variation.process,
            self.recipe.quench_concentration_pct,
        )
        self.memory.tank_c = self.recipe.quench_temp_c + float(drift.plant_water_offset_c[0])

    @property
    def state(self) -> MachineState:
        return self.cursor.state

    @property
    def unsent_events(self) -> tuple[EventRecord, ...]:
        """Events of operator commands since the last `advance`: they go out with its chunk."""
        return tuple(self._events)

    # --- operator commands (between samples) -----------------------------------------------

    def start(self) -> None:
        if self.state in (S.ALARM, S.E_STOP):
            raise CommandError(f"machine is in {self.state.name}: acknowledge and reset first")
        if self.state is not S.STOPPED and not self.cursor.stop_requested:
            raise CommandError("machine is already running")
        self._event("operator_action", message="start")
        if self.state is S.STOPPED:
            self._set_cursor(replace(self.cursor, state=S.IDLE, elapsed_s=0))
        self.cursor = replace(self.cursor, stop_requested=False)

    def stop(self) -> None:
        if self.state is S.STOPPED or self.cursor.stop_requested:
            raise CommandError("machine is already stopped or stopping")
        self._event("operator_action", message="stop after the current cycle")
        self.cursor = replace(self.cursor, stop_requested=True)

    def estop(self) -> None:
        if self.state is S.E_STOP:
            raise CommandError("emergency stop is already active")
        self._event("operator_action", message="emergency stop")
        self._trip(AlarmCode.EMERGENCY_STOP, S.E_STOP)

    def acknowledge(self, operator: str, comment: str | None = None) -> None:
        if self.alarm is None:
            raise CommandError("no active alarm to acknowledge")
        if self.alarm.acknowledged:
            raise CommandError(f"alarm {int(self.alarm.code)} is already acknowledged")
        self.alarm.acknowledged = True
        self.alarm.ack_operator, self.alarm.ack_comment = operator, comment
        self.alarm.ack_seq = self.seq
        self._event(
            "alarm_acknowledged",
            code=int(self.alarm.code),
            message=ALARMS[self.alarm.code].text,
            operator=operator,
            comment=comment,
        )

    def reset(self, operator: str | None = None) -> None:
        if self.alarm is None:
            raise CommandError("nothing to reset: no latched alarm")
        if not self.alarm.acknowledged:
            raise CommandError(f"acknowledge alarm {int(self.alarm.code)} before the reset")
        if (self.alarm.code is AlarmCode.DOOR_OPEN and self.door_open) or still_active(
            self.alarm.code, self.memory.last_measured, self.recipe, aux.COIL_WATER_NOMINAL_LPM
        ):
            raise CommandError(
                f"interlock still active ({ALARMS[self.alarm.code].text}): remove the cause first"
            )
        self._event(
            "alarm_reset",
            code=int(self.alarm.code),
            message=ALARMS[self.alarm.code].text,
            operator=operator,
        )
        self.alarm = None
        self._set_cursor(self.cursor.resume_after_reset())

    def set_door(self, open_: bool) -> None:
        """The safety door: opening it trips the door interlock at the next sample."""
        if open_ == self.door_open:
            raise CommandError(f"the door is already {'open' if open_ else 'closed'}")
        self.door_open = open_
        self._event("operator_action", message="door opened" if open_ else "door closed")

    def inject(self, fault: FaultInstance) -> FaultInstance:
        """Start a fault at the next sample."""
        placed = replace(fault, onset_s=float(self.seq))
        self.faults.append(placed)
        self._event("fault_injected", message=f"{fault.fault_id} severity {fault.severity:g}")
        return placed

    def clear(self, fault_id: str) -> None:
        """End every running instance of `fault_id` at the next sample."""
        now = float(self.seq)
        running = [
            i
            for i, f in enumerate(self.faults)
            if f.fault_id == fault_id and f.onset_s <= now < f.end_s
        ]
        if not running:
            raise CommandError(f"fault {fault_id!r} is not active")
        for i in running:
            f = self.faults[i]
            self.faults[i] = replace(f, duration_s=now - f.onset_s)
        self._event("fault_cleared", message=fault_id)

    # --- the engine ------------------------------------------------------------------------

    def advance(self, n: int) -> SampleChunk:
        """The next `n` samples, 1 s apart in simulated time."""
        pieces: list[SampleChunk] = []
        remaining = n
        while remaining > 0:
            self._shift_handover()
            self._simulated_operator()
            runs, planned = self._plan(min(remaining, self._horizon))
            length = runs[-1].end
            chunk, plc = self._synthesise(runs, length)
            trip, raw = first_trip(
                chunk.columns, plc, self.recipe, aux.COIL_WATER_NOMINAL_LPM, self.memory.held
            )
            keep = length if trip is None else trip.index + 1
            pieces.append(self._commit(chunk, runs, keep, plc.in_state_s, planned))
            self.memory.held = {code: bool(c[keep - 1]) for code, c in raw.items()}
            remaining -= keep
            # Plan far while nothing trips; after a trip, plan short and grow again, so a
            # machine that keeps tripping does not recompute long plans it throws away.
            self._horizon = MIN_HORIZON if trip is not None else min(self._horizon * 2, MAX_HORIZON)
            if trip is not None:
                self._trip(trip.code, S.ALARM)
        # an alarm latched on the last sample is news now, not with the next chunk
        pieces[-1].events.extend(self._events)
        self._events = []
        pieces[-1].parts.extend(self._taken_out)
        self._taken_out = []
        return SampleChunk.concatenate(pieces)

    def _cycle_steps(self, at: int) -> tuple[Step, ...]:
        """A cycle as planned at loading; its heat's length is set when the heat starts
        (`scan_heat_planner`: the drive's actual speed then, as the part's physics sees it)."""
        steps = recipe_cycle_steps(self.recipe)
        wait = wait_before_load(self.config.seed, self.seq + at, self.variation.process)
        if wait.seconds == 0:
            return steps
        if wait.reason is not None:
            self._waits[self.seq + at] = wait
        return (Step(S.IDLE, wait.seconds), *steps)

    def _plan(self, limit: int) -> tuple[list[Run], Cursor]:
        """The runs of the next `limit` seconds (fewer when an operator acts sooner), and the
        cursor after them."""
        if self.alarm is not None and self.config.operator.auto:
            due = [d for d in (self.alarm.ack_due_seq, self.alarm.reset_due_seq) if d is not None]
            if due:
                limit = max(1, min(limit, min(due) - self.seq))
        if self.config.handover is not None:  # the crew acts at these samples exactly
            h = self.config.handover
            limit = min(
                [limit]
                + [d - self.seq for d in (h.stop_loading_seq, h.end_seq - 1) if d > self.seq]
            )
        heat_s = scan_heat_planner(self.recipe, self.faults, self.seq)
        self._waits.clear()  # a wait is planned and starts in the same walk: plan them afresh
        return self.cursor.walk(limit, self._cycle_steps, heat_s)

    def _synthesise(self, runs: list[Run], length: int) -> tuple[SampleChunk, PlcView]:
        seq0 = self.seq
        seq = np.arange(seq0, seq0 + length, dtype=np.int64)
        t_s = seq.astype(np.float64)
        lengths = np.array([r.length for r in runs])
        state = np.repeat(np.array([int(r.state) for r in runs], dtype=np.int16), lengths)
        part = np.repeat(np.array([r.part_id for r in runs], dtype=np.int64), lengths)
        in_state = np.arange(length, dtype=np.int64) - np.repeat(
            np.array([r.start - r.elapsed0 for r in runs], dtype=np.int64), lengths
        )
        heating = state == int(S.HEATING)
        self._plan_faults = self._resolve_conditional(part, seq0)
        mods = modifiers_for(
            self._plan_faults,
            t_s,
            part,
            heating,
            coil_gap_mm=self.recipe.coil_gap_mm,
            offered=self.offered,
        )
        quenching = state == int(S.QUENCHING)
        r = self.recipe
        drift = process_drift(
            self.config.seed,
            self.config.start_sim,
            seq0,
            length,
            self.variation.process,
            r.quench_concentration_pct,
        )
        # the plant's cooling water feeds the tank's exchanger and the coil loop's; the polymer's
        # concentration wanders between top-ups (both reach the part's physics). Without process
        # variation the drift is zeros (and the mains factor ones): nothing moves.
        mods.coil_inlet_offset_c = mods.coil_inlet_offset_c + drift.plant_water_offset_c
        mods.concentration_offset_pct = (
            mods.concentration_offset_pct + drift.concentration_offset_pct
        )

        quench_on = quenching | (heating & (in_state >= 1)) if r.process == "scan" else quenching
        q = aux.quench_flow(r.quench_flow_lpm, quench_on, mods.quench_pump_factor, mods.quench_clog)
        tank = aux.tank_temperature(
            self.physics.quench_heat_w(state),
            mods.hx_factor,
            self._plant_water_c + drift.plant_water_offset_c,
            self.memory.tank_c,
        )
        # what the part's spray sees: the set flow through this pump and these nozzles
        spray = aux.quench_flow(
            r.quench_flow_lpm,
            np.ones(length, dtype=bool),
            mods.quench_pump_factor,
            mods.quench_clog,
        )
        self.physics.prepare(runs, mods, tank, spray.flow_factor)
        el = self.physics.signals(part, state, in_state)

        water = aux.coil_water(
            el.coil_loss_w,
            mods.coil_flow_factor,
            mods.coil_inlet_offset_c,
            mods.coil_leak,
            self.memory.coil_out_c,
        )
        inverter_c = aux.inverter_temperature(el.power_coil_w, water.in_c, self.memory.inverter_c)
        dc_bus_v = np.where(heating, el.dc_bus_v, aux.dc_bus(np.zeros(length), mods.mains_factor))
        dc_bus_v = dc_bus_v * drift.mains_factor  # within the inverter's headroom

        # energy per part: integrates the coil power, restarts when the next part is loaded
        energy = np.cumsum(el.power_coil_w) / 1000.0
        restart = np.flatnonzero((state == int(S.LOADING)) & (in_state == 0))
        offset = np.full(length, self.memory.energy_coil_kj)
        for i in restart:
            offset[i:] = -(energy[i - 1] if i > 0 else 0.0)
        energy_coil_kj = offset + energy

        scan_speed = np.zeros(length)
        position = np.zeros(length)
        if r.process == "scan":
            assert r.scan_speed_mm_s is not None
            scan_speed = np.where(heating, r.scan_speed_mm_s * mods.scan_speed_factor, 0.0)
            position = np.where(
                heating, np.minimum(scan_speed * (in_state + 1), r.hardened_length_mm), 0.0
            )
        spinning = (state >= int(S.CLAMPING)) & (state <= int(S.TEMPERING))
        true: dict[str, FloatArray] = {
            "power_setpoint_kw": np.where(heating, r.power_kw, 0.0),
            "power_kw": el.power_coil_w / 1000.0,
            "frequency_hz": el.frequency_hz,
            "coil_current_a": el.coil_current_a,
            "coil_voltage_v": el.coil_voltage_v,
            "power_factor": el.power_factor,
            "dc_bus_v": dc_bus_v,
            "inverter_temp_c": inverter_c,
            "energy_coil_kj": energy_coil_kj,
            "surface_temp_c": el.surface_temp_c,
            "scan_position_mm": position,
            "scan_speed_mm_s": scan_speed,
            "spindle_rpm": np.where(spinning, r.rotation_rpm, 0.0),
            "coil_water_flow_lpm": water.flow_lpm,
            "coil_water_in_c": water.in_c,
            "coil_water_out_c": water.out_c,
            "quench_flow_lpm": q.flow_lpm,
            "quench_pressure_bar": q.pressure_bar,
            "quench_temp_c": tank,
            "quench_concentration_pct": r.quench_concentration_pct + mods.concentration_offset_pct,
            "ground_leakage_ma": aux.earth_leakage(heating, mods.ground_fault, mods.coil_leak),
        }
        measured = self._measure(true, seq0, length)
        # sensor-only faults act on the measured value alone
        measured["surface_temp_c"] = np.round(measured["surface_temp_c"] * mods.pyrometer_factor)
        if self.variation.sensors:
            # below its range the pyrometer's output holds the range's start (NaN stays NaN)
            measured["surface_temp_c"] = np.maximum(
                measured["surface_temp_c"], PYROMETER_RANGE_LO_C
            )
        stuck = mods.flow_sensor_stuck > 0
        if stuck.any():
            first = int(np.argmax(stuck))
            held = (
                float(measured["coil_water_flow_lpm"][first - 1])
                if first > 0
                else self.memory.last_measured.get(
                    "coil_water_flow_lpm", aux.COIL_WATER_NOMINAL_LPM
                )
            )
            measured["coil_water_flow_lpm"] = np.where(stuck, held, measured["coil_water_flow_lpm"])
        self._plan_glitches = glitches(self.config.seed, seq0, length, self.variation.nuisance)
        if self._plan_glitches:
            resolution = {name: spec.resolution for name, spec in SENSORS.items()}
            apply_glitches(measured, self._plan_glitches, seq0, resolution)

        onset, active, recovering = self._fault_masks(t_s, part, heating)
        acting = self._acting_mask(t_s, part, heating, quench_on)
        columns: dict[str, NDArray[np.generic]] = {
            "seq": seq,
            "machine_state": state,
            "part_id": part,
            "alarm_code": np.full(
                length, int(self.alarm.code) if self.alarm else 0, dtype=np.int16
            ),
            "faults_onset": onset,
            "faults_active": active,
            "faults_recovering": recovering,
            **measured,
            "faults_acting": acting,
        }
        step_s = np.repeat(np.array([r.step_s for r in runs], dtype=np.int64), lengths)
        plc = PlcView(state, in_state, step_s, quench_on, mods.inverter_fault, self.door_open)
        return SampleChunk(seq0, columns, true), plc

    def _measure(self, true: dict[str, FloatArray], seq0: int, n: int) -> dict[str, FloatArray]:
        """The instruments' readings: white noise and impairments, and (with sensor variation)
        calibration, drift, flicker and the log's sampling jitter."""
        seed, scale = self.config.seed, self.variation.sensors
        errors = InstrumentErrors(seed, seq0, n, scale) if scale else None
        last = self.memory.last_true
        return {
            name: measure(
                name,
                true[name],
                seed,
                seq0,
                self.config.impairments,
                error=None if errors is None else errors.error(name, true[name], last.get(name)),
            )
            for name in SIGNAL_NAMES
        }

    def _fault_masks(
        self, t_s: FloatArray, part: IntArray, heating: NDArray[np.bool_]
    ) -> tuple[IntArray, IntArray, IntArray]:
        n = t_s.shape[0]
        masks = (
            np.zeros(n, dtype=np.int64),
            np.zeros(n, dtype=np.int64),
            np.zeros(n, dtype=np.int64),
        )
        for f in self._plan_faults:
            if f.from_part is not None or f.onset_s > t_s[-1] or f.end_s + f.recovery_s < t_s[0]:
                continue
            bit = np.int64(1) << np.int64(BY_ID[f.fault_id].bit)
            for mask, phase in zip(masks, f.phase_at(t_s, part, heating), strict=True):
                mask[phase] |= bit
        return masks

    def _acting_mask(
        self,
        t_s: FloatArray,
        part: IntArray,
        heating: NDArray[np.bool_],
        spraying: NDArray[np.bool_],
    ) -> IntArray:
        """Bit set where the fault's effective severity is > 0 (`faults.effective_severity`)."""
        mask = np.zeros(t_s.shape[0], dtype=np.int64)
        for f in self._plan_faults:
            if f.from_part is not None or f.onset_s > t_s[-1] or f.end_s < t_s[0]:
                continue
            s = effective_severity(f, t_s, part, heating, spraying, self.offered)
            mask[s > 0] |= np.int64(1) << np.int64(BY_ID[f.fault_id].bit)
        return mask

    def _resolve_conditional(self, part: IntArray, seq0: int) -> list[FaultInstance]:
        """This plan's faults, aligned with `self.faults`: a "from part N" fault gets its onset
        where part N loads in the plan, or stays pending (inactive) if it does not."""
        resolved: list[FaultInstance] = []
        for f in self.faults:
            if f.from_part is not None:
                reached = np.flatnonzero(part >= f.from_part)
                if reached.size:
                    f = replace(f, onset_s=float(seq0 + reached[0]), from_part=None)
            resolved.append(f)
        return resolved

    # --- committing, alarms, events ----------------------------------------------------------

    def _commit(
        self, chunk: SampleChunk, runs: list[Run], keep: int, in_state: IntArray, planned: Cursor
    ) -> SampleChunk:
        """Keep the first `keep` samples: emit their events and finished parts, move on (to the
        `planned` cursor when all are kept: no second walk)."""
        kept = SampleChunk(
            chunk.start_seq,
            {k: v[:keep] for k, v in chunk.columns.items()},
            {k: v[:keep] for k, v in chunk.true_values.items()},
        )
        previous = self._last_state
        end = self.seq + keep
        extra: list[EventRecord] = []  # events of the natural variation, merged in seq order
        for g in self._plan_glitches:
            if self.seq <= g.seq < end:
                extra.append(
                    EventRecord(
                        g.seq,
                        "sensor_glitch",
                        message=f"{g.kind.text}, {g.seconds} s (no process fault)",
                    )
                )
        if self.variation.process:
            for top_up in top_ups_in(self.config.seed, self.seq, keep):
                extra.append(EventRecord(top_up, "quench_top_up", message="polymer tank topped up"))
        for run in runs:
            if run.start >= keep:
                break
            at = self.seq + run.start
            wait = self._waits.get(at) if run.state is S.IDLE and run.elapsed0 == 0 else None
            if wait is not None:
                extra.append(EventRecord(at, "wait", message=f"{wait.reason}: {wait.seconds} s"))
            if run.elapsed0 == 0 and run.state is not previous:
                self._events.append(
                    EventRecord(
                        at, "state_change", from_state=previous.name, to_state=run.state.name
                    )
                )
            previous = run.state
            if run.state is S.LOADING and run.elapsed0 == 0:
                self.part_started_seq[run.part_id] = at
            if (
                run.state is S.UNLOADING
                and run.elapsed0 + min(run.length, keep - run.start) == UNLOADING_S
            ):
                if self.judge_parts:
                    kept.parts.append(self._finish_part(run.part_id, at + run.length - 1))
                else:
                    self._forget_part(run.part_id)
        if extra:
            self._events = sorted(self._events + extra, key=lambda e: e.seq)  # stable
        self.cursor = (
            planned
            if keep == runs[-1].end
            else self.cursor.advance(
                keep, self._cycle_steps, scan_heat_planner(self.recipe, self.faults, self.seq)
            )
        )
        self.seq += keep
        self._last_state = MachineState(int(chunk.columns["machine_state"][keep - 1]))
        self._last_part = int(chunk.columns["part_id"][keep - 1])
        self._last_in_state = int(in_state[keep - 1])
        m = self.memory
        m.coil_out_c = float(chunk.true_values["coil_water_out_c"][keep - 1])
        m.tank_c = float(chunk.true_values["quench_temp_c"][keep - 1])
        m.inverter_c = float(chunk.true_values["inverter_temp_c"][keep - 1])
        m.energy_coil_kj = float(chunk.true_values["energy_coil_kj"][keep - 1])
        m.last_measured = {name: float(kept.columns[name][keep - 1]) for name in SIGNAL_NAMES}
        if self.variation.sensors:
            m.last_true = {name: float(chunk.true_values[name][keep - 1]) for name in SIGNAL_NAMES}
        # conditional onsets inside the kept samples are now history
        self.faults = [
            planned if f.from_part is not None and planned.onset_s < self.seq else f
            for f, planned in zip(self.faults, self._plan_faults, strict=True)
        ]
        kept.events, self._events = self._events, []
        self.parts_finished += len(kept.parts)
        return kept

    def _finish_part(self, part_id: int, finished_seq: int) -> PartRecord:
        interrupted = part_id in self.interrupted
        if not self.physics.heated(part_id):
            return self._unheated_part(part_id, finished_seq)
        result = self.physics.result(part_id)
        verdict = evaluate(self.recipe, result, interrupted=interrupted)
        testable = result.part_present and not (interrupted or result.interrupted)
        # a section ends at the bore: the shared depth grid runs past a tube's wall
        in_wall = result.depth_mm <= result.wall_mm + 1e-9
        measured = inspect(
            self.config.inspection,
            self.config.seed,
            part_id,
            result.surface_hrc,
            result.depth_mm[in_wall],
            result.hv[in_wall],
            testable,
        )
        plant = evaluate_plant(self.recipe, verdict, measured)
        self.interrupted.discard(part_id)
        self.physics.forget(part_id)
        return PartRecord(
            part_id=part_id,
            recipe_name=self.recipe.name,
            steel_grade=self.recipe.steel_grade,
            started_seq=self.part_started_seq.pop(part_id, finished_seq),
            finished_seq=finished_seq,
            surface_hrc=result.surface_hrc,
            case_depth_mm=result.case_depth_mm,
            case_depth_iso_mm=result.case_depth_iso_mm,
            peak_surface_temp_c=result.peak_surface_temp_c,
            energy_part_kj=result.energy_part_kj,
            energy_coil_kj=result.energy_coil_kj,
            profile_depth_mm=result.depth_mm,
            profile_hv=result.hv,
            verdict=verdict.verdict,
            reasons=verdict.reasons,
            interrupted=interrupted,
            hardness_inspected=measured.hardness_inspected,
            surface_hrc_measured=measured.surface_hrc_measured,
            case_depth_inspected=measured.case_depth_inspected,
            case_depth_measured_mm=measured.case_depth_measured_mm,
            plant_verdict=plant.verdict,
            plant_reasons=plant.reasons,
        )

    def _unheated_part(self, part_id: int, finished_seq: int) -> PartRecord:
        """A part unloaded after an alarm before its heat: scrap or rework, never a good part."""
        self.interrupted.discard(part_id)
        nan = float("nan")
        return PartRecord(
            part_id=part_id,
            recipe_name=self.recipe.name,
            steel_grade=self.recipe.steel_grade,
            started_seq=self.part_started_seq.pop(part_id, finished_seq),
            finished_seq=finished_seq,
            surface_hrc=nan,
            case_depth_mm=nan,
            case_depth_iso_mm=nan,
            peak_surface_temp_c=nan,
            energy_part_kj=0.0,
            energy_coil_kj=0.0,
            profile_depth_mm=np.empty(0),
            profile_hv=np.empty(0),
            verdict="NOK",
            reasons=("INTERRUPTED",),
            interrupted=True,
            hardness_inspected=False,
            surface_hrc_measured=nan,
            case_depth_inspected=False,
            case_depth_measured_mm=nan,
            plant_verdict="NOK",
            plant_reasons=("INTERRUPTED",),
        )

    def _trip(self, code: AlarmCode, hold: MachineState) -> None:
        """Latch an alarm at the current sample: heating stops, the part in the coil is lost."""
        last, part = self._last_state, self._last_part
        if part and last is S.HEATING:
            self.interrupted.add(part)
            if self.judge_parts:  # the cut heat's physics only serves the part's verdict
                self.physics.interrupt(part, self._last_in_state + 1)
        elif part and last in (S.LOADING, S.CLAMPING, S.QUENCHING, S.TEMPERING):
            self.interrupted.add(part)
        op = self.config.operator
        self.alarm = LatchedAlarm(
            code,
            self.seq,
            ack_due_seq=self.seq + op.ack_delay_s if op.auto else None,
        )
        self._event("alarm_raised", code=int(code), message=ALARMS[code].text)
        self._set_cursor(self.cursor.hold(hold))

    def _simulated_operator(self) -> None:
        """Batch runs: acknowledge after a while, then reset (retrying while the cause stays)."""
        alarm = self.alarm
        if alarm is None or not self.config.operator.auto:
            return
        op = self.config.operator
        if alarm.ack_due_seq is not None and self.seq >= alarm.ack_due_seq:
            self.acknowledge("auto-operator")
            alarm.ack_due_seq = None
            alarm.reset_due_seq = self.seq + op.reset_delay_s
        elif alarm.reset_due_seq is not None and self.seq >= alarm.reset_due_seq:
            try:
                self.reset("auto-operator")
            except CommandError:
                alarm.reset_due_seq = self.seq + op.retry_s

    # --- shifts (data factory: machine/shifts.py) ---------------------------------------------

    def _take_over(self, carried: ShiftStart) -> None:
        """Start this shift where the previous one stopped: its slow states, and its latched
        alarm handed to this crew (raised again at this shift's first second, to be
        acknowledged and reset as any other); otherwise the crew starts the machine."""
        self.memory = copy.deepcopy(carried.memory)
        self._last_state = carried.last_state
        if carried.alarm is not None:
            code, op = carried.alarm, self.config.operator
            self.cursor = self.cursor.hold(S.ALARM)
            self.alarm = LatchedAlarm(
                code, self.seq, ack_due_seq=self.seq + op.ack_delay_s if op.auto else None
            )
            self._event(
                "alarm_raised", code=int(code), message=f"{ALARMS[code].text} (shift handover)"
            )
        else:
            self._event("operator_action", message="start: shift handover")

    def _shift_handover(self) -> None:
        """The outgoing crew: no new part after `stop_loading_seq`; at the shift's last second a
        part still in the machine (held by an alarm) is taken out, judged interrupted."""
        h = self.config.handover
        if h is None:
            return
        if not self._loading_stopped and self.seq >= h.stop_loading_seq:
            self._loading_stopped = True
            if self.state is not S.STOPPED and not self.cursor.stop_requested:
                self._event("operator_action", message="shift handover: stop after this cycle")
                self.cursor = replace(self.cursor, stop_requested=True)
        if not self._handed_over and self.seq >= h.end_seq - 1:
            self._handed_over = True
            self._take_out_part()

    def _take_out_part(self) -> None:
        cursor = self.cursor
        part = cursor.part_id if cursor.state in PART_STATES | HOLD_STATES else 0
        if not part:
            return
        if self._last_state is S.HEATING and self._last_part == part:
            self.physics.interrupt(part, self._last_in_state + 1)
        if cursor.state is not S.UNLOADING:  # its cycle was cut short (unloading: it was done)
            self.interrupted.add(part)
        self._taken_out.append(self._finish_part(part, self.seq - 1))
        self._event("operator_action", message=f"shift handover: part {part} taken out")
        # no state_change event here: the next sample's run reports it (`_commit`)
        self.cursor = cursor.hold(S.ALARM if self.alarm else S.STOPPED, keep_part=False)

    def _forget_part(self, part_id: int) -> None:
        self.interrupted.discard(part_id)
        self.part_started_seq.pop(part_id, None)
        self.physics.forget(part_id)

    def skip_to(self, seq: int) -> None:
        """Move to the last cycle start at or before `seq` without making samples: the PLC
        sequence alone, as it runs while nothing trips (a shard's warm-up starts in step with
        the shift it replays). Never past this shift's end of loading."""
        if self.config.handover is not None:
            seq = min(seq, self.config.handover.stop_loading_seq)
        if seq <= self.seq:
            return
        # only a scan-drive fault in this stretch changes a heat's length (the planner's cost)
        drive = [
            f
            for f in self.faults
            if f.fault_id == "scan_drive_error"
            and (f.from_part is not None or (f.onset_s <= seq and f.end_s >= self.seq))
        ]
        heat_s = scan_heat_planner(self.recipe, drive, self.seq)
        runs, _ = self.cursor.walk(seq - self.seq, self._cycle_steps, heat_s)
        load = next((r for r in reversed(runs) if r.state is S.LOADING and r.elapsed0 == 0), None)
        if load is None or load.start == 0:
            return
        # between two cycles, as `Cursor.walk` leaves it: idle, that part next
        self.cursor = replace(
            self.cursor, state=S.IDLE, elapsed_s=0, part_id=0, steps=(), next_part_id=load.part_id
        )
        self.seq += load.start
        self._last_state, self._last_part, self._last_in_state = S.IDLE, 0, 0
        self._settle_tank()

    def shift_start(self) -> ShiftStart:
        """What the next shift inherits from this machine as it stands."""
        code = self.alarm.code if self.alarm is not None else None
        return ShiftStart(copy.deepcopy(self.memory), code, self._last_state)

    def _set_cursor(self, cursor: Cursor) -> None:
        if cursor.state is not self.cursor.state:
            self._event(
                "state_change", from_state=self.cursor.state.name, to_state=cursor.state.name
            )
        self.cursor = cursor

    def _event(self, kind: str, **fields: object) -> None:
        self._events.append(EventRecord(self.seq, kind, **fields))  # type: ignore[arg-type]
