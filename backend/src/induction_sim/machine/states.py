"""What the PLC knows: machine states, alarm codes and the interlocks that raise them.

States and alarms are small integer codes, as in a PLC's memory; the database keeps their names in
lookup tables and the API/exports translate them. Codes are stable: never renumber, only add.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class MachineState(IntEnum):
    IDLE = 0
    LOADING = 1
    CLAMPING = 2
    HEATING = 3
    QUENCHING = 4
    TEMPERING = 5
    UNLOADING = 6
    ALARM = 8
    E_STOP = 9
    STOPPED = 10  # operator stop: no new cycle starts until `start`


# The normal cycle, in order (TEMPERING only when the recipe asks for it).
CYCLE: tuple[MachineState, ...] = (
    MachineState.LOADING,
    MachineState.CLAMPING,
    MachineState.HEATING,
    MachineState.QUENCHING,
    MachineState.TEMPERING,
    MachineState.UNLOADING,
    MachineState.IDLE,
)

# Handling times outside the heat treatment itself, s. Typical of a vertical scanner with a
# loading robot: one part per ≈40 s for a 200 mm scan (EFD quotes 40 s for a 400 mm shaft with
# in-line temper [EFD]; docs/physics.md §12.1). [E]
LOADING_S = 5
CLAMPING_S = 3  # centres close, spindle spins up
SCAN_QUENCH_TAIL_S = 4  # trailing ring passes the last section, then drains
SHOT_QUENCH_S = 8
UNLOADING_S = 5
IDLE_S = 1


class AlarmCode(IntEnum):
    COIL_WATER_FLOW_LOW = 101
    COIL_WATER_OUTLET_HOT = 102
    QUENCH_FLOW_LOW = 201
    QUENCH_TANK_HOT = 202
    INVERTER_FAULT = 301
    GROUND_FAULT = 302
    NO_LOAD = 303
    PART_OVERTEMPERATURE = 304
    DOOR_OPEN = 401
    EMERGENCY_STOP = 501


@dataclass(frozen=True)
class Alarm:
    code: AlarmCode
    text: str
    action: str  # what the operator should check


ALARMS: dict[AlarmCode, Alarm] = {
    a.code: a
    for a in (
        Alarm(AlarmCode.COIL_WATER_FLOW_LOW, "coil cooling water flow low", "pump, filter, hoses"),
        Alarm(
            AlarmCode.COIL_WATER_OUTLET_HOT,
            "coil cooling water outlet too hot",
            "flow, inlet temperature, heat exchanger",
        ),
        Alarm(AlarmCode.QUENCH_FLOW_LOW, "quench flow low", "quench pump, nozzles, filter"),
        Alarm(AlarmCode.QUENCH_TANK_HOT, "quench tank too hot", "heat exchanger, chiller"),
        Alarm(AlarmCode.INVERTER_FAULT, "inverter fault (IGBT/desat trip)", "power supply"),
        Alarm(AlarmCode.GROUND_FAULT, "ground fault: earth leakage too high", "coil, water"),
        Alarm(AlarmCode.NO_LOAD, "no load: part missing or not in the coil", "loading"),
        Alarm(
            AlarmCode.PART_OVERTEMPERATURE,
            "part surface over temperature: melting risk",
            "scan drive, power, recipe; pyrometer lens",
        ),
        Alarm(AlarmCode.DOOR_OPEN, "safety door open", "close the door"),
        Alarm(AlarmCode.EMERGENCY_STOP, "emergency stop pressed", "release e-stop, reset"),
    )
}
