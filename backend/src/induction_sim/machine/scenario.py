"""Scenarios: shareable, validated descriptions of a dataset — same file + same seed → same data.

A scenario says which recipes run (a weighted mix: each shift runs one, drawn from the seed), which
faults happen (timed, conditional, stochastic rules), which instruments are impaired, when the
dataset starts in simulated time, how the simulated operator answers alarms, and which parts QA
inspects.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, Self

import numpy as np
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from induction_sim.machine.faults import BY_ID, FaultInstance, Needs, OnsetMode, mechanisms
from induction_sim.machine.inspection import InspectionPlan
from induction_sim.machine.machine import Machine, MachineConfig, OperatorModel, ShiftStart
from induction_sim.machine.recipe import DEFAULT_RECIPE, Recipe, builtin_recipes, load_recipe
from induction_sim.machine.schedule import MAX_SECONDS, FaultRule
from induction_sim.machine.sensors import SENSORS, Impairment, ImpairmentKind
from induction_sim.machine.shifts import WARM_UP_S, handover
from induction_sim.machine.variation import NONE, REALISTIC, Variation
from induction_sim.textfields import (
    AS_OBJECT,
    BY_NAME,
    FreeText,
    Integer,
    Name,
    Number,
    Timestamp,
    one_of,
)

RECIPE_STREAM = 9_101  # random stream of the per-shift recipe draw
WARM_UP_CHUNK_ROWS = 16_384  # samples per step of a shard's warm-up (bounds its memory)

# Bounds on what one small request body can ask for (each item costs work in every shard).
MAX_RECIPES = 16
MAX_FAULT_RULES = 32
MAX_IMPAIRMENTS = 32
# One shard is one shift: a warm-up, a transaction and a fixed setup cost each. Below a quarter
# of an hour (900 rows) that cost dominates and a job splits into absurdly many shards.
MIN_SHIFT_H = 0.25


def name_or_object(value: Any) -> str:
    """Union tag for "a name or an object" fields: a string is a name, anything else an object."""
    return BY_NAME if isinstance(value, str) else AS_OBJECT


BuiltinRecipeName = Annotated[
    Name, Field(json_schema_extra=one_of(sorted(builtin_recipes()))), Tag(BY_NAME)
]


class RecipeShare(BaseModel):
    model_config = ConfigDict(extra="forbid")
    recipe: Annotated[
        BuiltinRecipeName | Annotated[Recipe, Tag(AS_OBJECT)], Discriminator(name_or_object)
    ] = Field(description="built-in recipe name, or a recipe object")
    weight: Number = Field(default=1.0, gt=0.0)

    @field_validator("recipe")
    @classmethod
    def _resolvable(cls, value: str | Recipe) -> str | Recipe:
        if isinstance(value, str) and value not in builtin_recipes():
            known = ", ".join(sorted(builtin_recipes()))
            raise ValueError(f"unknown recipe {value!r}; built-in: {known}")
        return value

    def resolved(self) -> Recipe:
        return self.recipe if isinstance(self.recipe, Recipe) else load_recipe(self.recipe)


class ImpairmentRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    signal: Name = Field(json_schema_extra=one_of(SENSORS))
    kind: ImpairmentKind
    onset_s: Number = Field(default=0.0, ge=0.0, le=MAX_SECONDS)
    duration_s: Number | None = Field(default=None, gt=0.0, le=MAX_SECONDS)
    magnitude: Number = 0.0
    # Spikes are drawn per sample with probability rate / 3600: more than 3600 means nothing.
    rate_per_h: Number = Field(default=6.0, gt=0.0, le=3600.0)

    @field_validator("signal")
    @classmethod
    def _known_signal(cls, value: str) -> str:
        if value not in SENSORS:
            raise ValueError(f"unknown signal {value!r}; known: {', '.join(SENSORS)}")
        return value

    def impairment(self) -> Impairment:
        return Impairment(**self.model_dump())


class VariationScales(BaseModel):
    """Natural variation by group, each a scale of the documented magnitudes (docs/machine.md,
    "Natural variation"): 1 as documented, 0 off, up to 3 for a rougher line."""

    model_config = ConfigDict(extra="forbid")
    part: Number = Field(
        default=1.0, ge=0.0, le=3.0, description="part to part: power, start temperature, gap"
    )
    process: Number = Field(
        default=1.0,
        ge=0.0,
        le=3.0,
        description="loader waits, mains and cooling water over the day, polymer top-ups",
    )
    sensors: Number = Field(
        default=1.0, ge=0.0, le=3.0, description="calibration, drift, flicker, sampling jitter"
    )
    nuisance: Number = Field(
        default=1.0, ge=0.0, le=3.0, description="sensor glitches that trip an interlock"
    )

    def variation(self) -> Variation:
        return Variation(self.part, self.process, self.sensors, self.nuisance)


VARIATION_PRESETS: dict[str, Variation] = {"realistic": REALISTIC, "none": NONE}


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.\-]+$")
    description: FreeText = ""
    recipes: list[RecipeShare] = Field(
        default_factory=lambda: [RecipeShare(recipe=DEFAULT_RECIPE)],
        min_length=1,
        max_length=MAX_RECIPES,
    )
    faults: list[FaultRule] = Field(default_factory=list, max_length=MAX_FAULT_RULES)
    impairments: list[ImpairmentRule] = Field(default_factory=list, max_length=MAX_IMPAIRMENTS)
    start_sim: Timestamp = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)
    shift_h: Number = Field(
        default=8.0,
        ge=MIN_SHIFT_H,
        le=168.0,
        description="one shard: a shift of machine time (at least 0.25 h: a shard's setup "
        "cost would dominate below)",
    )
    operator_ack_s: Integer = Field(default=45, ge=1, le=3600)
    operator_reset_s: Integer = Field(default=20, ge=1, le=3600)
    inspection: InspectionPlan = Field(
        default_factory=InspectionPlan,
        description="which parts QA measures and how (docs/machine.md, quality verdicts)",
    )
    variation: Annotated[
        Annotated[Literal["realistic", "none"], Tag(BY_NAME)]
        | Annotated[VariationScales, Tag(AS_OBJECT)],
        Discriminator(name_or_object),
    ] = Field(
        default="realistic",
        description="natural variation of a healthy line: 'realistic' (default), 'none' (every "
        "cycle the same: for teaching), or scales per group (docs/machine.md)",
    )

    @field_validator("start_sim")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    @model_validator(mode="after")
    def _recipes_resolve(self) -> Self:
        for share in self.recipes:
            share.resolved()
        return self

    @property
    def shift_rows(self) -> int:
        return round(self.shift_h * 3600)

    def shards(self, rows: int) -> int:
        return math.ceil(rows / self.shift_rows)

    def shift_recipe(self, seed: int, shard: int) -> Recipe:
        """The recipe shift `shard` runs: drawn from the weighted mix by (seed, shard)."""
        weights = np.array([s.weight for s in self.recipes])
        draw = np.random.default_rng([seed, RECIPE_STREAM, shard]).random()
        pick = int(np.searchsorted(np.cumsum(weights) / weights.sum(), draw, side="right"))
        return self.recipes[min(pick, len(self.recipes) - 1)].resolved()

    def fault_instances(self, rows: int, seed: int) -> tuple[FaultInstance, ...]:
        """All faults of a dataset of `rows` samples: drawn once, for the whole run.

        A stochastic rule draws only faults that can act: an arrival in a shift whose recipe
        lacks the fault's mechanism (`FaultType.needs`: a scan-drive fault on a single-shot
        recipe, a polymer fault on a water quench) is dropped. Thinning a Poisson process by
        a rule of the arrival time leaves it Poisson: the rate holds per hour of the shifts
        that can host the fault. Timed and conditional rules are taken as written."""
        offered: dict[int, frozenset[Needs]] = {}

        def hosts(f: FaultInstance) -> bool:
            shard = int(f.onset_s // self.shift_rows)
            if shard not in offered:
                r = self.shift_recipe(seed, shard)
                offered[shard] = mechanisms(r.process, r.quench_medium)
            return BY_ID[f.fault_id].can_act_on(offered[shard])

        return tuple(
            f
            for i, rule in enumerate(self.faults)
            for f in rule.instances(float(rows), seed, i)
            if rule.rate_per_h is None or hosts(f)
        )

    def machine_config(
        self,
        rows: int,
        seed: int,
        shard: int,
        carried: ShiftStart | None = None,
        faults: tuple[FaultInstance, ...] | None = None,
    ) -> MachineConfig:
        """The machine of shift `shard` of a `rows`-row run, from the shift's first sample to its
        handover (the run's end is one too); `carried` is what the shift before left (None: a
        fresh machine). `faults`: the run's, when the caller has drawn them already."""
        recipe = self.shift_recipe(seed, shard)
        return MachineConfig(
            recipe=recipe,
            seed=seed,
            faults=self.fault_instances(rows, seed) if faults is None else faults,
            impairments=tuple(i.impairment() for i in self.impairments),
            operator=OperatorModel(
                auto=True, ack_delay_s=self.operator_ack_s, reset_delay_s=self.operator_reset_s
            ),
            start_sim=self.start_sim,
            start_seq=shard * self.shift_rows,
            first_part_id=shard * PART_IDS_PER_SHIFT + 1,
            inspection=self.inspection,
            variation=self.variation_config,
            handover=handover(recipe, min((shard + 1) * self.shift_rows, rows)),
            carried=carried,
        )

    @property
    def variation_config(self) -> Variation:
        v = self.variation
        return VARIATION_PRESETS[v] if isinstance(v, str) else v.variation()

    def shard_machine(self, rows: int, seed: int, shard: int) -> Machine:
        """The machine of shard `shard` at its first sample, in the state the shift before left.

        Shard 0 starts fresh (the run's start). Shard k replays the last `WARM_UP_S` of machine
        time before it without writing them — the same recipes, faults and handovers, its start
        put in step with the cycle by the PLC sequence alone (`Machine.skip_to`) — and takes
        over what that replay ends with. Depends on (scenario, rows, seed, shard) only, never on
        which other shards run, where or when."""
        faults = self.fault_instances(rows, seed)
        if shard == 0:
            return Machine(self.machine_config(rows, seed, 0, faults=faults))
        first = max(0, shard * self.shift_rows - WARM_UP_S)
        shift = first // self.shift_rows
        machine = Machine(self.machine_config(rows, seed, shift, faults=faults))
        machine.skip_to(first)
        while shift < shard:
            machine.judge_parts = False  # nobody reads the warm-up's verdicts
            end = (shift + 1) * self.shift_rows
            while machine.seq < end:  # the replay: made, never written
                machine.advance(min(WARM_UP_CHUNK_ROWS, end - machine.seq))
            shift += 1
            carried = machine.shift_start()
            machine = Machine(self.machine_config(rows, seed, shift, carried, faults))
        return machine


# Part ids of shift k are k·100000 + 1, + 2, …: unique in the run, readable, split-independent.
PART_IDS_PER_SHIFT = 100_000


def _builtin() -> dict[str, Scenario]:
    pump = FaultRule(
        fault="quench_pump_wear", severity=0.45, mode=OnsetMode.RAMP, at_s=4 * 3600, ramp_s=8 * 3600
    )
    clog = FaultRule(
        fault="quench_nozzles_clogged",
        severity=0.5,
        mode=OnsetMode.RAMP,
        at_s=10 * 3600,
        ramp_s=6 * 3600,
    )
    scenarios = [
        Scenario(
            name="normal_production",
            description="The default 1045 shaft, no faults: the healthy baseline.",
        ),
        Scenario(
            name="quench_degradation",
            description="A wearing quench pump, then clogging nozzles: hardness drifts down.",
            faults=[pump, clog],
        ),
        Scenario(
            name="coil_water_loss",
            description="Repeated coil-water flow losses that trip the interlock.",
            faults=[
                FaultRule(
                    fault="coil_water_flow_loss", severity=1.0, rate_per_h=0.5, duration_s=300
                )
            ],
        ),
        Scenario(
            name="mixed_faults",
            description="Many faults at random (rates per hour) and impaired instruments, "
            "three recipes: a dataset for anomaly detection.",
            recipes=[
                RecipeShare(recipe=DEFAULT_RECIPE, weight=3),
                RecipeShare(recipe="4140-shaft-scan", weight=2),
                RecipeShare(recipe="1050-pin-single-shot", weight=1),
            ],
            faults=[
                FaultRule(fault=f, severity=s, rate_per_h=r, duration_s=d, mode=OnsetMode(m))
                for f, s, r, d, m in (
                    ("coil_water_flow_loss", 1.0, 0.2, 300, "step"),
                    ("quench_pump_wear", 0.4, 0.2, 1200, "ramp"),
                    ("quench_nozzles_clogged", 0.5, 0.2, 1200, "ramp"),
                    ("polymer_concentration_high", 0.6, 0.2, 1200, "ramp"),
                    ("polymer_concentration_low", 0.6, 0.2, 1200, "ramp"),
                    ("capacitor_degradation", 0.5, 0.2, 1200, "ramp"),
                    ("inverter_igbt_fault", 1.0, 0.2, 30, "step"),
                    ("mains_voltage_sag", 0.5, 0.2, 120, "step"),
                    ("part_misseated", 0.8, 0.2, 600, "intermittent"),
                    ("scan_drive_error", 0.3, 0.24, 900, "step"),
                    ("pyrometer_dirty_lens", 0.6, 0.2, 1200, "ramp"),
                    ("flow_sensor_stuck", 1.0, 0.2, 1800, "step"),
                    ("ground_fault", 0.8, 0.2, 60, "step"),
                )
            ],
            impairments=[
                ImpairmentRule(signal="quench_temp_c", kind=ImpairmentKind.DRIFT, magnitude=0.2),
                ImpairmentRule(signal="coil_current_a", kind=ImpairmentKind.SPIKES, magnitude=300),
            ],
        ),
    ]
    return {s.name: s for s in scenarios}


BUILTIN: dict[str, Scenario] = _builtin()


class ScenarioNotFoundError(LookupError):
    pass


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A built-in scenario by name, or a JSON/YAML file."""
    if isinstance(name_or_path, str) and name_or_path in BUILTIN:
        return BUILTIN[name_or_path]
    path = Path(name_or_path)
    if not path.is_file():
        known = ", ".join(sorted(BUILTIN))
        raise ScenarioNotFoundError(
            f"no built-in scenario or file named {str(name_or_path)!r} (built-in: {known})"
        )
    text = path.read_text()
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    return Scenario.model_validate(data)
