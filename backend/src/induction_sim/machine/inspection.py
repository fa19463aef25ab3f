"""Quality as the plant measures it: a sampled inspection plan, a Rockwell C tester and a
microhardness traverse on a sectioned part (see docs/machine.md, "Quality verdicts").

The physics gives each part its true surface hardness and effective case depth (ECD). A plant
knows neither: it tests the surface hardness of some parts (Rockwell C, with the tester's scatter
and display resolution) and sections far fewer to measure the case depth (a Vickers traverse,
with the scatter of each indentation, the accuracy of its distance from the surface and the
interpolation between indentations). Which parts are inspected is the scenario's
:class:`InspectionPlan`.

Every random number is keyed by (seed, stream, part id), never by the order in which parts are
finished, so a run gives the same readings in one chunk or one sample at a time. A part that is
not inspected costs one modulo (and a cached uniform draw when the plan samples at a rate).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from induction_sim.machine.sensors import standard_normal, uniform
from induction_sim.physics.metallurgy import SAE_J423_LIMIT_HV
from induction_sim.textfields import Integer, Number

FloatArray = NDArray[np.float64]

# Random streams (see sensors.standard_normal for the scheme; other streams: heating 7001,
# schedule 9001, scenario 9101, sensors 0…, 1000…).
HRC_STREAM = 7_101  # Rockwell reading of a part
HARDNESS_PICK_STREAM = 7_102  # whether a part is drawn for a hardness test (sample rate)
SECTION_PICK_STREAM = 7_103  # whether a part is drawn for sectioning (sample rate)
TRAVERSE_STREAM = 7_104  # the indentations of a sectioned part's traverse

# Rockwell C reproducibility standard deviation S_R [HRC] at three hardness levels: ASTM E18-19,
# Table 4 (precision and bias study on test blocks, 2000 data): 25 HRC 0.440, 45 HRC 0.259,
# 65 HRC 0.389 (repeatability S_r 0.335, 0.156, 0.153). Interpolated linearly in hardness.
E18_HRC = np.array([25.0, 45.0, 65.0])
E18_REPRODUCIBILITY_SD_HRC = np.array([0.440, 0.259, 0.389])

# Vickers diagonal: HV = 1.8544 F / d² (F in kgf, d in mm) [ISO 6507-1, ASTM E384].
VICKERS_CONSTANT = 1.8544
# Between-laboratory standard deviation of a ferrous Vickers diagonal, S_R = a + b·d (d and S_R
# in µm): ASTM E384-22, Table X1.3, a = 0.31, b = 0.004.
E384_SR_A_UM = 0.31
E384_SR_B = 0.004


class InspectionPlan(BaseModel):
    """Which parts the plant inspects and how (defaults: see docs/machine.md, "Quality
    verdicts"). A part is tested when its id is a multiple of ``*_every_n_parts`` or when a draw
    keyed by its id falls below ``*_sample_rate``; a sectioned part is also hardness-tested."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hardness_every_n_parts: Integer = Field(
        default=10, ge=0, le=1_000_000, description="surface HRC on parts N, 2N, … (0: none)"
    )
    hardness_sample_rate: Number = Field(
        default=0.0, ge=0.0, le=1.0, description="and on this random fraction of the parts"
    )
    section_every_n_parts: Integer = Field(
        default=250,
        ge=0,
        le=1_000_000,
        description="case depth (sectioned, microhardness traverse) on parts N, 2N, … (0: none)",
    )
    section_sample_rate: Number = Field(
        default=0.0, ge=0.0, le=1.0, description="and on this random fraction of the parts"
    )
    hrc_resolution: Number = Field(
        default=0.1, ge=0.01, le=1.0, description="Rockwell display resolution (dial: 0.5)"
    )
    hrc_part_sd: Number = Field(
        default=0.3,
        ge=0.0,
        le=5.0,
        description="scatter of a production part beyond the test-block precision [E]",
    )
    traverse_step_mm: Number = Field(
        default=0.1, ge=0.02, le=0.5, description="depth increment of the traverse"
    )
    traverse_first_mm: Number = Field(
        default=0.15, ge=0.02, le=1.0, description="depth of the first indentation"
    )
    vickers_load_kgf: Number = Field(default=1.0, ge=0.1, le=10.0, description="HV1 by default")
    position_error_mm: Number = Field(
        default=0.025, ge=0.0, le=0.2, description="each depth within ± this (uniform)"
    )
    vickers_local_cv: Number = Field(
        default=0.02,
        ge=0.0,
        le=0.2,
        description="local scatter of one indentation (microstructure), fraction of HV [E]",
    )
    ecd_resolution_mm: Number = Field(default=0.01, ge=0.001, le=0.1)


DEFAULT_PLAN = InspectionPlan()


@dataclass(frozen=True)
class Inspection:
    """What QA measured on one part: NaN where it did not measure."""

    hardness_inspected: bool
    surface_hrc_measured: float
    case_depth_inspected: bool
    case_depth_measured_mm: float


NOT_INSPECTED = Inspection(False, float("nan"), False, float("nan"))


def rockwell_sd_hrc(hrc: FloatArray | float, part_sd_hrc: float) -> FloatArray:
    """Standard deviation of one Rockwell C reading of a part: E18 reproducibility at its
    hardness and the part's own term, in quadrature."""
    sd = np.interp(hrc, E18_HRC, E18_REPRODUCIBILITY_SD_HRC)
    return np.asarray(np.hypot(sd, part_sd_hrc), dtype=np.float64)


def rockwell_reading(
    true_hrc: FloatArray | float, z: FloatArray | float, plan: InspectionPlan
) -> FloatArray:
    """Readings for standard normals ``z``: true + σ·z, shown to the tester's resolution."""
    true = np.asarray(true_hrc, dtype=np.float64)
    raw = true + rockwell_sd_hrc(true, plan.hrc_part_sd) * np.asarray(z)
    step = plan.hrc_resolution
    return np.asarray(np.round(raw / step) * step, dtype=np.float64)


def vickers_sd_hv(hv: FloatArray, plan: InspectionPlan) -> FloatArray:
    """Standard deviation of one Vickers indentation at hardness ``hv``: the diagonal's
    between-laboratory scatter (HV ∝ d⁻², so σ_HV/HV = 2 σ_d/d) and the local term."""
    d_um = 1000.0 * np.sqrt(VICKERS_CONSTANT * plan.vickers_load_kgf / np.maximum(hv, 1.0))
    relative = 2.0 * (E384_SR_A_UM + E384_SR_B * d_um) / d_um
    return np.asarray(hv * np.hypot(relative, plan.vickers_local_cv), dtype=np.float64)


def traverse_case_depth_mm(
    depth_mm: FloatArray,
    hv: FloatArray,
    plan: InspectionPlan,
    normals: FloatArray,
    uniforms: FloatArray,
    limit_hv: float = SAE_J423_LIMIT_HV,
) -> float:
    """ECD read from a traverse of the profile (``depth_mm``, ``hv``): indentations at
    first + k·step, each at a depth off by up to ± position_error_mm and with its Vickers scatter;
    the depth is interpolated linearly between the last indentation above the limit and the first
    below it (0 when the first is already below; the last depth when none is)."""
    n = len(normals)
    nominal = plan.traverse_first_mm + plan.traverse_step_mm * np.arange(n)
    actual = nominal + plan.position_error_mm * (2.0 * uniforms[:n] - 1.0)
    true_hv = np.interp(actual, depth_mm, hv)
    read = true_hv + vickers_sd_hv(true_hv, plan) * normals
    below = read < limit_hv
    if not below.any():
        return _round(float(nominal[-1]), plan.ecd_resolution_mm)
    k = int(np.argmax(below))
    if k == 0:
        return 0.0
    above, under = float(read[k - 1]), float(read[k])
    x = float(nominal[k - 1]) + (above - limit_hv) / (above - under) * plan.traverse_step_mm
    return _round(x, plan.ecd_resolution_mm)


def traverse_points(depth_mm: FloatArray, plan: InspectionPlan) -> int:
    """Indentations of a traverse down to the deepest point of the profile."""
    span = float(depth_mm[-1]) - plan.traverse_first_mm
    return max(1, int(np.floor(span / plan.traverse_step_mm + 1e-9)) + 1)


def _round(value: float, step: float) -> float:
    return float(np.round(value / step) * step)


def _picked(every_n: int, rate: float, seed: int, stream: int, part_id: int) -> bool:
    if every_n and part_id % every_n == 0:
        return True
    return rate > 0.0 and float(uniform(seed, stream, part_id, 1)[0]) < rate


def inspect(
    plan: InspectionPlan,
    seed: int,
    part_id: int,
    surface_hrc: float,
    depth_mm: FloatArray,
    hv: FloatArray,
    testable: bool = True,
) -> Inspection:
    """What QA measures on part ``part_id`` (true ``surface_hrc`` and hardness profile). A part
    that is not ``testable`` (no part in the coil, or scrapped as interrupted) or has no hardness
    (never heated) is not inspected."""
    if not testable or not math.isfinite(surface_hrc):
        return NOT_INSPECTED
    sectioned = len(hv) > 0 and _picked(
        plan.section_every_n_parts, plan.section_sample_rate, seed, SECTION_PICK_STREAM, part_id
    )
    tested = sectioned or _picked(
        plan.hardness_every_n_parts, plan.hardness_sample_rate, seed, HARDNESS_PICK_STREAM, part_id
    )
    if not tested:
        return NOT_INSPECTED
    z = standard_normal(seed, HRC_STREAM, part_id, 1)[0]
    hrc = float(rockwell_reading(surface_hrc, z, plan))
    if not sectioned:
        return Inspection(True, hrc, False, float("nan"))
    rng = np.random.default_rng([seed, TRAVERSE_STREAM, part_id])
    n = traverse_points(depth_mm, plan)
    normals, uniforms = rng.standard_normal(n), rng.random(n)
    ecd = traverse_case_depth_mm(depth_mm, hv, plan, normals, uniforms)
    return Inspection(True, hrc, True, ecd)
