"""Recipes: what the operator asks the machine to do, and the quality window a part must meet.

A :class:`Recipe` is validated data (pydantic v2, unknown fields rejected, every error names its
field). Built-in recipes ship with the package; user recipes load from JSON or YAML files with the
same fields. ``Recipe.process_spec()`` maps a recipe onto the physics inputs
(:class:`induction_sim.physics.inputs.ProcessSpec`), and :func:`physics_inputs` adds per-part
actual conditions to give the arrays :func:`induction_sim.physics.part.simulate_parts` takes.

Default values follow the reference case and plant figures of docs/physics.md §12.1 (1045 shaft,
vertical scan; quench set points, energy windows ±3–5 %).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, cast

import yaml
from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator, model_validator

from induction_sim.physics.inputs import (
    MIN_WALL_MM,
    PartConditions,
    PartInputs,
    ProcessSpec,
    build_inputs,
)
from induction_sim.physics.materials import GRADE_ALIASES, resolve_grade
from induction_sim.physics.metallurgy import hrc_to_hv
from induction_sim.textfields import FreeText, Integer, Name, Number

# Overheating → grain growth and, ultimately, grain-boundary liquation: ≈ 1100–1150 °C
# [Doyon2019] (docs/physics.md §12.1).
DEFAULT_PEAK_TEMP_MAX_C = 1100.0


class RecipeNotFoundError(LookupError):
    """Neither a built-in recipe name nor a readable recipe file."""


def _grade_pattern() -> str:
    """The spellings `resolve_grade` accepts, as a regex: any case; spaces, `-`, `_` anywhere."""
    gap = "[ _-]*"
    spellings = (
        "".join(f"[{c}{c.upper()}]{gap}" if c.isalpha() else f"{c}{gap}" for c in alias)
        for alias in sorted(GRADE_ALIASES)
    )
    return f"^{gap}(?:{'|'.join(spellings)})$"


GRADE_PATTERN = _grade_pattern()


# Rules that span fields, in JSON Schema (`if`/`then`) so that the OpenAPI schema states them;
# `_consistent` enforces them. Only the min ≤ max rules cannot be said in JSON Schema.
_CROSS_FIELD_RULES: list[dict[str, Any]] = (
    [
        {
            "if": {"properties": {"process": {"const": process}}, "required": ["process"]},
            "then": {"properties": {needs: {"type": "number"}}, "required": [needs]},
        }
        for process, needs in (("scan", "scan_speed_mm_s"), ("single_shot", "heat_time_s"))
    ]
    + [
        {
            "if": {"properties": {given: {"type": "number"}}, "required": [given]},
            "then": {"properties": {needs: {"type": "number"}}, "required": [needs]},
        }
        for given, needs in (("temper_temp_c", "temper_time_s"), ("temper_time_s", "temper_temp_c"))
    ]
    + [
        {
            "if": {
                "properties": {"quench_medium": {"const": "polymer"}},
                "required": ["quench_medium"],
            },
            "then": {
                "properties": {"quench_concentration_pct": {"exclusiveMinimum": 0.0}},
                "required": ["quench_concentration_pct"],
            },
        }
    ]
)


class Recipe(BaseModel):
    """One induction-hardening recipe (process set points + quality window), units in names.

    Text is taken as sent, not stripped: what the schema's patterns admit is exactly what is kept.
    """

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"allOf": cast("list[JsonValue]", _CROSS_FIELD_RULES)}
    )

    name: Name = Field(description="recipe identifier")
    description: FreeText = ""
    part_number: Name
    steel_grade: str = Field(
        max_length=40,
        # In the schema; `_known_grade` enforces it with a message listing the known grades.
        json_schema_extra={"pattern": GRADE_PATTERN},
        description="AISI grade: 1045, 1050, 4140 (aliases C45, 42CrMo4; any case)",
    )
    prior_structure: Literal["normalised", "quenched_tempered", "annealed"] | None = Field(
        default=None,
        description=(
            "microstructure of the bar as supplied, before the induction heat; it sets how fast"
            " it austenitises (quenched_tempered fastest, annealed slowest). None: the grade's"
            " usual supply state (1045, 1050 normalised; 4140 quenched_tempered)"
        ),
    )
    diameter_mm: Number = Field(gt=0.0, le=400.0)
    # Hollow parts (docs/physics.md §6.1): the bore diameter (absent: a solid part); the wall
    # (diameter − inner diameter)/2 must be at least MIN_WALL_MM = 1 mm.
    inner_diameter_mm: Number | None = Field(
        default=None,
        gt=0.0,
        lt=400.0,
        description="bore diameter of a hollow part (tube); absent: solid. Wall at least 1 mm",
    )
    inner_cooling: Literal["air", "quench"] = Field(
        default="air",
        description=(
            "bore of a hollow part: still air throughout, or sprayed (a quench lance in the bore,"
            " same quenchant and spray flux as the outside) during the quench"
        ),
    )
    hardened_length_mm: Number = Field(ge=0.1, le=5000.0)
    process: Literal["scan", "single_shot"]
    frequency_hz: Number = Field(gt=0.0, le=1.0e6, description="inverter frequency set point")
    power_kw: Number = Field(ge=0.1, le=2000.0, description="coil power set point")
    # Lower bounds on power, length, speed and heat time keep the derived planned energy
    # (power × heat-on time) finite and above zero.
    scan_speed_mm_s: Number | None = Field(default=None, ge=0.1, le=200.0)
    heat_time_s: Number | None = Field(default=None, ge=0.01, le=120.0)
    coil_height_mm: Number = Field(gt=0.0, le=1000.0)
    coil_gap_mm: Number = Field(gt=0.0, le=50.0, description="radial coil-to-part gap")
    coil_turns: Integer = Field(default=1, ge=1, le=20)
    rotation_rpm: Number = Field(default=200.0, ge=0.0, le=3000.0)
    quench_medium: Literal["water", "polymer", "oil"]
    quench_concentration_pct: Number = Field(default=0.0, ge=0.0, le=40.0)
    quench_flow_lpm: Number = Field(gt=0.0, le=2000.0)
    quench_temp_c: Number = Field(default=25.0, ge=0.0, le=95.0)
    quench_delay_s: Number = Field(default=0.3, ge=0.0, le=30.0)
    temper_temp_c: Number | None = Field(default=None, gt=0.0, le=700.0)
    temper_time_s: Number | None = Field(default=None, gt=0.0, le=7200.0)
    surface_hrc_min: Number = Field(ge=0.0, le=70.0, description="at most surface_hrc_max")
    surface_hrc_max: Number = Field(ge=0.0, le=70.0)
    case_depth_min_mm: Number = Field(ge=0.0, le=50.0, description="at most case_depth_max_mm")
    case_depth_max_mm: Number = Field(gt=0.0, le=50.0)
    energy_tolerance_pct: Number = Field(default=5.0, gt=0.0, le=50.0)
    nominal_energy_kj: Number | None = Field(default=None, gt=0.0, le=1.0e9)
    peak_temp_max_c: Number = Field(default=DEFAULT_PEAK_TEMP_MAX_C, gt=0.0, le=1500.0)

    @field_validator("steel_grade")
    @classmethod
    def _known_grade(cls, value: str) -> str:
        try:
            if re.fullmatch(GRADE_PATTERN, value) is None:  # e.g. a control character
                resolve_grade(f"{value!r}")  # raises KeyError, naming the known grades
            return resolve_grade(value).name
        except KeyError as exc:
            raise ValueError(f"steel_grade: {exc.args[0]}") from None

    @model_validator(mode="after")
    def _consistent(self) -> Recipe:
        if self.process == "scan" and self.scan_speed_mm_s is None:
            raise ValueError("scan_speed_mm_s is required when process is 'scan'")
        if self.process == "single_shot" and self.heat_time_s is None:
            raise ValueError("heat_time_s is required when process is 'single_shot'")
        if (self.temper_temp_c is None) != (self.temper_time_s is None):
            raise ValueError("temper_temp_c and temper_time_s must be given together")
        if self.surface_hrc_min > self.surface_hrc_max:
            raise ValueError("surface_hrc_min must not exceed surface_hrc_max")
        if self.case_depth_min_mm > self.case_depth_max_mm:
            raise ValueError("case_depth_min_mm must not exceed case_depth_max_mm")
        if (
            self.inner_diameter_mm is not None
            and 0.5 * (self.diameter_mm - self.inner_diameter_mm) < MIN_WALL_MM
        ):
            raise ValueError(
                f"inner_diameter_mm must leave a wall of at least {MIN_WALL_MM:g} mm: "
                f"(diameter_mm − inner_diameter_mm)/2 = "
                f"{0.5 * (self.diameter_mm - self.inner_diameter_mm):g} mm"
            )
        if self.quench_medium == "polymer" and self.quench_concentration_pct <= 0.0:
            raise ValueError("quench_concentration_pct must be > 0 for a polymer quench")
        if self.nominal_energy_kj is None:
            self.nominal_energy_kj = self.power_kw * self.heat_on_s
        return self

    @property
    def heat_on_s(self) -> float:
        """Planned coil-on time per part: length ÷ speed (scan) or the heat time (single shot)."""
        if self.process == "scan":
            return self.hardened_length_mm / float(self.scan_speed_mm_s or 1.0)
        return float(self.heat_time_s or 0.0)

    @property
    def energy_window_kj(self) -> tuple[float, float]:
        nominal = float(self.nominal_energy_kj or 0.0)
        tol = self.energy_tolerance_pct / 100.0
        return nominal * (1.0 - tol), nominal * (1.0 + tol)

    def process_spec(self) -> ProcessSpec:
        """The physics view of this recipe (satisfies ``physics.inputs.SupportsProcessSpec``)."""
        return ProcessSpec(
            steel_grade=self.steel_grade,
            diameter_mm=self.diameter_mm,
            hardened_length_mm=self.hardened_length_mm,
            process=self.process,
            frequency_hz=self.frequency_hz,
            power_kw=self.power_kw,
            coil_height_mm=self.coil_height_mm,
            coil_gap_mm=self.coil_gap_mm,
            quench_medium=self.quench_medium,
            quench_concentration_pct=self.quench_concentration_pct,
            quench_flow_lpm=self.quench_flow_lpm,
            quench_temp_c=self.quench_temp_c,
            quench_delay_s=self.quench_delay_s,
            scan_speed_mm_s=self.scan_speed_mm_s,
            heat_time_s=self.heat_time_s,
            coil_turns=self.coil_turns,
            rotation_rpm=self.rotation_rpm,
            temper_temp_c=self.temper_temp_c,
            temper_time_s=self.temper_time_s,
            surface_hv_min=float(hrc_to_hv(self.surface_hrc_min)),
            prior_structure=self.prior_structure,
            inner_diameter_mm=self.inner_diameter_mm,
            inner_cooling=self.inner_cooling,
        )

    @property
    def wall_mm(self) -> float | None:
        """Wall thickness of a hollow part (None: solid)."""
        if self.inner_diameter_mm is None:
            return None
        return 0.5 * (self.diameter_mm - self.inner_diameter_mm)


def physics_inputs(
    recipe: Recipe | Sequence[Recipe],
    conditions: PartConditions | Sequence[PartConditions] | None = None,
) -> PartInputs:
    """Recipe(s) + per-part actual conditions → the physics batch (see ``build_inputs``)."""
    recipes = [recipe] if isinstance(recipe, Recipe) else list(recipe)
    return build_inputs(recipes, conditions)


_BUILTINS: dict[str, dict[str, Any]] = {
    # The reference case of docs/physics.md §12.1: 40 mm 1045 shaft, vertical scan, 10 kHz,
    # 37 kW, 10 mm/s, PAG 8 %, 80 l/min.
    "1045-shaft-scan": {
        "description": (
            "AISI 1045 shaft Ø40, vertical scan hardening"
            " (the reference case of backend/docs/physics.md)"
        ),
        "part_number": "SH-1045-40",
        "steel_grade": "1045",
        "prior_structure": "normalised",
        "diameter_mm": 40.0,
        "hardened_length_mm": 200.0,
        "process": "scan",
        "frequency_hz": 10_000.0,
        "power_kw": 37.0,
        "scan_speed_mm_s": 10.0,
        "coil_height_mm": 20.0,
        "coil_gap_mm": 2.0,
        "rotation_rpm": 200.0,
        "quench_medium": "polymer",
        "quench_concentration_pct": 8.0,
        "quench_flow_lpm": 80.0,
        "quench_temp_c": 25.0,
        "quench_delay_s": 0.3,
        "surface_hrc_min": 55.0,
        "surface_hrc_max": 62.0,
        "case_depth_min_mm": 2.0,
        "case_depth_max_mm": 3.5,
        "energy_tolerance_pct": 5.0,
    },
    # 4140 (Cr-Mo, pre-hardened bar) axle-type shaft: lower frequency, deeper case, stronger PAG
    # for crack safety (PAG 8–15 % for alloy steels [E], docs/physics.md §12.1).
    "4140-shaft-scan": {
        "description": "AISI 4140 shaft Ø50, vertical scan hardening, deeper case",
        "part_number": "SH-4140-50",
        "steel_grade": "4140",
        "prior_structure": "quenched_tempered",
        "diameter_mm": 50.0,
        "hardened_length_mm": 250.0,
        "process": "scan",
        "frequency_hz": 8_000.0,
        "power_kw": 44.0,
        "scan_speed_mm_s": 8.0,
        "coil_height_mm": 25.0,
        "coil_gap_mm": 2.5,
        "rotation_rpm": 150.0,
        "quench_medium": "polymer",
        "quench_concentration_pct": 12.0,
        "quench_flow_lpm": 100.0,
        "quench_temp_c": 25.0,
        "quench_delay_s": 0.3,
        "surface_hrc_min": 53.0,
        "surface_hrc_max": 60.0,
        "case_depth_min_mm": 2.7,
        "case_depth_max_mm": 4.5,
        "energy_tolerance_pct": 5.0,
    },
    # 1050 pin, single shot at a higher frequency for a thinner case.
    "1050-pin-single-shot": {
        "description": "AISI 1050 pin Ø25, single-shot hardening, 30 kHz, thin case",
        "part_number": "PN-1050-25",
        "steel_grade": "1050",
        "prior_structure": "normalised",
        "diameter_mm": 25.0,
        "hardened_length_mm": 30.0,
        "process": "single_shot",
        "frequency_hz": 30_000.0,
        "power_kw": 21.5,
        "heat_time_s": 2.5,
        "coil_height_mm": 30.0,
        "coil_gap_mm": 1.5,
        "rotation_rpm": 300.0,
        "quench_medium": "polymer",
        "quench_concentration_pct": 6.0,
        "quench_flow_lpm": 50.0,
        "quench_temp_c": 25.0,
        "quench_delay_s": 0.2,
        "surface_hrc_min": 56.0,
        "surface_hrc_max": 63.0,
        "case_depth_min_mm": 1.2,
        "case_depth_max_mm": 2.8,
        "energy_tolerance_pct": 4.0,
    },
}
# 1045 tube Ø40 × 34 (3 mm wall), vertical scan (docs/physics.md §6.1): the shaft's ring and
# quench; a thin wall holds the heat, so the shaft's 10 kHz / 10 mm/s would austenitise it through
# (and overheat it); a higher frequency, a shorter dwell and more power per length harden about
# half the wall and leave the bore side soft. Bore in still air.
_BUILTINS["1045-tube-scan"] = {
    **_BUILTINS["1045-shaft-scan"],
    "description": (
        "AISI 1045 tube Ø40 × 34 (3 mm wall), vertical scan, 30 kHz: a case over a soft bore"
    ),
    "part_number": "TB-1045-40x34",
    "inner_diameter_mm": 34.0,
    "inner_cooling": "air",
    "frequency_hz": 30_000.0,
    "power_kw": 50.0,
    "scan_speed_mm_s": 30.0,
    "case_depth_min_mm": 1.0,
    "case_depth_max_mm": 2.2,
}

DEFAULT_RECIPE = "1045-shaft-scan"


def builtin_recipes() -> dict[str, Recipe]:
    """The recipes shipped with the simulator, by name (fresh objects on every call)."""
    return {name: Recipe(name=name, **data) for name, data in _BUILTINS.items()}


def load_recipe(name_or_path: str | Path) -> Recipe:
    """A built-in recipe by name, or a user recipe from a ``.json``/``.yaml``/``.yml`` file.

    A file without a ``name`` takes its file stem. Raises :class:`RecipeNotFoundError` when
    neither exists, ``pydantic.ValidationError`` (naming the field) when the data are invalid.
    """
    key = str(name_or_path)
    if key in _BUILTINS:
        return Recipe(name=key, **_BUILTINS[key])
    path = Path(name_or_path)
    if not path.is_file():
        known = ", ".join(sorted(_BUILTINS))
        raise RecipeNotFoundError(
            f"no built-in recipe or file named {key!r} (built-in recipes: {known})"
        )
    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    if not isinstance(data, dict):
        raise RecipeNotFoundError(f"{path}: a recipe file must hold one mapping of fields")
    data.setdefault("name", path.stem)
    return Recipe.model_validate(data)
