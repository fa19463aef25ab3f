"""Waits before a part is loaded: the loader's timing jitter and occasional stops.

One mechanism for every reason the machine stands IDLE between cycles although nothing is
wrong with it: the PLC's cycle planning asks `wait_before_load` when a cycle starts, and the
cycle begins with an IDLE step of that length (`Machine._cycle_steps`). A wait of a named
reason (not the loader's jitter) is reported as a `wait` event. Today's reasons: the loader's
jitter and material not ready; shift handovers and breaks belong here too.

Draws are keyed by the sample at which the cycle starts, so planning a chunk again after a trip,
or in one-sample chunks, finds the same waits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from induction_sim.machine.sensors import uniform

LOADER_STREAM = 7_221
MATERIAL_STREAM = 7_222

# Loader/robot: the next part is presented after a variable handling time, in whole seconds an
# exponential of mean 0.8 s, capped at 6 s (conveyor spacing, gripper retries) [E].
LOADER_JITTER_MEAN_S = 0.8
LOADER_JITTER_MAX_S = 6
# Material not ready (the upstream cell or the feeder runs empty): about once per 200 cycles
# (≈ 2 h at 95 parts/h), lasting a lognormal of median 2 min, 1–15 min [E].
MATERIAL_WAIT_PER_CYCLE = 1.0 / 200.0
MATERIAL_WAIT_MEDIAN_S = 120.0
MATERIAL_WAIT_SIGMA = 0.7
MATERIAL_WAIT_MIN_S = 30
MATERIAL_WAIT_MAX_S = 900
MATERIAL_NOT_READY = "material not ready"


@dataclass(frozen=True)
class Wait:
    seconds: int  # IDLE before loading (0: load at once)
    reason: str | None = None  # None: the loader's ordinary jitter (no event)


def wait_before_load(seed: int, seq: int, scale: float) -> Wait:
    """The wait before the cycle that starts at sample `seq` (scale 0: none)."""
    if scale == 0.0:
        return Wait(0)
    u_loader = float(uniform(seed, LOADER_STREAM, seq, 1)[0])
    u_material = float(uniform(seed, MATERIAL_STREAM, seq, 1)[0])
    jitter = min(int(-scale * LOADER_JITTER_MEAN_S * math.log1p(-u_loader)), LOADER_JITTER_MAX_S)
    if u_material < scale * MATERIAL_WAIT_PER_CYCLE:
        # the same draw, rescaled, sets the wait's length (it is uniform below the threshold)
        z = _normal_from_uniform(u_material / (scale * MATERIAL_WAIT_PER_CYCLE))
        length = MATERIAL_WAIT_MEDIAN_S * math.exp(MATERIAL_WAIT_SIGMA * z)
        seconds = int(min(max(length, MATERIAL_WAIT_MIN_S), MATERIAL_WAIT_MAX_S))
        return Wait(jitter + seconds, MATERIAL_NOT_READY)
    return Wait(jitter)


def _normal_from_uniform(u: float) -> float:
    """Inverse normal CDF by the logistic approximation (|error| < 0.01 σ, enough for a wait)."""
    p = min(max(u, 1e-6), 1.0 - 1e-6)
    return math.log(p / (1.0 - p)) / 1.702
