"""Physics of induction hardening: pure numpy, SI units inside, no I/O, deterministic.

Public entry points (see ``docs/physics.md``):

* :func:`simulate_parts` / :func:`simulate_part` — thermal–electromagnetic–metallurgical
  simulation of a batch of parts / one part → :class:`PartResults` / :class:`PartResult`.
* :func:`build_inputs` — recipe(s) (:class:`ProcessSpec` or anything with ``process_spec()``)
  plus per-part :class:`PartConditions` → :class:`PartInputs` arrays.
* :func:`coil_state_at` — coil electrical state (frequency, current, voltage, power, power
  factor, DC bus) at any time of a part's heat, for 1 Hz telemetry.
"""

from .inputs import PartConditions, PartInputs, ProcessSpec, SupportsProcessSpec, build_inputs
from .part import simulate_part, simulate_parts
from .results import DEPTH_GRID_MM, PartResult, PartResults
from .telemetry import coil_state_at

__all__ = [
    "DEPTH_GRID_MM",
    "PartConditions",
    "PartInputs",
    "PartResult",
    "PartResults",
    "ProcessSpec",
    "SupportsProcessSpec",
    "build_inputs",
    "coil_state_at",
    "simulate_part",
    "simulate_parts",
]
