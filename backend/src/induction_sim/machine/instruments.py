"""Instrument errors beyond white noise: calibration, slow drift, coloured noise, sample jitter,
and the pyrometer's measuring range.

Each instrument of a machine (one seed) has its own calibration — an offset and a gain error,
constant — and a slow drift around it; its noise has a flicker (1/f-like) part besides the white
noise of `sensors.SENSORS`; and the PLC's 1 Hz log samples at a slightly jittered instant, so a
fast-moving signal reads its slope × the jitter. All are pure functions of (seed, sample
number): chunking and shards do not change them. Magnitudes: docs/machine.md, "Natural
variation".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from induction_sim.machine.sensors import SENSORS, standard_normal, uniform
from induction_sim.machine.signals import SIGNAL_NAMES
from induction_sim.machine.variation import smooth_noise

FloatArray = NDArray[np.float64]

CALIBRATION_STREAM = 7_300  # + instrument index: (offset, gain) of the machine's instrument
DRIFT_STREAM = 7_400  # + instrument index
FLICKER_STREAM = 7_500  # + 100·octave + instrument index
JITTER_STREAM = 7_231  # the log's sampling instant (one per sample, all signals)

DRIFT_PERIOD_S = 8 * 3600  # knots of the slow drift: it wanders over a shift [E]
FLICKER_PERIODS_S = (20, 400)  # two octaves of correlated noise: a 1/f-like spectrum [E]
FLICKER_FRACTION = 0.7  # flicker amplitude per octave / white sd [E]
JITTER_S = 0.01  # ±10 ms: a 10 ms PLC task logging at 1 Hz, uniform [E]
# A two-colour pyrometer for hardening measures from ≈ 400 °C; below its range its analogue
# output holds the start of the range (4 mA), which the PLC logs as 400 °C [E, machine.md].
PYROMETER_RANGE_LO_C = 400.0


@dataclass(frozen=True)
class Calibration:
    offset_sd: float = 0.0  # 1σ constant offset, signal unit
    gain_sd: float = 0.0  # 1σ gain error (fraction of reading)
    drift_sd: float = 0.0  # 1σ slow drift, signal unit
    flicker: bool = True  # flicker noise in proportion to the white noise
    jitter: bool = True  # reads slope × sampling jitter


# Per instrument [E; typical classes: Pt100 class A/B with transmitter ±0.2–0.5 K, magnetic and
# vortex flow meters ±0.5–1 % of reading, CTs and power transducers class 0.5, a ratio
# pyrometer ±0.5 % of reading, a pressure transmitter ±0.25 % of 10 bar span].
CALIBRATIONS: dict[str, Calibration] = {
    "power_setpoint_kw": Calibration(flicker=False, jitter=False),  # a number in the PLC
    "power_kw": Calibration(gain_sd=0.005),
    "frequency_hz": Calibration(),  # counted against a quartz clock
    "coil_current_a": Calibration(gain_sd=0.005),
    "coil_voltage_v": Calibration(gain_sd=0.005),
    "power_factor": Calibration(offset_sd=0.002),
    "dc_bus_v": Calibration(gain_sd=0.005),
    "inverter_temp_c": Calibration(offset_sd=0.4, drift_sd=0.1),
    "energy_coil_kj": Calibration(gain_sd=0.005, flicker=False, jitter=False),  # a counter
    "surface_temp_c": Calibration(gain_sd=0.004, drift_sd=1.0),
    "scan_position_mm": Calibration(offset_sd=0.03),
    "scan_speed_mm_s": Calibration(gain_sd=0.001),
    "spindle_rpm": Calibration(gain_sd=0.002),
    "coil_water_flow_lpm": Calibration(gain_sd=0.01, drift_sd=0.05),
    "coil_water_in_c": Calibration(offset_sd=0.25, drift_sd=0.05),
    "coil_water_out_c": Calibration(offset_sd=0.25, drift_sd=0.05),
    "quench_flow_lpm": Calibration(gain_sd=0.01, drift_sd=0.2),
    "quench_pressure_bar": Calibration(offset_sd=0.02, drift_sd=0.005),
    "quench_temp_c": Calibration(offset_sd=0.25, drift_sd=0.05),
    "quench_concentration_pct": Calibration(offset_sd=0.1, drift_sd=0.05),
    "ground_leakage_ma": Calibration(offset_sd=0.2),
}
assert set(CALIBRATIONS) == set(SIGNAL_NAMES), "every signal needs a calibration model"
_INDEX = {name: i for i, name in enumerate(SIGNAL_NAMES)}


class InstrumentErrors:
    """The instrument errors of one chunk (samples seq0 … seq0+n−1)."""

    def __init__(self, seed: int, seq0: int, n: int, scale: float) -> None:
        self.seed, self.seq0, self.n, self.scale = seed, seq0, n, scale
        # the log's sampling instant: one offset per sample, shared by all signals
        self.jitter_s = JITTER_S * (2.0 * uniform(seed, JITTER_STREAM, seq0, n) - 1.0)

    def error(self, name: str, true: FloatArray, previous_true: float | None) -> FloatArray:
        """What instrument `name` adds to the true value besides its white noise.
        `previous_true`: the true value of the sample before seq0 (None: unknown, no slope)."""
        cal = CALIBRATIONS[name]
        i = _INDEX[name]
        seed, seq0, n = self.seed, self.seq0, self.n
        offset_z, gain_z = standard_normal(seed, CALIBRATION_STREAM + i, 0, 2)
        error = cal.offset_sd * float(offset_z) + cal.gain_sd * float(gain_z) * true
        if cal.drift_sd:
            error = error + cal.drift_sd * smooth_noise(
                seed, DRIFT_STREAM + i, seq0, n, DRIFT_PERIOD_S
            )
        white = SENSORS[name].noise_sd
        if cal.flicker and white:
            for octave, period in enumerate(FLICKER_PERIODS_S):
                stream = FLICKER_STREAM + 100 * octave + i
                error = error + FLICKER_FRACTION * white * smooth_noise(
                    seed, stream, seq0, n, period
                )
        if cal.jitter:
            before = np.empty(n)
            before[0] = true[0] if previous_true is None else previous_true
            before[1:] = true[:-1]
            error = error + (true - before) * self.jitter_s
        return np.asarray(self.scale * error, dtype=np.float64)
