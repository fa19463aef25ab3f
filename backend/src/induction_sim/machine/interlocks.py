"""Interlocks: conditions on *measured* signals that stop heating and latch a coded alarm.

The PLC sees what its instruments report, so a stuck flow meter can hide a real flow loss and a
drifting one can trip a healthy machine — exactly the cause/symptom split the labels record.
A condition must hold for `DEBOUNCE_S` consecutive samples (the PLC's input filter) unless the
protection acts in hardware (inverter trips, no load, e-stop).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from induction_sim.machine.states import AlarmCode, MachineState

BoolArray = NDArray[np.bool_]
DEBOUNCE_S = 2

# Limits [E; plant figures, docs/physics.md §12.1]: coil flow < 70 % of nominal, outlet > 50 °C,
# quench flow < 70 % of set while spraying, tank > 45 °C (well below a PAG cloud point of
# 60–90 °C), earth leakage > 30 mA.
COIL_FLOW_MIN_FRACTION = 0.7
COIL_OUTLET_MAX_C = 50.0
QUENCH_FLOW_MIN_FRACTION = 0.7
QUENCH_TANK_MAX_C = 45.0
LEAKAGE_MAX_MA = 30.0
NO_LOAD_POWER_FRACTION = 0.25  # a loaded coil takes its set power within a second
# The pyrometer's high limit: 100 K under the solidus of these grades (≈1450 °C, physics.md §3)
# and inside its 1400 °C range; a hardware-fast trip (no debounce) [E].
PART_OVERTEMPERATURE_C = 1350.0


class InterlockRecipe(Protocol):
    quench_flow_lpm: float
    power_kw: float


@dataclass(frozen=True)
class Trip:
    index: int  # offset in the chunk of the sample that showed the condition
    code: AlarmCode


@dataclass(frozen=True)
class PlcView:
    """What the PLC knows besides its instruments: its own sequence and outputs."""

    state: NDArray[np.int16]
    in_state_s: NDArray[np.int64]
    step_s: NDArray[np.int64]  # duration of the current step (the heat's planned length)
    quench_valve: BoolArray  # the PLC opened the quench valve
    inverter_fault: NDArray[np.float64]  # > 0: the inverter reports a fault
    door_open: bool = False  # the safety door switch


def _conditions(
    signals: Mapping[str, NDArray[np.float64]],
    plc: PlcView,
    recipe: InterlockRecipe,
    coil_nominal_lpm: float,
) -> list[tuple[AlarmCode, BoolArray, bool]]:
    """(alarm, condition per sample, debounced?) in priority order."""
    state, in_state_s, inverter_fault = plc.state, plc.in_state_s, plc.inverter_fault
    heating = state == int(MachineState.HEATING)
    spraying_settled = plc.quench_valve & (in_state_s >= 1)
    # full heating seconds only: the last second of a heat is partly off by design
    heating_fully = heating & (in_state_s >= 1) & (in_state_s < plc.step_s - 1)
    power = signals["power_kw"]
    return [
        (AlarmCode.GROUND_FAULT, signals["ground_leakage_ma"] > LEAKAGE_MAX_MA, True),
        (AlarmCode.INVERTER_FAULT, heating & (inverter_fault > 0), False),
        (
            AlarmCode.COIL_WATER_FLOW_LOW,
            signals["coil_water_flow_lpm"] < COIL_FLOW_MIN_FRACTION * coil_nominal_lpm,
            True,
        ),
        (AlarmCode.COIL_WATER_OUTLET_HOT, signals["coil_water_out_c"] > COIL_OUTLET_MAX_C, True),
        (
            AlarmCode.QUENCH_FLOW_LOW,
            spraying_settled
            & (signals["quench_flow_lpm"] < QUENCH_FLOW_MIN_FRACTION * recipe.quench_flow_lpm),
            True,
        ),
        (AlarmCode.QUENCH_TANK_HOT, signals["quench_temp_c"] > QUENCH_TANK_MAX_C, True),
        (
            AlarmCode.NO_LOAD,
            heating_fully & (power < NO_LOAD_POWER_FRACTION * recipe.power_kw),
            False,
        ),
        # a dropout (NaN) compares False: a blind pyrometer cannot trip it (nor protect the part)
        (
            AlarmCode.PART_OVERTEMPERATURE,
            heating & (signals["surface_temp_c"] >= PART_OVERTEMPERATURE_C),
            False,
        ),
        (AlarmCode.DOOR_OPEN, np.full(state.shape, plc.door_open), False),
    ]


def first_trip(
    signals: Mapping[str, NDArray[np.float64]],
    plc: PlcView,
    recipe: InterlockRecipe,
    coil_nominal_lpm: float,
    held_before: Mapping[AlarmCode, bool],
) -> tuple[Trip | None, dict[AlarmCode, BoolArray]]:
    """The earliest sample at which an interlock trips (or None), and every raw condition.

    `held_before[code]` says whether the condition held on the sample before the chunk, so the
    debounce spans chunk boundaries (the live driver makes one-sample chunks)."""
    best: Trip | None = None
    raw: dict[AlarmCode, BoolArray] = {}
    armed = ~np.isin(plc.state, (int(MachineState.ALARM), int(MachineState.E_STOP)))
    for code, condition, debounced in _conditions(signals, plc, recipe, coil_nominal_lpm):
        raw[code] = condition
        hit = condition & armed
        if debounced:
            before = np.concatenate(([held_before.get(code, False)], condition[:-1]))
            hit = hit & before
        if hit.any():
            index = int(np.argmax(hit))
            if best is None or index < best.index:
                best = Trip(index, code)
    return best, raw


def still_active(
    code: AlarmCode, last: Mapping[str, float], recipe: InterlockRecipe, coil_nominal_lpm: float
) -> bool:
    """Would the alarm's condition hold on the last measured sample? (Reset is refused then.)"""
    if code is AlarmCode.COIL_WATER_FLOW_LOW:
        return (
            last.get("coil_water_flow_lpm", coil_nominal_lpm)
            < COIL_FLOW_MIN_FRACTION * coil_nominal_lpm
        )
    if code is AlarmCode.COIL_WATER_OUTLET_HOT:
        return last.get("coil_water_out_c", 0.0) > COIL_OUTLET_MAX_C
    if code is AlarmCode.QUENCH_TANK_HOT:
        return last.get("quench_temp_c", 0.0) > QUENCH_TANK_MAX_C
    if code is AlarmCode.GROUND_FAULT:
        return last.get("ground_leakage_ma", 0.0) > LEAKAGE_MAX_MA
    # Flow-while-spraying, inverter, no-load and e-stop conditions are only testable in a cycle:
    # a reset is allowed and the next cycle re-trips if the cause is still there.
    return False
