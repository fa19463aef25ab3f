"""One part under steady fault conditions — what `induction-sim part` shows.

The faults act exactly as in the machine (same modifiers, same mapping to physics conditions),
held at their given severity. The machine's interlocks are checked too, on the signals of two
steady cycles (true values: no sensor noise) with the machine's own interlock code: a fault
that trips one stops the machine, and the part is then what the machine would deliver — cut off
mid-heat (inverter trip, earth leakage while heating) or never heated (coil water lost before
the heat). Each fault gets a note saying how it acts: on the part, through an interlock, on the
machine only, or on an instrument only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from induction_sim.machine import auxiliaries as aux
from induction_sim.machine.faults import BY_ID, FaultInstance
from induction_sim.machine.heating import CyclePhysics, part_conditions
from induction_sim.machine.interlocks import PlcView, first_trip, still_active
from induction_sim.machine.modifiers import Modifiers, modifiers_for
from induction_sim.machine.quality import QualityVerdict, evaluate
from induction_sim.machine.recipe import Recipe
from induction_sim.machine.sequence import cycle_steps_for
from induction_sim.machine.states import ALARMS, AlarmCode, MachineState
from induction_sim.physics.inputs import PartConditions, build_inputs
from induction_sim.physics.results import PartResult

FloatArray = NDArray[np.float64]
S = MachineState
CYCLES = 2  # steady production: a slow signal (coil outlet) may trip in the second cycle
_BEFORE = frozenset({S.IDLE, S.LOADING, S.CLAMPING})


@dataclass(frozen=True)
class InterlockStop:
    """The interlock the faults trip in steady production, and when in the cycle."""

    code: AlarmCode
    when: str  # "before the heat" | "during the heat" | "after the heat"
    heated_s: float  # coil-on seconds of the part before the trip
    reset_refused: bool  # the condition persists: the machine stays in alarm

    @property
    def alarm(self) -> str:
        return ALARMS[self.code].text


@dataclass(frozen=True)
class SinglePart:
    result: PartResult  # the part shown (see `shown`)
    verdict: QualityVerdict  # what the machine would record for it
    stop: InterlockStop | None
    shown: str  # what `result` is
    notes: tuple[str, ...]  # one per fault: how it acts


def part_under_faults(recipe: Recipe, faults: tuple[FaultInstance, ...] = ()) -> SinglePart:
    physics = CyclePhysics(recipe)
    conditions = conditions_under_faults(recipe, physics, list(faults))
    result, per_second = physics.simulate_one(conditions)
    stop = _interlock_stop(recipe, list(faults), conditions, result, per_second)
    notes = tuple(_note(recipe, physics, f, conditions, result, per_second) for f in faults)
    if stop is None:
        return SinglePart(result, evaluate(recipe, result), None, "the part as made", notes)
    if stop.when == "during the heat":
        fraction = min(max(stop.heated_s / max(result.heat_on_s, 1e-9), 0.0), 1.0)
        cut, _ = physics.simulate_one(replace(conditions, heat_interrupted_at=round(fraction, 3)))
        shown = (
            f"the part as the machine leaves it: heat stopped after {stop.heated_s:g} s of "
            f"{result.heat_on_s:.1f} s"
        )
        return SinglePart(cut, evaluate(recipe, cut, interrupted=True), stop, shown, notes)
    if stop.when == "after the heat":
        shown = "the part as heated; the machine stopped in its quench"
        return SinglePart(result, evaluate(recipe, result, interrupted=True), stop, shown, notes)
    shown = (
        "the part with the interlock bypassed — the machine would unload it unheated "
        "(these faults do not change the part itself)"
        if conditions == conditions_under_faults(recipe, physics, [])
        else "the part with the interlock bypassed — the machine would unload it unheated"
    )
    return SinglePart(result, QualityVerdict("NOK", ("INTERRUPTED",)), stop, shown, notes)


def simulate_under_faults(
    recipe: Recipe, faults: tuple[FaultInstance, ...] = ()
) -> tuple[PartResult, QualityVerdict]:
    """The part and the verdict the machine would record (see `part_under_faults`)."""
    outcome = part_under_faults(recipe, faults)
    return outcome.result, outcome.verdict


def _modifiers(
    recipe: Recipe, faults: list[FaultInstance], n: int, heating: NDArray[np.bool_]
) -> Modifiers:
    return modifiers_for(
        faults, np.zeros(n), np.ones(n, dtype=np.int64), heating, coil_gap_mm=recipe.coil_gap_mm
    )


def conditions_under_faults(
    recipe: Recipe, physics: CyclePhysics, faults: list[FaultInstance]
) -> PartConditions:
    """The part's physics conditions under steady faults, as the machine maps them (the
    interlocks aside)."""
    mods = _modifiers(recipe, faults, 1, np.ones(1, dtype=bool))
    at = np.zeros(1, dtype=np.int64)
    spray = aux.quench_flow(
        recipe.quench_flow_lpm, np.ones(1, dtype=bool), mods.quench_pump_factor, mods.quench_clog
    )
    # the tank settles where the (possibly fouled) exchanger sheds the nominal duty
    duty_w = physics.nominal_quench_duty_w()
    plant_c = aux.plant_water_for(recipe.quench_temp_c, duty_w)
    tank_c = plant_c + duty_w / (aux.TANK_HX_UA_W_K * np.maximum(mods.hx_factor, 0.02))
    (conditions,) = part_conditions(recipe, mods, at, tank_c, spray.flow_factor, np.zeros(1))
    return conditions


def _interlock_stop(
    recipe: Recipe,
    faults: list[FaultInstance],
    conditions: PartConditions,
    result: PartResult,
    per_second: dict[str, FloatArray],
) -> InterlockStop | None:
    """Two steady cycles of true signals through the machine's interlocks."""
    r = recipe
    steps = (
        cycle_steps_for(
            r.process,
            r.hardened_length_mm,
            r.scan_speed_mm_s,
            r.heat_time_s,
            r.temper_time_s,
            conditions.scan_speed_factor,
        )
        * CYCLES
    )
    lengths = np.array([s.duration_s for s in steps])
    n = int(lengths.sum())
    state = np.repeat(np.array([int(s.state) for s in steps], dtype=np.int16), lengths)
    step_s = np.repeat(lengths.astype(np.int64), lengths)
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    in_state = np.arange(n, dtype=np.int64) - starts
    heating = state == int(S.HEATING)
    quenching = state == int(S.QUENCHING)
    mods = _modifiers(r, faults, n, heating)
    width = per_second["power_coil_w"].shape[0]
    k = np.minimum(in_state, width - 1)
    power_w = np.where(heating, per_second["power_coil_w"][k], 0.0)
    loss_w = np.where(heating, per_second["coil_loss_w"][k], 0.0)
    valve = quenching | (heating & (in_state >= 1)) if r.process == "scan" else quenching
    inlet_c = aux.COIL_WATER_INLET_C + float(mods.coil_inlet_offset_c[0])
    water = aux.coil_water(
        loss_w, mods.coil_flow_factor, mods.coil_inlet_offset_c, mods.coil_leak, inlet_c
    )
    quench = aux.quench_flow(r.quench_flow_lpm, valve, mods.quench_pump_factor, mods.quench_clog)
    signals = {
        "power_kw": power_w / 1000.0,
        "coil_water_flow_lpm": water.flow_lpm,
        "coil_water_out_c": water.out_c,
        "quench_flow_lpm": quench.flow_lpm,
        "quench_temp_c": np.full(n, conditions.quench_temp_c or r.quench_temp_c),
        "ground_leakage_ma": aux.earth_leakage(heating, mods.ground_fault, mods.coil_leak),
        # the pyrometer's true reading while heating (its high limit is interlock 304)
        "surface_temp_c": np.where(heating, per_second["surface_temp_c"][k], 0.0),
    }
    plc = PlcView(state, in_state, step_s, valve, mods.inverter_fault)
    trip, _ = first_trip(signals, plc, r, aux.COIL_WATER_NOMINAL_LPM, {})
    if trip is None:
        return None
    at = MachineState(int(state[trip.index]))
    heated = 0.0
    if at is S.HEATING:
        when, heated = "during the heat", float(in_state[trip.index] + 1)
    elif at in _BEFORE:
        when = "before the heat"
    else:
        when, heated = "after the heat", float(result.heat_on_s)
    last = {name: float(values[trip.index]) for name, values in signals.items()}
    refused = still_active(trip.code, last, r, aux.COIL_WATER_NOMINAL_LPM)
    return InterlockStop(trip.code, when, heated, refused)


def _note(
    recipe: Recipe,
    physics: CyclePhysics,
    fault: FaultInstance,
    conditions: PartConditions,
    result: PartResult,
    per_second: dict[str, FloatArray],
) -> str:
    kind = BY_ID[fault.fault_id]
    label = f"{fault.fault_id}:{fault.severity:g}"
    if kind.sensor_only:
        return f"{label}: symptom only — an instrument reads wrong; the part is unaffected"
    alone = build_inputs(recipe, conditions_under_faults(recipe, physics, [fault])).as_matrix()
    nominal = build_inputs(recipe, conditions_under_faults(recipe, physics, [])).as_matrix()
    on_part = not np.array_equal(alone, nominal, equal_nan=True)
    stop = _interlock_stop(recipe, [fault], conditions, result, per_second)
    if stop is not None:
        stays = "; the reset is refused while it lasts" if stop.reset_refused else ""
        return (
            f"{label}: acts through interlock {int(stop.code)} ({stop.alarm}): the machine "
            f"would stop {stop.when}{stays}" + ("; it also changes the part" if on_part else "")
        )
    if on_part:
        return f"{label}: acts on the part through the physics"
    below = f"; below its interlock {int(kind.alarm)} here" if kind.alarm is not None else ""
    return f"{label}: acts on the machine's signals only; the part is unaffected{below}"
