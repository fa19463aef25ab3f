"""Load-resonant tank circuit and inverter: frequency, coil current/voltage, power factor, DC bus.

Topology (docs/physics.md §5): a current-fed (parallel-resonant) inverter drives a capacitor bank
in parallel with a matching transformer whose secondary feeds the inductor. Everything is referred
to the coil side: the coil branch is Z = Z_c(part) + R_cu + R_lead + jωL_stray, the capacitance is
C (coil-side). The inverter tracks resonance, f0 = 1/(2π√(L C)) with L = Im(Z)/ω [D],
so the frequency follows the load: up when the surface passes Curie (the part's flux term
shrinks), down when the part is missing (flux fills the bore), up by ½·ΔC/C when capacitors fail.

Power control: the inverter holds the coil power set point P = I²·Re(Z) unless the tank voltage
needed exceeds what the DC bus allows; then the power is voltage-limited (the classic "no load"
symptom: voltage at the limit, kW very low).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .electromagnetics import (
    CoilGeometry,
    coil_impedance_ohm,
    copper_resistance_ohm,
    interior_inverse_area,
    thick_load_surface_power,
)

FloatArray = npt.NDArray[np.float64]
ComplexArray = npt.NDArray[np.complex128]
BoolArray = npt.NDArray[np.bool_]

# Six-pulse rectifier on 400 V mains: V_dc = 1.35 × 400 ≈ 540 V (standard rectifier relation).
DC_BUS_MAX_V = 540.0
# Current-source inverter at resonance: V_dc = (2√2/π)·V_tank·cos φ ≈ 0.9·V_tank (square-wave
# current fundamental; standard CSI relation).
CSI_DC_TO_AC = 2.0 * np.sqrt(2.0) / np.pi
# Transformer tap chosen so the nominal recipe needs 75 % of the available tank voltage [E]:
# headroom for ramps and cold/hot load changes.
DESIGN_VOLTAGE_MARGIN = 0.75
# Busbar, flexible leads and transformer leakage referred to the coil side [E]: sets how much the
# coil's own inductance change shows in the frequency (part missing → −10…25 % [D]).
STRAY_INDUCTANCE_H = 25e-9
LEAD_RESISTANCE_OHM = 2.0e-5  # [E] busbar + transformer secondary copper, coil side
INVERTER_EFFICIENCY = 0.95  # [E] IGBT/thyristor + rectifier losses
# Hot, non-magnetic load used to tune the capacitor bank to the recipe frequency: the state the
# surface spends most of the heat in (ρe at ≈ 900 °C, μr 1) [H].
DESIGN_RESISTIVITY_OHM_M = 1.146e-6


@dataclass(frozen=True)
class TankDesign:
    """Fixed tank parameters per part (N,), referred to the coil side."""

    capacitance_f: FloatArray
    turns_ratio: FloatArray
    stray_inductance_h: FloatArray
    lead_resistance_ohm: FloatArray
    dc_bus_max_v: FloatArray


@dataclass(frozen=True)
class TankState:
    """Operating point of the inverter/tank/coil, arrays (N,)."""

    frequency_hz: FloatArray
    coil_current_a: FloatArray
    coil_voltage_v: FloatArray
    power_coil_w: FloatArray
    power_part_w: FloatArray
    power_factor: FloatArray
    efficiency: FloatArray
    dc_bus_v: FloatArray
    dc_current_a: FloatArray
    tank_voltage_v: FloatArray
    voltage_limited: BoolArray
    field_a_m: FloatArray


def design_tank(
    geometry: CoilGeometry,
    frequency_hz: FloatArray,
    power_w: FloatArray,
    tube_load: tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]] | None = None,
) -> TankDesign:
    """Tune C to the recipe frequency and pick the transformer tap for the recipe power.

    Done once per recipe with the part in the coil at the nominal gap, so a missing part, a larger
    gap or lost capacitance later shows as a frequency shift rather than being re-tuned away.
    ``tube_load`` = (P', Q', is_tube): the hot load per (A/m)² of tubes, solved on their grid
    (a wall of the order of δ is no thick load, and the bore's flux adds to Q'); solid parts keep
    the thick-load P' = Q' = 2πR·ρ/δ.
    """
    omega = 2.0 * np.pi * frequency_hz
    rho = np.full_like(frequency_hz, DESIGN_RESISTIVITY_OHM_M)
    p_s = thick_load_surface_power(rho, np.ones_like(rho), omega)
    per_length = 2.0 * np.pi * geometry.part_radius_m * p_s  # thick load: P' = Q'
    active, reactive = per_length, per_length
    if tube_load is not None:
        tube_p, tube_q, is_tube = tube_load
        active = np.where(is_tube, tube_p, per_length)
        reactive = np.where(is_tube, tube_q, per_length)
    present = np.ones_like(geometry.part_present)
    tuned = CoilGeometry(
        part_radius_m=geometry.part_radius_m,
        coil_radius_m=geometry.coil_radius_m,
        coil_height_m=geometry.coil_height_m,
        turns=geometry.turns,
        effective_height_m=geometry.effective_height_m,
        return_term_1_m=geometry.return_term_1_m,
        part_present=present,
    )
    inv_area = interior_inverse_area(tuned, active, reactive, omega)
    z_c, _ = coil_impedance_ohm(tuned, inv_area, omega)
    stray = np.full_like(frequency_hz, STRAY_INDUCTANCE_H)
    lead = np.full_like(frequency_hz, LEAD_RESISTANCE_OHM)
    r_cu = copper_resistance_ohm(
        geometry.coil_radius_m, geometry.coil_height_m, geometry.turns, omega
    )
    z = z_c + r_cu + lead + 1j * omega * stray
    inductance = z.imag / omega
    capacitance = 1.0 / (omega**2 * inductance)
    current = np.sqrt(power_w / z.real)
    coil_v = current * np.abs(z)
    tank_v_max = DC_BUS_MAX_V / CSI_DC_TO_AC
    turns_ratio = DESIGN_VOLTAGE_MARGIN * tank_v_max / coil_v
    return TankDesign(
        capacitance_f=capacitance,
        turns_ratio=turns_ratio,
        stray_inductance_h=stray,
        lead_resistance_ohm=lead,
        dc_bus_max_v=np.full_like(frequency_hz, DC_BUS_MAX_V),
    )


def _solve_point(
    geometry: CoilGeometry,
    inverse_area_m2: ComplexArray,
    omega_rad_s: FloatArray,
    design: TankDesign,
    power_set_w: FloatArray,
    capacitance_factor: FloatArray,
    mains_factor: FloatArray,
) -> tuple[ComplexArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, BoolArray]:
    """Shared core: (Z_c, H_s per amp, R_total, X_total, f0, coil current, voltage-limited)."""
    z_c, field_per_amp = coil_impedance_ohm(geometry, inverse_area_m2, omega_rad_s)
    r_cu = copper_resistance_ohm(
        geometry.coil_radius_m, geometry.coil_height_m, geometry.turns, omega_rad_s
    )
    r_total = z_c.real + r_cu + design.lead_resistance_ohm
    x_total = z_c.imag + omega_rad_s * design.stray_inductance_h
    lc = x_total / omega_rad_s * design.capacitance_f * capacitance_factor
    frequency = 1.0 / (2.0 * np.pi * np.sqrt(lc))
    z_abs = np.sqrt(r_total * r_total + x_total * x_total)
    current = np.sqrt(np.maximum(power_set_w, 0.0) / r_total)
    # Tank voltage needed for that current vs what the (possibly sagging) DC bus can give.
    current_max = design.dc_bus_max_v * mains_factor / (CSI_DC_TO_AC * design.turns_ratio * z_abs)
    limited = current > current_max
    current = np.minimum(current, current_max)
    return z_c, field_per_amp, r_total, x_total, frequency, current, limited


def drive(
    geometry: CoilGeometry,
    inverse_area_m2: ComplexArray,
    omega_rad_s: FloatArray,
    design: TankDesign,
    power_set_w: FloatArray,
    capacitance_factor: FloatArray,
    mains_factor: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray]:
    """What the time loop needs: (resonant frequency Hz, surface field A/m, coil power W,
    voltage-limited). :func:`operating_point` gives the full state from the same numbers."""
    _, per_amp, r_total, _, frequency, current, limited = _solve_point(
        geometry,
        inverse_area_m2,
        omega_rad_s,
        design,
        power_set_w,
        capacitance_factor,
        mains_factor,
    )
    return frequency, current * per_amp, current * current * r_total, limited


def operating_point(
    geometry: CoilGeometry,
    inverse_area_m2: ComplexArray,
    omega_rad_s: FloatArray,
    design: TankDesign,
    power_set_w: FloatArray,
    capacitance_factor: FloatArray,
    mains_factor: FloatArray,
) -> TankState:
    """Electrical state for a load state (1/Â of the bore) at the operating frequency.

    Elementwise: any broadcastable shapes work, e.g. (N, 1) parameters with (N, K) histories.
    """
    z_c, per_amp, r_total, x_total, frequency, current, limited = _solve_point(
        geometry,
        inverse_area_m2,
        omega_rad_s,
        design,
        power_set_w,
        capacitance_factor,
        mains_factor,
    )
    z_abs = np.sqrt(r_total * r_total + x_total * x_total)
    tank_v = design.turns_ratio * current * z_abs
    power_coil = current * current * r_total
    dc_bus = CSI_DC_TO_AC * tank_v
    dc_current = np.where(
        power_coil > 0.0, power_coil / INVERTER_EFFICIENCY / np.maximum(dc_bus, 1e-9), 0.0
    )
    return TankState(
        frequency_hz=frequency,
        coil_current_a=current,
        coil_voltage_v=current * z_abs,
        power_coil_w=power_coil,
        power_part_w=current * current * z_c.real,
        power_factor=r_total / z_abs,
        efficiency=z_c.real / r_total,
        dc_bus_v=dc_bus,
        dc_current_a=dc_current,
        tank_voltage_v=tank_v,
        voltage_limited=limited,
        field_a_m=current * per_amp,
    )


def as_columns(design: TankDesign) -> TankDesign:
    """The same design with (N, 1) arrays, to broadcast against (N, K) histories."""
    return TankDesign(**{k: v[:, None] for k, v in vars(design).items()})
