"""Instruments: true value → measured value (noise, quantisation, range, sensor faults).

The engine keeps both: the true value is what happened, the measured one is what a PLC would log.
Noise is drawn per fixed block of sample numbers from a generator keyed by (seed, signal, block),
so a run gives the same numbers bit for bit whether it is generated in one chunk or one sample at
a time, and adding a signal does not reshuffle the noise of the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from induction_sim.machine.signals import SIGNAL_NAMES

FloatArray = NDArray[np.float64]

NOISE_BLOCK = 4096


@dataclass(frozen=True)
class SensorSpec:
    noise_sd: float  # 1σ, in the signal's unit
    resolution: float  # quantisation step of the transmitter/ADC
    lo: float  # measuring range
    hi: float
    zero_when_off: bool = False  # the inverter reports exact zeros while it is off


# Noise and resolution: typical industrial transmitters (4–20 mA, 12–16 bit) and the
# inverter's own measurements; pyrometer ±0.5 % of reading class [E, docs/physics.md §12.1].
SENSORS: dict[str, SensorSpec] = {
    "power_setpoint_kw": SensorSpec(0.0, 0.1, 0, 500),
    "power_kw": SensorSpec(0.3, 0.1, 0, 500, zero_when_off=True),
    "frequency_hz": SensorSpec(8.0, 1.0, 0, 50_000, zero_when_off=True),
    "coil_current_a": SensorSpec(6.0, 1.0, 0, 20_000, zero_when_off=True),
    "coil_voltage_v": SensorSpec(1.5, 0.5, 0, 2_000, zero_when_off=True),
    "power_factor": SensorSpec(0.002, 0.001, 0, 1, zero_when_off=True),
    "dc_bus_v": SensorSpec(1.5, 0.5, 0, 1_000),
    "inverter_temp_c": SensorSpec(0.2, 0.1, -20, 150),
    "energy_coil_kj": SensorSpec(0.0, 0.1, 0, 100_000),
    "surface_temp_c": SensorSpec(4.0, 1.0, 0, 1_400),  # reads only above ≈ 400 °C in reality
    "scan_position_mm": SensorSpec(0.02, 0.01, -50, 2_000),
    "scan_speed_mm_s": SensorSpec(0.05, 0.01, 0, 200),
    "spindle_rpm": SensorSpec(1.0, 1.0, 0, 1_000),
    "coil_water_flow_lpm": SensorSpec(0.15, 0.1, 0, 100),
    "coil_water_in_c": SensorSpec(0.1, 0.1, 0, 100),
    "coil_water_out_c": SensorSpec(0.1, 0.1, 0, 100),
    "quench_flow_lpm": SensorSpec(0.5, 0.1, 0, 300),
    "quench_pressure_bar": SensorSpec(0.02, 0.01, 0, 10),
    "quench_temp_c": SensorSpec(0.1, 0.1, 0, 100),
    "quench_concentration_pct": SensorSpec(0.05, 0.1, 0, 40),
    "ground_leakage_ma": SensorSpec(0.3, 0.1, 0, 200),
}
assert set(SENSORS) == set(SIGNAL_NAMES), "every signal needs a sensor model"
_STREAM = {name: i for i, name in enumerate(SIGNAL_NAMES)}


class ImpairmentKind(StrEnum):
    BIAS = "bias"  # constant offset
    DRIFT = "drift"  # offset growing linearly: `magnitude` per hour
    STUCK = "stuck"  # holds the value it had at onset
    DROPOUT = "dropout"  # no reading (NaN)
    SPIKES = "spikes"  # short impulses of ±`magnitude`, `rate_per_h` on average


@dataclass(frozen=True)
class Impairment:
    signal: str
    kind: ImpairmentKind
    onset_s: float = 0.0
    duration_s: float | None = None
    magnitude: float = 0.0
    rate_per_h: float = 6.0


@lru_cache(maxsize=512)
def _block(seed: int, stream: int, block: int, kind: str) -> FloatArray:
    """One block of random numbers; cached because the live driver reads it one sample at a time."""
    rng = np.random.default_rng([seed, stream, block])
    values = rng.standard_normal(NOISE_BLOCK) if kind == "normal" else rng.random(NOISE_BLOCK)
    values.flags.writeable = False
    return values


def _draw(seed: int, stream: int, start_seq: int, n: int, kind: str) -> FloatArray:
    if n == 0:
        return np.empty(0)
    first, last = start_seq // NOISE_BLOCK, (start_seq + n - 1) // NOISE_BLOCK
    offset = start_seq - first * NOISE_BLOCK
    if first == last:
        return _block(seed, stream, first, kind)[offset : offset + n]
    blocks = [_block(seed, stream, b, kind) for b in range(first, last + 1)]
    return np.concatenate(blocks)[offset : offset + n]


def standard_normal(seed: int, stream: int, start_seq: int, n: int) -> FloatArray:
    """Standard normals for sample numbers start_seq … start_seq+n−1, independent of chunking."""
    return _draw(seed, stream, start_seq, n, "normal")


def uniform(seed: int, stream: int, start_seq: int, n: int) -> FloatArray:
    """Uniform [0, 1) numbers keyed like `standard_normal` (a separate stream family)."""
    return _draw(seed, 1_000 + stream, start_seq, n, "uniform")


def measure(
    name: str,
    true: FloatArray,
    seed: int,
    start_seq: int,
    impairments: tuple[Impairment, ...] = (),
    stuck_values: dict[str, float] | None = None,
    error: FloatArray | None = None,
) -> FloatArray:
    """Measured value of signal `name` for samples start_seq … (1 s apart). `error`: what the
    instrument adds besides its white noise (calibration, drift, flicker: `instruments`)."""
    spec = SENSORS[name]
    n = true.shape[0]
    t_s = np.arange(start_seq, start_seq + n, dtype=np.float64)
    noise = spec.noise_sd * standard_normal(seed, _STREAM[name], start_seq, n)
    if error is not None:
        noise = noise + error
    value = true + (np.where(true != 0.0, noise, 0.0) if spec.zero_when_off else noise)
    for imp in impairments:
        if imp.signal != name:
            continue
        end = np.inf if imp.duration_s is None else imp.onset_s + imp.duration_s
        on = (t_s >= imp.onset_s) & (t_s < end)
        if imp.kind is ImpairmentKind.BIAS:
            value = np.where(on, value + imp.magnitude, value)
        elif imp.kind is ImpairmentKind.DRIFT:
            value = np.where(on, value + imp.magnitude * (t_s - imp.onset_s) / 3600.0, value)
        elif imp.kind is ImpairmentKind.SPIKES:
            draw = uniform(seed, _STREAM[name], start_seq, n)
            spike = on & (draw < imp.rate_per_h / 3600.0)
            sign = np.where(draw * 7919 % 1 < 0.5, -1.0, 1.0)
            value = np.where(spike, value + sign * imp.magnitude, value)
        elif imp.kind is ImpairmentKind.STUCK:
            held = (stuck_values or {}).get(name, float(true[0]) if n else 0.0)
            value = np.where(on, held, value)
        elif imp.kind is ImpairmentKind.DROPOUT:
            value = np.where(on, np.nan, value)
    quantised = np.round(value / spec.resolution) * spec.resolution
    return np.clip(quantised, spec.lo, spec.hi)  # NaN (dropout) passes through clip
