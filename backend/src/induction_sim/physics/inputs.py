"""Inputs of the part simulation: the process (from a recipe), per-part actual conditions, arrays.

* :class:`ProcessSpec` — what a recipe asks for, in recipe units (mm, kW, l/min, °C, s). The
  machine layer's pydantic ``Recipe`` maps onto it (``Recipe.process_spec()``), so this package
  never imports pydantic.
* :class:`PartConditions` — what actually happened to one part. Every field defaults to nominal.
  Faults set these; they act *through* the physics (a weaker pump lowers the quench HTC, which
  lowers the cooling rate, which lowers hardness), never as offsets on outputs.
* :class:`PartInputs` — the batch as SI arrays of shape (N,), built by :func:`build_inputs`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Protocol

import numpy as np
import numpy.typing as npt

from .electromagnetics import FRINGE_GAPS
from .materials import PRIOR_STRUCTURES, resolve_grade
from .metallurgy import ISO_18203_FACTOR, hollomon_jaffe
from .quench import MEDIUM_CODES

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

AMBIENT_C = 25.0  # shop air [E]
# A stalled scan drive still creeps at 5 % of its set speed (servo creep under a following
# error) [E]; the PLC's heat length uses the same floor (machine.sequence.heat_seconds).
MIN_SCAN_SPEED_FACTOR = 0.05
# Thinnest tube wall accepted (docs/physics.md §6.1): ≈ 10 surface cells of the grid and the
# thinnest wall still hardened by induction as a tube rather than a sheet (1 mm) [E].
MIN_WALL_MM = 1.0


@dataclass(frozen=True)
class ProcessSpec:
    """The process a recipe specifies (recipe units; see ``machine.recipe.Recipe``)."""

    steel_grade: str
    diameter_mm: float
    hardened_length_mm: float
    process: str  # "scan" | "single_shot"
    frequency_hz: float
    power_kw: float
    coil_height_mm: float
    coil_gap_mm: float
    quench_medium: str  # "water" | "polymer" | "oil"
    quench_concentration_pct: float
    quench_flow_lpm: float
    quench_temp_c: float
    quench_delay_s: float
    scan_speed_mm_s: float | None = None
    heat_time_s: float | None = None
    coil_turns: int = 1
    rotation_rpm: float = 200.0
    temper_temp_c: float | None = None
    temper_time_s: float | None = None
    surface_hv_min: float | None = None  # specified minimum surface hardness (ISO 18203 basis)
    # Prior microstructure as supplied (materials.PRIOR_STRUCTURES); None: the grade's usual one
    prior_structure: str | None = None
    # Hollow parts (docs/physics.md §6.1): bore diameter (None: solid) and the bore's cooling —
    # "air" (still air throughout) or "quench" (a bore spray during the quench, air before).
    inner_diameter_mm: float | None = None
    inner_cooling: str = "air"


class SupportsProcessSpec(Protocol):
    """Anything that can describe its process (the pydantic ``Recipe`` does)."""

    def process_spec(self) -> ProcessSpec: ...


@dataclass(frozen=True)
class PartConditions:
    """Actual conditions of one part; defaults are nominal (the recipe as written).

    power_factor            delivered coil power / set point (mains sag, inverter derating)
    mains_voltage_factor    DC-bus headroom factor (mains sag limits the reachable tank voltage)
    gap_mm                  actual mean coil-to-part gap (None: recipe gap)
    eccentricity_mm         offset of the part axis (capped at the gap: the copper stops it —
                            the machine treats e ≥ gap as contact); the weak side's gap is
                            gap + e·|sin πN|/(πN) with N the turns in its heat
                            (`weak_side_offset_mm`) — reported results are the weak side's, the
                            electrical state sees the mean gap
    rotation_rpm            actual spindle speed (None: recipe); 0 = rotation stopped
    quench_flow_factor      actual / set quench flow (pump wear, clogged nozzles)
    quench_blocked_fraction share of the ring's holes blocked, gathered in one sector (clogged
                            nozzles): reported results are the weakest point's (`quench`)
    quench_concentration_pct  actual polymer concentration (None: recipe)
    quench_temp_c           actual quenchant temperature (None: recipe)
    extra_quench_delay_s    added coil-exit → spray delay (valve, sequence)
    capacitance_factor      actual / nominal tank capacitance (failed capacitor elements)
    scan_speed_factor       actual / set scan speed (drive error, stall < 1)
    heat_interrupted_at     fraction of the planned heat done when the inverter tripped (None: not)
    part_present            False: empty coil (mis-load)
    carbon_offset_pct       heat-to-heat carbon deviation (wt %), e.g. −0.05
    initial_temp_c          part temperature at heat start (None: ambient 25 °C)
    """

    power_factor: float = 1.0
    mains_voltage_factor: float = 1.0
    gap_mm: float | None = None
    eccentricity_mm: float = 0.0
    rotation_rpm: float | None = None
    quench_flow_factor: float = 1.0
    quench_blocked_fraction: float = 0.0
    quench_concentration_pct: float | None = None
    quench_temp_c: float | None = None
    extra_quench_delay_s: float = 0.0
    capacitance_factor: float = 1.0
    scan_speed_factor: float = 1.0
    heat_interrupted_at: float | None = None
    part_present: bool = True
    carbon_offset_pct: float = 0.0
    initial_temp_c: float | None = None


NOMINAL = PartConditions()


@dataclass(frozen=True)
class PartInputs:
    """The batch in SI arrays of shape (N,). Build with :func:`build_inputs`.

    ``grade_code`` indexes ``grade_names``; ``structure_code`` indexes
    ``materials.PRIOR_STRUCTURES``. Lengths in m, power in W, times in s, temperatures in °C.
    """

    grade_names: tuple[str, ...]
    grade_code: IntArray
    structure_code: IntArray
    carbon_offset_pct: FloatArray
    radius_m: FloatArray
    gap_m: FloatArray  # actual mean gap (electrical)
    weak_gap_m: FloatArray  # weak side of an eccentric part (thermal/metallurgical result)
    design_gap_m: FloatArray  # recipe gap, used to tune the tank
    coil_height_m: FloatArray
    turns: FloatArray
    hardened_length_m: FloatArray
    frequency_set_hz: FloatArray
    power_nominal_w: FloatArray
    power_set_w: FloatArray
    mains_factor: FloatArray
    capacitance_factor: FloatArray
    is_scan: BoolArray
    scan_speed_m_s: FloatArray  # actual (scan); 0 for single shot
    heat_time_s: FloatArray  # single shot: planned heat time; scan: 0
    heat_fraction: FloatArray  # 1 unless interrupted
    quench_delay_s: FloatArray
    quench_medium: IntArray
    quench_concentration_pct: FloatArray
    quench_flow_lpm: FloatArray
    quench_temp_c: FloatArray
    quench_blocked_fraction: FloatArray  # share of ring holes blocked (one sector)
    rotation_rpm: FloatArray
    initial_temp_c: FloatArray
    ambient_c: FloatArray
    part_present: BoolArray
    iso_limit_hv: FloatArray  # NaN: use 0.8 × surface HV reached
    temper_parameter: FloatArray  # Hollomon–Jaffe P, NaN: no temper
    # hollow parts (docs/physics.md §6.1): bore radius (0: solid); bore sprayed in the quench
    inner_radius_m: FloatArray
    inner_quench: BoolArray

    @property
    def size(self) -> int:
        return int(self.radius_m.shape[0])

    def take(self, index: npt.NDArray[np.intp]) -> PartInputs:
        """Subset of the batch (same grade table)."""
        values: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            values[f.name] = value if f.name == "grade_names" else value[index]
        return PartInputs(**values)  # type: ignore[arg-type]

    def as_matrix(self) -> FloatArray:
        """All per-part values as columns of one float matrix (for de-duplication)."""
        cols = [
            np.asarray(getattr(self, f.name), dtype=np.float64)
            for f in fields(self)
            if f.name != "grade_names"
        ]
        return np.column_stack(cols)


def weak_side_offset_mm(
    eccentricity_mm: float, gap_mm: float, rotation_rpm: float, heat_s: float
) -> float:
    """How much farther from the coil the weakest surface point is, on average over its heat.

    An axis offset e makes the local gap g + e·cos θ around the part. A point on a part turning
    N = rpm/60 × heat time turns under the coil sees the gap over an arc of 2πN; the point whose
    arc is centred on the wide side is the weakest, and its mean local gap exceeds g by
    e·|sin πN|/(πN) [D]: e without rotation, 0.64·e at half a turn, 0 after whole turns and at
    most e/(πN) — many turns average the asymmetry out. The mean gap stands for the mean
    coupling (first order in e/g) [E]. e is capped at the gap: the part cannot pass through the
    copper (contact is the machine's ground-fault path, `machine.modifiers`).
    """
    e = min(abs(eccentricity_mm), gap_mm)
    turns = max(rotation_rpm, 0.0) / 60.0 * max(heat_s, 0.0)
    if e == 0.0 or turns <= 0.0:
        return e
    return e * abs(float(np.sin(np.pi * turns))) / (np.pi * turns)


def _spec_of(recipe: ProcessSpec | SupportsProcessSpec) -> ProcessSpec:
    return recipe if isinstance(recipe, ProcessSpec) else recipe.process_spec()


def build_inputs(
    recipes: Sequence[ProcessSpec | SupportsProcessSpec] | ProcessSpec | SupportsProcessSpec,
    conditions: Sequence[PartConditions] | PartConditions | None = None,
) -> PartInputs:
    """Map recipe(s) + per-part conditions onto SI arrays.

    ``recipes`` may be one recipe for all parts or one per part; ``conditions`` one per part
    (None: a single nominal part per recipe).
    """
    recipe_list = (
        [_spec_of(recipes)]
        if isinstance(recipes, ProcessSpec) or not isinstance(recipes, Sequence)
        else [_spec_of(r) for r in recipes]
    )
    if conditions is None:
        cond_list = [NOMINAL] * len(recipe_list)
    elif isinstance(conditions, PartConditions):
        cond_list = [conditions]
    else:
        cond_list = list(conditions)
    if len(recipe_list) == 1 and len(cond_list) > 1:
        recipe_list = recipe_list * len(cond_list)
    if len(cond_list) == 1 and len(recipe_list) > 1:
        cond_list = cond_list * len(recipe_list)
    if len(recipe_list) != len(cond_list):
        raise ValueError("recipes and conditions must have the same length (or length 1)")

    grade_names: list[str] = []
    codes: list[int] = []
    structures: list[int] = []
    rows: list[dict[str, float]] = []
    for spec, cond in zip(recipe_list, cond_list, strict=True):
        grade = resolve_grade(spec.steel_grade)
        if grade.name not in grade_names:
            grade_names.append(grade.name)
        codes.append(grade_names.index(grade.name))
        structures.append(_structure_code(spec.prior_structure or grade.default_structure))
        rows.append(_row(spec, cond))

    def col(name: str) -> FloatArray:
        return np.array([r[name] for r in rows], dtype=np.float64)

    return PartInputs(
        grade_names=tuple(grade_names),
        grade_code=np.array(codes, dtype=np.int64),
        structure_code=np.array(structures, dtype=np.int64),
        carbon_offset_pct=col("carbon_offset_pct"),
        radius_m=col("radius_m"),
        gap_m=col("gap_m"),
        weak_gap_m=col("weak_gap_m"),
        design_gap_m=col("design_gap_m"),
        coil_height_m=col("coil_height_m"),
        turns=col("turns"),
        hardened_length_m=col("hardened_length_m"),
        frequency_set_hz=col("frequency_set_hz"),
        power_nominal_w=col("power_nominal_w"),
        power_set_w=col("power_set_w"),
        mains_factor=col("mains_factor"),
        capacitance_factor=col("capacitance_factor"),
        is_scan=col("is_scan") > 0.5,
        scan_speed_m_s=col("scan_speed_m_s"),
        heat_time_s=col("heat_time_s"),
        heat_fraction=col("heat_fraction"),
        quench_delay_s=col("quench_delay_s"),
        quench_medium=col("quench_medium").astype(np.int64),
        quench_concentration_pct=col("quench_concentration_pct"),
        quench_flow_lpm=col("quench_flow_lpm"),
        quench_temp_c=col("quench_temp_c"),
        quench_blocked_fraction=col("quench_blocked_fraction"),
        rotation_rpm=col("rotation_rpm"),
        initial_temp_c=col("initial_temp_c"),
        ambient_c=col("ambient_c"),
        part_present=col("part_present") > 0.5,
        iso_limit_hv=col("iso_limit_hv"),
        temper_parameter=col("temper_parameter"),
        inner_radius_m=col("inner_radius_m"),
        inner_quench=col("inner_quench") > 0.5,
    )


def _structure_code(name: str) -> int:
    if name not in PRIOR_STRUCTURES:
        known = ", ".join(PRIOR_STRUCTURES)
        raise ValueError(f"prior_structure: unknown structure {name!r}; known: {known}")
    return PRIOR_STRUCTURES.index(name)


def _row(spec: ProcessSpec, cond: PartConditions) -> dict[str, float]:
    is_scan = spec.process == "scan"
    if is_scan and not spec.scan_speed_mm_s:
        raise ValueError("scan_speed_mm_s is required for a scan process")
    if not is_scan and not spec.heat_time_s:
        raise ValueError("heat_time_s is required for a single_shot process")
    gap_mm = spec.coil_gap_mm if cond.gap_mm is None else cond.gap_mm
    rpm = spec.rotation_rpm if cond.rotation_rpm is None else cond.rotation_rpm
    speed_mm_s = (spec.scan_speed_mm_s or 0.0) * max(cond.scan_speed_factor, MIN_SCAN_SPEED_FACTOR)
    heat_s = (
        (spec.coil_height_mm + FRINGE_GAPS * gap_mm) / speed_mm_s
        if is_scan
        else float(spec.heat_time_s or 0.0)
    )
    weak_gap_mm = gap_mm + weak_side_offset_mm(cond.eccentricity_mm, gap_mm, rpm, heat_s)
    medium = MEDIUM_CODES.get(spec.quench_medium)
    if medium is None:
        raise ValueError(f"quench_medium: unknown medium {spec.quench_medium!r}")
    conc = (
        spec.quench_concentration_pct
        if cond.quench_concentration_pct is None
        else cond.quench_concentration_pct
    )
    temper_p = float("nan")
    if spec.temper_temp_c is not None and spec.temper_time_s:
        temper_p = float(hollomon_jaffe(np.array(spec.temper_temp_c), np.array(spec.temper_time_s)))
    interrupted = cond.heat_interrupted_at
    inner_radius_m = _inner_radius_m(spec)
    return {
        "carbon_offset_pct": cond.carbon_offset_pct,
        "radius_m": 0.5e-3 * spec.diameter_mm,
        "gap_m": 1e-3 * gap_mm,
        "weak_gap_m": 1e-3 * weak_gap_mm,
        "design_gap_m": 1e-3 * spec.coil_gap_mm,
        "coil_height_m": 1e-3 * spec.coil_height_mm,
        "turns": float(spec.coil_turns),
        "hardened_length_m": 1e-3 * spec.hardened_length_mm,
        "frequency_set_hz": spec.frequency_hz,
        "power_nominal_w": 1e3 * spec.power_kw,
        "power_set_w": 1e3 * spec.power_kw * max(cond.power_factor, 0.0),
        "mains_factor": max(cond.mains_voltage_factor, 1e-3),
        "capacitance_factor": max(cond.capacitance_factor, 1e-3),
        "is_scan": 1.0 if is_scan else 0.0,
        "scan_speed_m_s": (
            1e-3
            * (spec.scan_speed_mm_s or 0.0)
            * max(cond.scan_speed_factor, MIN_SCAN_SPEED_FACTOR)
            if is_scan
            else 0.0
        ),
        "heat_time_s": 0.0 if is_scan else float(spec.heat_time_s or 0.0),
        "heat_fraction": 1.0 if interrupted is None else float(np.clip(interrupted, 0.02, 1.0)),
        "quench_delay_s": max(spec.quench_delay_s + cond.extra_quench_delay_s, 0.0),
        "quench_medium": float(medium),
        "quench_concentration_pct": conc,
        "quench_flow_lpm": spec.quench_flow_lpm * max(cond.quench_flow_factor, 0.0),
        "quench_temp_c": spec.quench_temp_c if cond.quench_temp_c is None else cond.quench_temp_c,
        "quench_blocked_fraction": float(np.clip(cond.quench_blocked_fraction, 0.0, 0.95)),
        "rotation_rpm": max(rpm, 0.0),
        "initial_temp_c": AMBIENT_C if cond.initial_temp_c is None else cond.initial_temp_c,
        "ambient_c": AMBIENT_C,
        "part_present": 1.0 if cond.part_present else 0.0,
        "iso_limit_hv": (
            float("nan") if spec.surface_hv_min is None else ISO_18203_FACTOR * spec.surface_hv_min
        ),
        "temper_parameter": temper_p,
        "inner_radius_m": inner_radius_m,
        "inner_quench": 1.0 if inner_radius_m > 0.0 and spec.inner_cooling == "quench" else 0.0,
    }


def _inner_radius_m(spec: ProcessSpec) -> float:
    """The bore radius of a hollow part (0 for a solid one); the wall must be at least
    ``MIN_WALL_MM`` (the recipe validates it with the field's name; this guards direct use)."""
    if spec.inner_diameter_mm is None or spec.inner_diameter_mm <= 0.0:
        return 0.0
    if spec.inner_cooling not in ("air", "quench"):
        raise ValueError(f"inner_cooling: unknown bore cooling {spec.inner_cooling!r}")
    if 0.5 * (spec.diameter_mm - spec.inner_diameter_mm) < MIN_WALL_MM:
        raise ValueError(
            f"inner_diameter_mm: the wall must be at least {MIN_WALL_MM:g} mm "
            f"(outer {spec.diameter_mm:g} mm, inner {spec.inner_diameter_mm:g} mm)"
        )
    return 0.5e-3 * spec.inner_diameter_mm
