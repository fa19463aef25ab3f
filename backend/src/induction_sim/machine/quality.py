"""Per-part quality verdict: OK or NOK with reasons, against the recipe's quality window.

Reasons (several can apply to one part):

  SOFT                  surface hardness below surface_hrc_min
  HARD                  surface hardness above surface_hrc_max
  SHALLOW               effective case depth (SAE J423, 50 HRC) below case_depth_min_mm
  DEEP                  effective case depth above case_depth_max_mm
  OVERHEAT              peak surface temperature above peak_temp_max_c (grain growth, liquation,
                        crack risk; ≈ 1100–1150 °C [Doyon2019])
  MELT                  the peak passed the solidus somewhere (melted_depth_mm > 0): scrap, a
                        crack and liquation risk (docs/physics.md §3)
  ENERGY_OUT_OF_WINDOW  energy delivered to the coil outside nominal ± energy_tolerance_pct
                        (the QA energy monitor [TP-QA], docs/physics.md §12.1)
  INTERRUPTED           the heat was stopped before completion (inverter trip, alarm)
  NO_PART               the coil was empty (nothing was hardened)

Two verdicts per part (docs/machine.md, "Quality verdicts"):

  true verdict   (`evaluate`) the physics' true surface hardness and case depth against the
                 window: the ground-truth label.
  plant verdict  (`evaluate_plant`, from the true one) what the plant decides from what it measured
                 (`machine/inspection.py`): SOFT/HARD on the Rockwell reading of a tested part,
                 SHALLOW/DEEP on the traverse of a sectioned part; a part not inspected passes on
                 the process monitors alone (OVERHEAT, MELT, ENERGY_OUT_OF_WINDOW,
                 INTERRUPTED, NO_PART, which every part gets). Near the limits the two differ
                 both ways, and a bad part that was not inspected ships as OK.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from induction_sim.machine.inspection import Inspection
from induction_sim.machine.recipe import Recipe
from induction_sim.physics.results import PartResult, PartResults

BoolArray = npt.NDArray[np.bool_]


class Reason(StrEnum):
    SOFT = "SOFT"
    HARD = "HARD"
    SHALLOW = "SHALLOW"
    DEEP = "DEEP"
    OVERHEAT = "OVERHEAT"
    MELT = "MELT"
    ENERGY_OUT_OF_WINDOW = "ENERGY_OUT_OF_WINDOW"
    INTERRUPTED = "INTERRUPTED"
    NO_PART = "NO_PART"


OK = "OK"
NOK = "NOK"


@dataclass(frozen=True)
class QualityVerdict:
    verdict: str  # "OK" | "NOK"
    reasons: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.verdict == OK


def quality_flags(
    recipe: Recipe, results: PartResults, interrupted: BoolArray | None = None
) -> dict[Reason, BoolArray]:
    """Vectorised: one boolean array (N,) per reason. ``interrupted`` overrides the physics flag
    (the machine may also interrupt a part after its heat, e.g. during the quench)."""
    low, high = recipe.energy_window_kj
    stopped = results.interrupted if interrupted is None else (results.interrupted | interrupted)
    return {
        Reason.SOFT: results.surface_hrc < recipe.surface_hrc_min,
        Reason.HARD: results.surface_hrc > recipe.surface_hrc_max,
        Reason.SHALLOW: results.case_depth_mm < recipe.case_depth_min_mm,
        Reason.DEEP: results.case_depth_mm > recipe.case_depth_max_mm,
        Reason.OVERHEAT: results.peak_surface_temp_c > recipe.peak_temp_max_c,
        Reason.MELT: results.melted_depth_mm > 0.0,
        Reason.ENERGY_OUT_OF_WINDOW: (results.energy_coil_kj < low)
        | (results.energy_coil_kj > high),
        Reason.INTERRUPTED: np.asarray(stopped, dtype=np.bool_),
        Reason.NO_PART: ~results.part_present,
    }


def judge_parts(
    recipe: Recipe, results: PartResults, interrupted: BoolArray | None = None
) -> list[QualityVerdict]:
    """A verdict per part of a batch, reasons in the order of :class:`Reason`."""
    flags = quality_flags(recipe, results, interrupted)
    verdicts: list[QualityVerdict] = []
    for i in range(results.size):
        reasons = tuple(str(reason) for reason, flag in flags.items() if bool(flag[i]))
        verdicts.append(QualityVerdict(NOK if reasons else OK, reasons))
    return verdicts


def evaluate(recipe: Recipe, result: PartResult, interrupted: bool = False) -> QualityVerdict:
    """True verdict for one part. ``interrupted`` adds INTERRUPTED even if the heat finished."""
    low, high = recipe.energy_window_kj
    checks = (
        (Reason.SOFT, result.surface_hrc < recipe.surface_hrc_min),
        (Reason.HARD, result.surface_hrc > recipe.surface_hrc_max),
        (Reason.SHALLOW, result.case_depth_mm < recipe.case_depth_min_mm),
        (Reason.DEEP, result.case_depth_mm > recipe.case_depth_max_mm),
        (Reason.OVERHEAT, result.peak_surface_temp_c > recipe.peak_temp_max_c),
        (Reason.MELT, result.melted_depth_mm > 0.0),
        (Reason.ENERGY_OUT_OF_WINDOW, not low <= result.energy_coil_kj <= high),
        (Reason.INTERRUPTED, interrupted or result.interrupted),
        (Reason.NO_PART, not result.part_present),
    )
    reasons = tuple(str(reason) for reason, failed in checks if failed)
    return QualityVerdict(NOK if reasons else OK, reasons)


_WINDOW_REASONS = frozenset(str(r) for r in (Reason.SOFT, Reason.HARD, Reason.SHALLOW, Reason.DEEP))


def evaluate_plant(recipe: Recipe, true: QualityVerdict, inspection: Inspection) -> QualityVerdict:
    """The plant's verdict for one part from its true verdict (``evaluate``): the window judged
    again on what QA measured (nothing where it did not inspect), the process monitors' reasons
    (the same for both) kept. A part nobody inspected costs a comparison or two."""
    if not (inspection.hardness_inspected or inspection.case_depth_inspected):
        if not true.reasons:
            return true
        window: tuple[str, ...] = ()
    else:
        hrc, depth = inspection.surface_hrc_measured, inspection.case_depth_measured_mm
        checks = (
            (Reason.SOFT, hrc < recipe.surface_hrc_min),
            (Reason.HARD, hrc > recipe.surface_hrc_max),
            (Reason.SHALLOW, depth < recipe.case_depth_min_mm),
            (Reason.DEEP, depth > recipe.case_depth_max_mm),
        )
        window = tuple(str(reason) for reason, failed in checks if failed)
    reasons = window + tuple(r for r in true.reasons if r not in _WINDOW_REASONS)
    return QualityVerdict(NOK if reasons else OK, reasons)
