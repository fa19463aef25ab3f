"""Auxiliary systems around the coil: cooling water, quench circuit, inverter — true values.

Pure functions over a chunk of 1 Hz samples. Slow states (tank temperature, water outlet lag,
heat-sink temperature) are first-order systems stepped by `lag`, an exact sequential recurrence,
so a run gives the same numbers whether it is generated in one chunk or one sample at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

WATER_CP_J_KGK = 4180.0  # specific heat of water near 30 °C [Incropera, Table A.6]
WATER_KG_PER_L = 0.996  # density of water near 30 °C [Incropera, Table A.6]
DT_S = 1.0  # sample period


def lag(target: FloatArray, tau_s: FloatArray | float, y0: float) -> FloatArray:
    """First-order lag y' = (target − y)/τ, exact for a target held over each 1 s step.

    Sequential on purpose (bit-identical under any chunking); ≈0.1 µs per sample.
    """
    a = np.exp(-DT_S / np.broadcast_to(np.asarray(tau_s, dtype=np.float64), target.shape))
    b = (1.0 - a) * target
    out: list[float] = []
    append, y = out.append, y0
    for a_k, b_k in zip(a.tolist(), b.tolist(), strict=True):  # a plain loop: no call per step
        y = a_k * y + b_k
        append(y)
    return np.asarray(out, dtype=np.float64)


# --- coil cooling water (closed loop) --------------------------------------------------------
# Nominal 20 l/min, inlet 28 °C, ΔT 6–9 K at ≈9 kW coil loss [D/E, docs/physics.md §12.1].
COIL_WATER_NOMINAL_LPM = 20.0
COIL_WATER_INLET_C = 28.0
COIL_WATER_TAU_S = 4.0  # transport + copper thermal lag of a single-turn coil [E]
COIL_WATER_MIN_LPM = 0.3  # a trickle remains even with a closed valve [E]


@dataclass(frozen=True)
class CoilWater:
    flow_lpm: FloatArray
    in_c: FloatArray
    out_c: FloatArray


def coil_water(
    coil_loss_w: FloatArray,
    flow_factor: FloatArray,
    inlet_offset_c: FloatArray,
    leak: FloatArray,
    out_c0: float,
) -> CoilWater:
    """Energy balance ΔT = P_loss / (ṁ c_w), outlet lagging behind it; a leak loses return flow."""
    supply_lpm = COIL_WATER_NOMINAL_LPM * flow_factor
    return_lpm = supply_lpm * (1.0 - 0.25 * leak)
    in_c = COIL_WATER_INLET_C + inlet_offset_c
    mass_kg_s = np.maximum(supply_lpm, COIL_WATER_MIN_LPM) * WATER_KG_PER_L / 60.0
    steady_out_c = np.minimum(in_c + coil_loss_w / (mass_kg_s * WATER_CP_J_KGK), 100.0)
    return CoilWater(return_lpm, in_c, lag(steady_out_c, COIL_WATER_TAU_S, out_c0))


# --- quench circuit --------------------------------------------------------------------------
# Pump curve H = H0·w² − a·q² against a system curve H = R·q²; with a = R0 the shut-off head is
# twice the nominal pressure (a typical centrifugal pump curve, [E]). Clogged nozzles raise R.
QUENCH_PRESSURE_NOMINAL_BAR = 2.0  # reference case [docs/physics.md §12.1]
TANK_VOLUME_L = 500.0  # induction quench tanks ≈ 400–750 l [GS-contam]
TANK_HEAT_CAPACITY_J_K = TANK_VOLUME_L * WATER_KG_PER_L * 3900.0  # PAG solution cp ≈ 3.9 kJ/kgK [E]
TANK_HX_UA_W_K = 1750.0  # sized to hold ≈ +8 K over plant water at ≈14 kW mean duty [D]


@dataclass(frozen=True)
class QuenchFlow:
    flow_lpm: FloatArray
    pressure_bar: FloatArray
    flow_factor: FloatArray  # actual / set, seen by the part's quench HTC


def quench_flow(
    set_lpm: float, valve_open: BoolArray, pump_factor: FloatArray, clog: FloatArray
) -> QuenchFlow:
    resistance = 1.0 + 3.0 * clog  # system resistance / nominal
    ratio = pump_factor * np.sqrt(2.0 / (1.0 + resistance))
    flow = np.where(valve_open, set_lpm * ratio, 0.0)
    pressure = np.where(valve_open, QUENCH_PRESSURE_NOMINAL_BAR * resistance * ratio**2, 0.0)
    # the uneven spray is the part physics' coverage model (`blocked_hole_fraction`)
    return QuenchFlow(flow, pressure, ratio)


def blocked_hole_fraction(clog: FloatArray) -> FloatArray:
    """Share of the ring's hole area blocked at clog severity `clog`.

    The ring's holes are the system resistance that clogging raises (`quench_flow`: 1 + 3·clog);
    an orifice's resistance goes as 1/area², so the open area is 1/√(1 + 3·clog) of nominal:
    37 % blocked at severity 0.5, 50 % at 1 [D]. Debris gathers in one sector of the ring (where
    the flow is slowest) [E]: the part physics takes it as one blocked sector.
    """
    return np.asarray(1.0 - 1.0 / np.sqrt(1.0 + 3.0 * np.maximum(clog, 0.0)), dtype=np.float64)


def tank_temperature(
    heat_in_w: FloatArray, hx_factor: FloatArray, plant_water_c: FloatArray | float, t0_c: float
) -> FloatArray:
    """C dT/dt = Q_in − UA·h·(T − T_cw): a fouled exchanger (h < 1) lets the tank creep up."""
    ua = TANK_HX_UA_W_K * np.maximum(hx_factor, 0.02)
    tau = TANK_HEAT_CAPACITY_J_K / ua
    return lag(plant_water_c + heat_in_w / ua, tau, t0_c)


def plant_water_for(setpoint_c: float, mean_duty_w: float) -> float:
    """Cooling-water temperature that holds the tank at its set point at the nominal duty."""
    return setpoint_c - mean_duty_w / TANK_HX_UA_W_K


# --- inverter --------------------------------------------------------------------------------
# 400 V three-phase through a diode bridge: DC link ≈ 1.35 × 400 V = 540 V [standard rectifier].
DC_BUS_NOMINAL_V = 540.0
DC_BUS_DROOP = 0.03  # at rated power, through the mains impedance [E]
INVERTER_RATED_W = 100_000.0  # reference case [docs/physics.md §12.1]
INVERTER_LOSS_FRACTION = 0.025  # IGBT inverter efficiency ≈ 97–98 % [E]
HEATSINK_K_PER_W = 0.02  # water-cooled IGBT heat sink, junction side [E]
HEATSINK_TAU_S = 90.0  # [E]


def dc_bus(power_w: FloatArray, mains_factor: FloatArray) -> FloatArray:
    return DC_BUS_NOMINAL_V * mains_factor * (1.0 - DC_BUS_DROOP * power_w / INVERTER_RATED_W)


def inverter_temperature(power_w: FloatArray, water_in_c: FloatArray, t0_c: float) -> FloatArray:
    steady = water_in_c + HEATSINK_K_PER_W * INVERTER_LOSS_FRACTION * power_w
    return lag(steady, HEATSINK_TAU_S, t0_c)


# --- earth leakage ---------------------------------------------------------------------------
# Capacitive leakage of a healthy coil circuit is a few mA; trip at 30 mA [hy-ind: 20 mA limit, E].
LEAKAGE_IDLE_MA = 0.6
LEAKAGE_HEATING_MA = 2.5
GROUND_FAULT_MA = 60.0  # at severity 1
COIL_LEAK_MA = 35.0  # water on the coil at severity 1 (conductive coolant) [E]


def earth_leakage(heating: BoolArray, ground: FloatArray, leak: FloatArray) -> FloatArray:
    base = np.where(heating, LEAKAGE_HEATING_MA, LEAKAGE_IDLE_MA)
    return base + GROUND_FAULT_MA * ground + COIL_LEAK_MA * leak
