"""From active faults to what they change: per-sample modifiers of the machine and process.

Each catalogue fault moves one or more modifiers in proportion to its effective severity s(t).
Nominal values: factors 1, offsets 0. Magnitudes at s = 1 are chosen so that a severe fault is
clearly out of the process window and a mild one (s ≈ 0.2) is near its edge [E].
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from induction_sim.machine.faults import BY_ID, FaultInstance, Needs

FloatArray = NDArray[np.float64]


@dataclass
class Modifiers:
    coil_flow_factor: FloatArray
    coil_inlet_offset_c: FloatArray
    coil_leak: FloatArray
    quench_pump_factor: FloatArray
    quench_clog: FloatArray
    concentration_offset_pct: FloatArray
    hx_factor: FloatArray
    capacitance_factor: FloatArray
    inverter_fault: FloatArray  # > 0: the inverter trips while heating
    mains_factor: FloatArray
    eccentricity_mm: FloatArray
    scan_speed_factor: FloatArray
    pyrometer_factor: FloatArray  # measured / true (sensor only)
    ground_fault: FloatArray  # earth-leakage path, 1 = 60 mA (also a part touching the coil)
    flow_sensor_stuck: FloatArray  # > 0: coil flow meter frozen (sensor only)

    @classmethod
    def nominal(cls, n: int) -> Modifiers:
        zeros = {f.name: np.zeros(n) for f in fields(cls)}
        for name in (
            "coil_flow_factor",
            "quench_pump_factor",
            "hx_factor",
            "capacitance_factor",
            "mains_factor",
            "scan_speed_factor",
            "pyrometer_factor",
        ):
            zeros[name] = np.ones(n)
        return cls(**zeros)

    def at(self, i: int) -> dict[str, float]:
        return {f.name: float(getattr(self, f.name)[i]) for f in fields(self)}


def modifiers_for(
    faults: list[FaultInstance],
    t_s: FloatArray,
    part: NDArray[np.int64] | None = None,
    heating: NDArray[np.bool_] | None = None,
    coil_gap_mm: float | None = None,
    offered: frozenset[Needs] | None = None,
) -> Modifiers:
    """Combine all fault instances over the sample times `t_s` (s since the run's start);
    `part` and `heating` per sample let every-Nth-heat faults act on their heats only.

    With the recipe's `coil_gap_mm`, a part pushed off-centre by at least the gap touches the
    copper: while the coil is energised (`heating`) the coil's potential arcs to the part and
    through the centres to earth — a hard earth path (ground-fault severity 1, 60 mA: the
    ground-fault interlock 302 trips), not a deeper weak side [E].

    With the recipe's mechanisms `offered`, a fault whose mechanism the recipe lacks (a
    polymer fault on a water quench, a scan-drive fault on a single-shot machine) changes
    nothing (`faults.FaultType.needs`)."""
    m = Modifiers.nominal(t_s.shape[0])
    for fault in faults:
        if fault.onset_s > t_s[-1] or fault.end_s < t_s[0]:
            continue
        if offered is not None and not BY_ID[fault.fault_id].can_act_on(offered):
            continue
        s = fault.severity_at(t_s, part, heating)
        match fault.fault_id:
            case "coil_water_flow_loss":
                m.coil_flow_factor *= 1.0 - 0.95 * s
            case "coil_water_inlet_hot":
                m.coil_inlet_offset_c += 30.0 * s
            case "quench_pump_wear":
                m.quench_pump_factor *= 1.0 - 0.6 * s
            case "quench_nozzles_clogged":
                m.quench_clog += s
            case "polymer_concentration_high":
                m.concentration_offset_pct += 12.0 * s
            case "polymer_concentration_low":
                m.concentration_offset_pct -= 7.0 * s
            case "quench_temp_creep":
                m.hx_factor *= 1.0 - 0.9 * s
            case "capacitor_degradation":
                m.capacitance_factor *= 1.0 - 0.15 * s
            case "inverter_igbt_fault":
                m.inverter_fault += s
            case "mains_voltage_sag":
                m.mains_factor *= 1.0 - 0.35 * s
            case "coil_crack_leak":
                m.coil_leak += s
            case "part_misseated":
                m.eccentricity_mm += 2.5 * s
            case "scan_drive_error":
                m.scan_speed_factor *= 1.0 - 0.6 * s
            case "pyrometer_dirty_lens":
                m.pyrometer_factor *= 1.0 - 0.25 * s
            case "ground_fault":
                m.ground_fault += s
            case "flow_sensor_stuck":
                m.flow_sensor_stuck += s
            case other:
                raise ValueError(f"fault {other!r} has no modifier mapping")
    if coil_gap_mm is not None and heating is not None:
        m.ground_fault += (heating & (m.eccentricity_mm >= coil_gap_mm)).astype(np.float64)
    return m
