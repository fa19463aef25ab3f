"""Natural variation: how a healthy line differs from part to part and over the day.

Nothing here is a fault. Every source is a pure function of (seed, part id) or (seed, sample
number), drawn from generators keyed like `sensors.standard_normal`, so a run is bit for bit the
same whatever its chunking, and a shard needs nothing from the one before it. Magnitudes and
their sources: docs/machine.md, "Natural variation".

`Variation` scales four groups (0 turns a group off; `NONE` is the clean teaching machine that
every cycle of which is the same, `REALISTIC` the default):

- part      part-to-part: inverter power regulation, initial part temperature, diameter
            tolerance (→ gap), seating eccentricity (the grade's carbon scatter predates this
            module and stays on in every mode: `heating.CARBON_SCATTER_PCT`)
- process   loader timing and waits (`machine/waits.py`), mains voltage and plant cooling water
            over the day, polymer concentration between top-ups
- sensors   per-instrument calibration, slow drift, coloured noise, sample jitter, the
            pyrometer's measuring range (`machine/instruments.py`)
- nuisance  sensor glitches that may trip an interlock (`machine/glitches.py`)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from induction_sim.machine.auxiliaries import TANK_VOLUME_L
from induction_sim.machine.sensors import standard_normal, uniform

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# Noise streams (see sensors.standard_normal): one per source, never reused.
POWER_MACHINE_STREAM = 7_201  # the inverter's power calibration (one draw per machine)
POWER_PART_STREAM = 7_202  # the power loop's error over one heat
INITIAL_TEMP_STREAM = 7_203
DIAMETER_STREAM = 7_204
SEATING_STREAM = 7_205
MAINS_STREAM = 7_211
PLANT_WATER_STREAM = 7_212
TOP_UP_STREAM = 7_213
EVAPORATION_STREAM = 7_214

# --- part to part -----------------------------------------------------------------------------
# Inverter power regulation: the loop holds its own power measurement to ≈ ±0.5 %, whose
# calibration is off by a constant per machine [E; converter power accuracy 0.5–1 % of reading].
POWER_MACHINE_SD = 0.003
POWER_PART_SD = 0.003
# Parts arrive at shop temperature or warm from turning/washing: 22 °C plus an exponential
# excess of mean 8 K, capped at 60 °C [E].
INITIAL_TEMP_BASE_C = 22.0
INITIAL_TEMP_EXCESS_MEAN_K = 8.0
INITIAL_TEMP_MAX_C = 60.0
# A shaft is induction hardened turned, ground afterwards: diameter tolerance IT9 (0.062 mm at
# 30–50 mm, ISO 286-1), uniform over the band under the nominal; the coil stays, so the radial
# gap grows by half the undersize [E: uniform over the band].
DIAMETER_TOLERANCE_MM = 0.062
# Seating between centres: radial runout ≈ 0.02–0.04 mm TIR, eccentricity e = TIR/2, Rayleigh
# with σ = 0.01 mm [E].
SEATING_SIGMA_MM = 0.01

# --- process ----------------------------------------------------------------------------------
# Mains: a few per cent over the day at an industrial site (EN 50160 allows ±10 %); lowest at
# the midday load peak [E]. Only the DC link sees it: the inverter regulates power with headroom
# down to ≈ −10 % mains (machine.md), so the part does not.
MAINS_DAILY_AMPLITUDE = 0.012
MAINS_MINUTES_SD = 0.003
MAINS_MINUTES_PERIOD_S = 600
# Plant cooling water (cooling tower): follows the wet-bulb temperature, ±2 K over the day,
# warmest mid-afternoon; ±0.3 K over half an hour as the tower's fans cycle [E].
PLANT_WATER_DAILY_AMPLITUDE_K = 2.0
PLANT_WATER_WARMEST_H = 15.0
PLANT_WATER_MINUTES_SD_K = 0.3
PLANT_WATER_MINUTES_PERIOD_S = 1800
# Polymer concentration: water evaporates from the warm, sprayed tank (≈2 l/h from 500 l) and
# drag-out takes solution at the tank's concentration (it lowers the level, not the
# concentration). The operator checks the refractometer and tops up once per shift, back to the
# set point within the reading's ±0.1 % [E].
EVAPORATION_L_PER_H = 2.0
TOP_UP_INTERVAL_S = 8 * 3600
TOP_UP_ERROR_SD_PCT = 0.1


@dataclass(frozen=True)
class Variation:
    """Scales of the four groups of natural variation (1: as documented, 0: off)."""

    part: float = 1.0
    process: float = 1.0
    sensors: float = 1.0
    nuisance: float = 1.0

    @property
    def off(self) -> bool:
        return not (self.part or self.process or self.sensors or self.nuisance)


REALISTIC = Variation()
NONE = Variation(0.0, 0.0, 0.0, 0.0)


def by_part_id(seed: int, stream: int, ids: IntArray, kind: str = "normal") -> FloatArray:
    """Draws keyed by part id (independent of which chunk a part falls in)."""
    if ids.size == 0:
        return np.empty(0)
    lo, hi = int(ids.min()), int(ids.max())
    draw = standard_normal if kind == "normal" else uniform
    return draw(seed, stream, lo, hi - lo + 1)[ids - lo]


@dataclass(frozen=True)
class PartDraws:
    power_factor: FloatArray  # delivered / set coil power
    initial_temp_c: FloatArray
    gap_offset_mm: FloatArray  # added to the recipe's radial gap (an undersize part)
    eccentricity_mm: FloatArray


def part_draws(seed: int, ids: IntArray, scale: float) -> PartDraws:
    """The natural conditions of parts `ids` (all nominal at scale 0)."""
    machine = POWER_MACHINE_SD * float(standard_normal(seed, POWER_MACHINE_STREAM, 0, 1)[0])
    power = 1.0 + scale * (machine + POWER_PART_SD * by_part_id(seed, POWER_PART_STREAM, ids))
    u = by_part_id(seed, INITIAL_TEMP_STREAM, ids, "uniform")
    excess = -INITIAL_TEMP_EXCESS_MEAN_K * np.log1p(-u)
    initial = np.minimum(INITIAL_TEMP_BASE_C + scale * excess, INITIAL_TEMP_MAX_C)
    undersize = DIAMETER_TOLERANCE_MM * by_part_id(seed, DIAMETER_STREAM, ids, "uniform")
    u_seat = by_part_id(seed, SEATING_STREAM, ids, "uniform")
    eccentricity = SEATING_SIGMA_MM * np.sqrt(-2.0 * np.log1p(-u_seat))  # Rayleigh
    return PartDraws(power, initial, scale * 0.5 * undersize, scale * eccentricity)


# --- slow processes: functions of the sample number ----------------------------------------------


def smooth_noise(seed: int, stream: int, seq0: int, n: int, period_s: int) -> FloatArray:
    """Noise correlated over ≈`period_s`: standard normals at knots every `period_s` samples
    (keyed by knot number), linearly interpolated — a pure function of the sample number."""
    first, t, grid = _knot_coordinates(seq0, n, period_s)
    knots = standard_normal(seed, stream, first, grid.shape[0])
    return np.interp(t, grid, knots)


@lru_cache(maxsize=16)
def _knot_coordinates(seq0: int, n: int, period_s: int) -> tuple[int, FloatArray, FloatArray]:
    """Where samples seq0 … fall between the knots: shared by every signal of a chunk."""
    first = seq0 // period_s
    last = (seq0 + n - 1) // period_s + 1
    t = np.arange(seq0, seq0 + n, dtype=np.float64) / period_s - first
    grid = np.arange(last - first + 1, dtype=np.float64)
    t.flags.writeable = False
    grid.flags.writeable = False
    return first, t, grid


def hour_of_day(start_sim: datetime, seq0: int, n: int) -> FloatArray:
    start_h = start_sim.hour + start_sim.minute / 60.0 + start_sim.second / 3600.0
    return (start_h + np.arange(seq0, seq0 + n, dtype=np.float64) / 3600.0) % 24.0


@dataclass(frozen=True)
class ProcessDrift:
    mains_factor: FloatArray  # × DC link voltage
    plant_water_offset_c: FloatArray  # cooling water (tank exchanger and coil loop inlet)
    concentration_offset_pct: FloatArray  # polymer, evaporation since the last top-up


def process_drift(
    seed: int,
    start_sim: datetime,
    seq0: int,
    n: int,
    scale: float,
    set_concentration_pct: float,
) -> ProcessDrift:
    if scale == 0.0:
        zeros = np.zeros(n)
        return ProcessDrift(np.ones(n), zeros, zeros)
    hour = hour_of_day(start_sim, seq0, n)
    # lowest voltage at the 12:00 load peak, highest at night
    mains = 1.0 + scale * (
        MAINS_DAILY_AMPLITUDE * np.cos(2.0 * math.pi * hour / 24.0)
        + MAINS_MINUTES_SD * smooth_noise(seed, MAINS_STREAM, seq0, n, MAINS_MINUTES_PERIOD_S)
    )
    water = scale * (
        PLANT_WATER_DAILY_AMPLITUDE_K
        * np.cos(2.0 * math.pi * (hour - PLANT_WATER_WARMEST_H) / 24.0)
        + PLANT_WATER_MINUTES_SD_K
        * smooth_noise(seed, PLANT_WATER_STREAM, seq0, n, PLANT_WATER_MINUTES_PERIOD_S)
    )
    conc = scale * concentration_drift(seed, seq0, n, set_concentration_pct)
    return ProcessDrift(mains, water, conc)


def _top_up_phase_s(seed: int) -> int:
    return int(uniform(seed, TOP_UP_STREAM, 0, 1)[0] * TOP_UP_INTERVAL_S)


def concentration_drift(seed: int, seq0: int, n: int, set_pct: float) -> FloatArray:
    """Concentration minus set point: a saw-tooth rising by evaporation, reset at each top-up
    to the set point within the refractometer's reading error."""
    seq = np.arange(seq0, seq0 + n, dtype=np.int64)
    phase = _top_up_phase_s(seed)
    k = np.floor_divide(seq - phase, TOP_UP_INTERVAL_S)  # top-up k happened at phase + k·I
    since_s = (seq - phase - k * TOP_UP_INTERVAL_S).astype(np.float64)
    lo = int(k.min()) if n else 0
    span = int(k.max()) - lo + 1 if n else 0
    # top-up numbers may be negative before the first one: offset the keys
    key0 = lo + 1_000_000
    error = TOP_UP_ERROR_SD_PCT * standard_normal(seed, TOP_UP_STREAM, key0, span)[k - lo]
    rate = 1.0 + 0.25 * standard_normal(seed, EVAPORATION_STREAM, key0, span)[k - lo]
    per_s = set_pct * EVAPORATION_L_PER_H / TANK_VOLUME_L / 3600.0 * np.maximum(rate, 0.2)
    return np.asarray(error + per_s * since_s, dtype=np.float64)


def top_ups_in(seed: int, seq0: int, n: int) -> list[int]:
    """Sample numbers of the top-ups in seq0 … seq0+n−1."""
    phase = _top_up_phase_s(seed)
    first = -((phase - seq0) // TOP_UP_INTERVAL_S)  # ceil((seq0 − phase) / I)
    out: list[int] = []
    k = first
    while phase + k * TOP_UP_INTERVAL_S < seq0 + n:
        out.append(phase + k * TOP_UP_INTERVAL_S)
        k += 1
    return out
