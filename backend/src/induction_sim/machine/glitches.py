"""Nuisance glitches: a healthy instrument misreads for a few seconds.

An air bubble or a fleck of debris passes the coil-water flow meter (it reads low), or a switching
transient and condensation at a connection show on the earth-leakage monitor (it reads high).
A glitch of at least the interlock's debounce (2 s) trips it; the operator finds nothing,
acknowledges and resets. So an alarm code is not always a fault: each glitch is reported as a
`sensor_glitch` event (the ground truth an ML user can filter on), and the true coil-water
flow (`coil_water_flow_true_lpm`) stays at its value.

Glitches start at sample s with probability rate/3600, drawn per sample number (any chunking
gives the same glitches); they last 1–4 s, uniformly. Rates: docs/machine.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from induction_sim.machine.sensors import uniform

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

MAX_GLITCH_S = 4


@dataclass(frozen=True)
class GlitchKind:
    signal: str
    stream: int
    rate_per_h: float  # at scale 1
    factor: float  # measured × factor while it lasts
    add: float  # then + add (signal unit)
    text: str


GLITCHES: tuple[GlitchKind, ...] = (
    # the meter reads ≈ 45 % low: under the 70 % interlock limit [E]
    GlitchKind("coil_water_flow_lpm", 7_241, 0.04, 0.45, 0.0, "coil-water flow meter glitch"),
    # a transient of 40 mA over the 30 mA limit [E]
    GlitchKind("ground_leakage_ma", 7_242, 0.02, 1.0, 40.0, "earth-leakage monitor transient"),
)


@dataclass(frozen=True)
class Glitch:
    seq: int
    kind: GlitchKind
    seconds: int


def glitches(seed: int, seq0: int, n: int, scale: float) -> list[Glitch]:
    """Every glitch that covers a sample of seq0 … seq0+n−1 (some may start before seq0)."""
    if scale == 0.0:
        return []
    lo = max(seq0 - MAX_GLITCH_S + 1, 0)
    found: list[Glitch] = []
    for kind in GLITCHES:
        draw = uniform(seed, kind.stream, lo, seq0 + n - lo)
        starts = np.flatnonzero(draw < scale * kind.rate_per_h / 3600.0)
        for k in starts.tolist():
            # the same draw, rescaled, is uniform below the threshold: it sets the length
            fraction = float(draw[k]) / (scale * kind.rate_per_h / 3600.0)
            seconds = 1 + min(int(fraction * MAX_GLITCH_S), MAX_GLITCH_S - 1)
            if lo + k + seconds > seq0:
                found.append(Glitch(lo + k, kind, seconds))
    return found


def apply_glitches(
    measured: dict[str, FloatArray], found: list[Glitch], seq0: int, resolution: dict[str, float]
) -> None:
    """Misread the measured values in place while each glitch lasts."""
    for g in found:
        values = measured[g.kind.signal]
        a, b = max(g.seq - seq0, 0), min(g.seq + g.seconds - seq0, values.shape[0])
        step = resolution[g.kind.signal]
        values[a:b] = np.round((values[a:b] * g.kind.factor + g.kind.add) / step) * step
