"""The fault catalogue and how an injected fault's severity unfolds in time.

A fault never paints an offset on a telemetry column. It changes a *modifier* of the machine or
process (a pump delivers less, a capacitor has lost capacitance, a lens is dirty); auxiliaries,
physics and sensors turn modifiers into signals and part quality. Sensor faults change only the
measured value, so labels separate cause (true value) from symptom (what an instrument showed).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from induction_sim.machine.states import AlarmCode

FloatArray = NDArray[np.float64]


class OnsetMode(StrEnum):
    STEP = "step"  # full severity at once (a burst hose, a tripped IGBT)
    RAMP = "ramp"  # grows linearly over `ramp_s` (wear, fouling, drift)
    INTERMITTENT = "intermittent"  # on/off with `period_s` and `duty` (loose contact, bad seating)


class ActsWhen(StrEnum):
    """When a fault's effect can reach a signal or a part: the one rule behind the
    effective-severity label (`effective_severity`, the `faults_acting` mask)."""

    ALWAYS = "always"  # a state of the plant or an instrument (water, tank, supply, reading)
    HEATING = "heating"  # through the energised coil or the scan drive: heating samples only
    SPRAYING = "spraying"  # through the quench spray: while the quench valve is open


class Needs(StrEnum):
    """A mechanism a fault needs in the recipe to exist at all."""

    SCAN = "scan"  # a scanning axis (no scan drive on a single-shot machine)
    POLYMER = "polymer"  # a polymer (PAG) quench: a concentration that can drift


def mechanisms(process: str, quench_medium: str) -> frozenset[Needs]:
    """The mechanisms a recipe offers (its `process` and `quench_medium`)."""
    offered = set()
    if process == "scan":
        offered.add(Needs.SCAN)
    if quench_medium == "polymer":
        offered.add(Needs.POLYMER)
    return frozenset(offered)


class Phase(StrEnum):
    ONSET = "onset"
    ACTIVE = "active"
    RECOVERING = "recovering"


@dataclass(frozen=True)
class FaultType:
    id: str
    bit: int  # stable position in label bitmasks; never reuse
    name: str
    subsystem: str
    description: str
    signature: str  # which signals move, and which way
    outcome: str  # what it does to parts
    sensor_only: bool = False
    alarm: AlarmCode | None = None  # the interlock it usually trips at high severity
    acts_when: ActsWhen = ActsWhen.ALWAYS  # machine states in which its effect reaches anything
    needs: frozenset[Needs] = frozenset()  # mechanisms the recipe must have

    def can_act_on(self, offered: frozenset[Needs]) -> bool:
        """Whether the fault's mechanism exists on a recipe offering `offered`."""
        return self.needs <= offered


# Signatures and outcomes (failure mode → telemetry → part quality) and the sources behind each
# fault: docs/physics.md §12.1, failure modes (IH-PM, Rudnev-coil, Zinn-quench, GS-poly, …).
CATALOGUE: tuple[FaultType, ...] = (
    FaultType(
        "coil_water_flow_loss",
        0,
        "Coil water flow loss",
        "coil cooling",
        "Blocked filter, kinked hose or failing pump reduces coil cooling water flow.",
        "coil_water_flow_lpm ↓; coil_water_out_c ↑ (ΔT = P_loss/ṁc); interlock trip",
        "parts OK until the interlock interrupts heating → INTERRUPTED",
        alarm=AlarmCode.COIL_WATER_FLOW_LOW,
    ),
    FaultType(
        "coil_water_inlet_hot",
        1,
        "Coil water inlet too hot",
        "coil cooling",
        "Chiller or plant water too warm.",
        "coil_water_in_c ↑, coil_water_out_c ↑ by the same amount",
        "none until outlet-hot interlock trips",
        alarm=AlarmCode.COIL_WATER_OUTLET_HOT,
    ),
    FaultType(
        "quench_pump_wear",
        2,
        "Quench pump wear",
        "quench",
        "Worn impeller: less flow and pressure at the ring.",
        "quench_flow_lpm ↓, quench_pressure_bar ↓ (∝ flow²)",
        "lower quench HTC → softer surface, shallower case (SOFT/SHALLOW)",
        alarm=AlarmCode.QUENCH_FLOW_LOW,
        acts_when=ActsWhen.SPRAYING,
    ),
    FaultType(
        "quench_nozzles_clogged",
        3,
        "Clogged quench nozzles",
        "quench",
        "Swarf or scale blocks ring holes: less flow at higher supply pressure, uneven spray.",
        "quench_flow_lpm ↓, quench_pressure_bar ↑",
        "a sector of the circumference unsprayed: on a turning part slightly softer and "
        "shallower (rotation averages it); without rotation a soft axial stripe (SOFT on "
        "deep cases)",
        alarm=AlarmCode.QUENCH_FLOW_LOW,
        acts_when=ActsWhen.SPRAYING,
    ),
    FaultType(
        "polymer_concentration_high",
        4,
        "Polymer concentration high",
        "quench",
        "Evaporation raises PAG concentration.",
        "quench_concentration_pct ↑; no electrical signature",
        "slower quench → lower hardness, shallower case (SOFT/SHALLOW)",
        needs=frozenset({Needs.POLYMER}),
    ),
    FaultType(
        "polymer_concentration_low",
        5,
        "Polymer concentration low",
        "quench",
        "Drag-out and water top-up dilute the PAG.",
        "quench_concentration_pct ↓",
        "harsher quench → full hardness but crack/distortion risk",
        needs=frozenset({Needs.POLYMER}),
    ),
    FaultType(
        "quench_temp_creep",
        6,
        "Quench temperature creep",
        "quench",
        "Heat-exchanger fouling: the tank sheds less heat and warms part after part.",
        "quench_temp_c ↑ over many cycles",
        "longer film boiling → softer parts; tank-hot interlock at the end",
        alarm=AlarmCode.QUENCH_TANK_HOT,
    ),
    FaultType(
        "capacitor_degradation",
        7,
        "Capacitor degradation",
        "power supply",
        "Failed capacitor elements reduce tank capacitance: the resonance detunes upward.",
        "frequency_hz ↑ (≈ ½·ΔC/C: +9 % at full severity), coil_voltage_v ↑, coil_current_a ↓",
        "within the inverter's voltage headroom power is held and the part barely changes (a few "
        "°C hotter, case ≈ 1 % deeper: the higher frequency keeps more heat inside the case); at "
        "the voltage limit (e.g. with a mains sag) power falls short → shallower case (SHALLOW)",
        acts_when=ActsWhen.HEATING,
    ),
    FaultType(
        "inverter_igbt_fault",
        8,
        "Inverter/IGBT fault",
        "power supply",
        "Desaturation or over-current trips the inverter during heating.",
        "power_kw → 0 mid-heat; alarm 301",
        "partial heat → INTERRUPTED / ENERGY_OUT_OF_WINDOW",
        alarm=AlarmCode.INVERTER_FAULT,
        acts_when=ActsWhen.HEATING,
    ),
    FaultType(
        "mains_voltage_sag",
        9,
        "Mains voltage sag",
        "power supply",
        "Supply voltage drops: the DC bus sags and the inverter reaches its voltage limit.",
        "dc_bus_v ↓, power_kw below setpoint at the voltage limit",
        "less energy per part → shallower case, ENERGY_OUT_OF_WINDOW",
    ),
    FaultType(
        "coil_crack_leak",
        10,
        "Coil crack / leak",
        "coil cooling",
        "Fatigue crack in the copper: water escapes onto the part and the machine earth.",
        "coil_water_flow_lpm ↓ (return flow), ground_leakage_ma ↑",
        "earth leakage trips the ground-fault interlock at high severity → INTERRUPTED",
        alarm=AlarmCode.GROUND_FAULT,
    ),
    FaultType(
        "part_misseated",
        11,
        "Part mis-seated / eccentric",
        "handling",
        "Part off-centre in the coil: larger and uneven gap.",
        "near-normal electrics (hard to see); at contact ground_leakage_ma ↑ while heating",
        "without rotation (or few turns per heat) the wide side sees a larger gap → shallower, "
        "lop-sided case (SHALLOW); a turning spindle averages it out; off-centre by the gap or "
        "more the part touches the coil → arcing to earth → INTERRUPTED",
        alarm=AlarmCode.GROUND_FAULT,
        acts_when=ActsWhen.HEATING,
    ),
    FaultType(
        "scan_drive_error",
        12,
        "Scan drive speed error",
        "axis",
        "Servo following error: the scan runs slower than set (stall at full severity).",
        "scan_speed_mm_s ↓, energy_coil_kj ↑, surface_temp_c ↑",
        "more energy per mm → deep case, overheating (DEEP/OVERHEAT); near a stall the soaked "
        "section self-quenches too slowly → SOFT",
        acts_when=ActsWhen.HEATING,
        needs=frozenset({Needs.SCAN}),
    ),
    FaultType(
        "pyrometer_dirty_lens",
        13,
        "Pyrometer dirty lens",
        "sensors",
        "Steam and scale deposits attenuate the pyrometer reading.",
        "surface_temp_c reads low; true temperature unchanged",
        "none (symptom only) — a model must not call parts bad from it",
        sensor_only=True,
    ),
    FaultType(
        "ground_fault",
        14,
        "Ground fault",
        "power supply",
        "Insulation breakdown or conductive coolant: leakage current to earth.",
        "ground_leakage_ma ↑; interlock trip",
        "stop; parts in progress INTERRUPTED",
        alarm=AlarmCode.GROUND_FAULT,
    ),
    FaultType(
        "flow_sensor_stuck",
        15,
        "Coil flow sensor stuck",
        "sensors",
        "The coil-water flow meter freezes at its last value.",
        "coil_water_flow_lpm flat (no noise); true flow unchanged",
        "none (symptom only); hides a real flow loss from the interlock",
        sensor_only=True,
    ),
)

BY_ID: dict[str, FaultType] = {f.id: f for f in CATALOGUE}
assert len({f.bit for f in CATALOGUE}) == len(CATALOGUE), "fault bits must be unique"
BY_BIT: tuple[FaultType, ...] = tuple(sorted(CATALOGUE, key=lambda f: f.bit))
CATALOGUE_MASK = sum(1 << f.bit for f in CATALOGUE)


# Reading the three phase masks (onset, active, recovering) into labels is the telemetry
# contract's job: `machine/sample_schema.py` (fault_labels, fault_phase_codes, MASKS).


@dataclass(frozen=True)
class FaultInstance:
    """One injected fault: what, how strong, how it starts, when, for how long."""

    fault_id: str
    severity: float  # 0–1
    mode: OnsetMode
    onset_s: float  # simulated seconds since the run's start
    duration_s: float | None = None  # None: until cleared
    ramp_s: float = 600.0  # RAMP: time to full severity
    period_s: float = 120.0  # INTERMITTENT: on/off period
    duty: float = 0.5  # INTERMITTENT: fraction of the period that is on
    onset_window_s: float = 30.0  # how long a STEP is labelled "onset"
    recovery_s: float = 60.0  # labelled "recovering" after it ends
    # Conditions (PLC-side triggers). `from_part`: the onset is when part N is loaded (the
    # machine resolves it). `every_nth_heat`: acts only while heating parts N, 2N, 3N, …
    from_part: int | None = None
    every_nth_heat: int | None = None

    @property
    def end_s(self) -> float:
        return np.inf if self.duration_s is None else self.onset_s + self.duration_s

    def gate(
        self, part: NDArray[np.int64] | None, heating: NDArray[np.bool_] | None
    ) -> NDArray[np.bool_] | bool:
        """Where an every-Nth-heat fault acts (True everywhere for other faults)."""
        if self.every_nth_heat is None or part is None or heating is None:
            return True
        return np.asarray(heating & (part > 0) & (part % self.every_nth_heat == 0), dtype=np.bool_)

    def severity_at(
        self,
        t_s: FloatArray,
        part: NDArray[np.int64] | None = None,
        heating: NDArray[np.bool_] | None = None,
    ) -> FloatArray:
        """Effective severity (0–1) at simulated times `t_s`; 0 before onset and after the end."""
        since = t_s - self.onset_s
        inside = (since >= 0) & (t_s < self.end_s) & self.gate(part, heating)
        if self.mode is OnsetMode.RAMP:
            level = self.severity * np.clip(since / self.ramp_s, 0.0, 1.0)
        elif self.mode is OnsetMode.INTERMITTENT:
            on = np.mod(np.maximum(since, 0.0), self.period_s) < self.duty * self.period_s
            level = np.where(on, self.severity, 0.0)
        else:
            level = np.full_like(t_s, self.severity)
        return np.where(inside, level, 0.0)

    def phase_at(
        self,
        t_s: FloatArray,
        part: NDArray[np.int64] | None = None,
        heating: NDArray[np.bool_] | None = None,
    ) -> tuple[NDArray[np.bool_], ...]:
        """Boolean masks (onset, active, recovering) at `t_s`; all False before onset."""
        since = t_s - self.onset_s
        inside = (since >= 0) & (t_s < self.end_s) & self.gate(part, heating)
        window = self.ramp_s if self.mode is OnsetMode.RAMP else self.onset_window_s
        onset = inside & (since < window)
        active = inside & ~onset
        recovering = (t_s >= self.end_s) & (t_s < self.end_s + self.recovery_s)
        return onset, active, recovering


def acts_at(
    fault: FaultType, heating: NDArray[np.bool_], spraying: NDArray[np.bool_]
) -> NDArray[np.bool_]:
    """Samples at which `fault`'s effect can reach a signal or a part (its `acts_when`)."""
    if fault.acts_when is ActsWhen.HEATING:
        return heating
    if fault.acts_when is ActsWhen.SPRAYING:
        return spraying
    return np.ones(heating.shape, dtype=np.bool_)


def effective_severity(
    instance: FaultInstance,
    t_s: FloatArray,
    part: NDArray[np.int64],
    heating: NDArray[np.bool_],
    spraying: NDArray[np.bool_],
    offered: frozenset[Needs],
) -> FloatArray:
    """What the fault does at each sample: its scheduled severity where it can act (mechanism
    on the recipe, machine state, intermittent on, every-Nth heat), 0 elsewhere."""
    fault = BY_ID[instance.fault_id]
    if not fault.can_act_on(offered):
        return np.zeros(t_s.shape)
    level = instance.severity_at(t_s, part, heating)
    return np.where(acts_at(fault, heating, spraying), level, 0.0)
