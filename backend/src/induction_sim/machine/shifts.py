"""Shifts: the handover that ends each shift, and how long a shard warms up before its own.

A data-factory shard is one shift, generated in parallel with the others, so shift k cannot wait
for shift k−1 to end. Two things make the boundary between them invisible (docs/machine.md,
"Shifts and shard boundaries"):

- **The handover.** The outgoing crew stops loading when one planned cycle plus `HANDOVER_S` is
  left, so the last part ends its cycle (and gets its verdict) before the shift ends; the
  machine then stands STOPPED. The next shift therefore starts from a known cycle state.
- **The warm-up.** The slow states (`Memory`: tank, coil-water outlet, inverter heat sink …)
  are what `WARM_UP_S` of the previous shift's machine time leave, simulated without being
  written. They forget where they started within a few time constants, so the warm-up ends where
  the previous shard ended to within normal variation.

A new slow state either is a function of absolute time and the seed (needs nothing at a boundary:
the right choice for anything slower than the warm-up, e.g. a daily plant-water cycle or polymer
top-ups), or lives in `Memory` (carried whole to the next shift) with its time constant in
`SLOW_TIME_CONSTANTS_S`, from which the warm-up's length follows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from induction_sim.machine import auxiliaries as aux
from induction_sim.machine.recipe import Recipe
from induction_sim.machine.sequence import recipe_cycle_steps

# The machine stands still for at least this long at a shift change: the crews' walk-round and
# handover notes [E: 5 min]. It must also cover an alarm in the last cycle — acknowledged after
# 45 s, reset 20 s later, the part unloaded in 5 s (scenario defaults) — so that a transient
# alarm is over before the shift ends, and it is 3 heat-sink time constants, so the inverter has
# settled when the next crew starts.
HANDOVER_S = 300

# Time constants of the states `Memory` carries, s (nominal conditions). The tank's is its heat
# capacity over its exchanger's UA (auxiliaries.py: ≈ 1,110 s).
SLOW_TIME_CONSTANTS_S: dict[str, float] = {
    "quench tank": aux.TANK_HEAT_CAPACITY_J_K / aux.TANK_HX_UA_W_K,
    "inverter heat sink": aux.HEATSINK_TAU_S,
    "coil water outlet": aux.COIL_WATER_TAU_S,
}
# After 5 time constants a first-order state keeps e⁻⁵ ≈ 0.7 % of its starting error: the warm-up
# starts at the fresh machine's values (tank at this hour's equilibrium, `Machine._settle_tank`;
# inverter at the water inlet), a kelvin or so from the running tank, so hundredths of a kelvin
# remain — under the tank's own change from one second to the next at rest (tested).
WARM_UP_TIME_CONSTANTS = 5.0
WARM_UP_S = math.ceil(WARM_UP_TIME_CONSTANTS * max(SLOW_TIME_CONSTANTS_S.values()))


@dataclass(frozen=True)
class Handover:
    """The end of a shift: loading stops at `stop_loading_seq`; `end_seq` is the first sample of
    the next shift. A part still in the machine at the shift's last second (an alarm held it) is
    taken out and judged interrupted, so no part crosses a shift boundary."""

    stop_loading_seq: int
    end_seq: int


def planned_cycle_s(recipe: Recipe) -> int:
    """One part's cycle as planned, s: loading to the end of the idle second."""
    return sum(s.duration_s for s in recipe_cycle_steps(recipe))


def handover(recipe: Recipe, end_seq: int) -> Handover:
    """The handover of a shift that runs `recipe` and ends before sample `end_seq`."""
    return Handover(end_seq - HANDOVER_S - planned_cycle_s(recipe), end_seq)
