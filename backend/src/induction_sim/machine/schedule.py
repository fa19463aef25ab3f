"""Fault schedules as data: timed, conditional and stochastic rules → fault instances.

A rule is exactly one of
- timed:       `at_s` — starts at that simulated second;
- conditional: `from_part` — starts when part N is loaded (resolved by the machine), and/or
               `every_nth_heat` — acts only while heating every N-th part;
- stochastic:  `rate_per_h` — Poisson arrivals over the run, drawn from the run's seed, so the same
               scenario file and seed give the same fault times anywhere.
"""

from __future__ import annotations

from typing import Annotated, Any, Self, cast

import numpy as np
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    field_validator,
    model_validator,
)

from induction_sim.machine.faults import BY_ID, FaultInstance, OnsetMode
from induction_sim.textfields import Name, Number, Real, json_number, one_of

SCHEDULE_STREAM = 9_001  # random stream of the stochastic rules (see sensors for the scheme)

# A stochastic rule expands into about `rate_per_h` instances per simulated hour (Poisson, each
# instance also lasting `duration_s`), all drawn before the run starts: the bound keeps one rule
# at most one fault every 5 minutes on average (~67,000 over a 20M-row dataset).
MAX_RATE_PER_H = 12.0
# Times are simulated seconds; 10⁹ s (~32 years) is far beyond any dataset and keeps them finite.
MAX_SECONDS = 1.0e9
# Part counters are int64 in the engine; a billion parts is beyond any dataset.
MAX_PART = 1_000_000_000
# Bounds before the validator: after it, or on `Integer | None`, the schema would show `ge`/`le`.
PartNumber = Annotated[int, Field(ge=1, le=MAX_PART), BeforeValidator(json_number)]


def _given(field: str) -> dict[str, Any]:
    """JSON Schema: `field` is present and not null."""
    return {"required": [field], "properties": {field: {"type": "number"}}}


_TRIGGERS = ("at_s", "from_part", "rate_per_h")
# `_one_trigger` in JSON Schema, so that the OpenAPI schema states it.
_TRIGGER_RULES: list[dict[str, Any]] = [
    {"anyOf": [_given(f) for f in (*_TRIGGERS, "every_nth_heat")]},
    *(
        {"not": {"allOf": [_given(a), _given(b)]}}
        for i, a in enumerate(_TRIGGERS)
        for b in _TRIGGERS[i + 1 :]
    ),
    {"if": _given("rate_per_h"), "then": _given("duration_s")},
]


class FaultRule(BaseModel):
    """One rule of a fault schedule; see the module docstring for the kinds of trigger."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"allOf": cast("list[JsonValue]", _TRIGGER_RULES)}
    )

    fault: Name = Field(
        description="catalogue fault id, e.g. quench_pump_wear",
        json_schema_extra=one_of(sorted(BY_ID)),
    )
    severity: Real = Field(ge=0.0, le=1.0)
    mode: OnsetMode = OnsetMode.STEP
    at_s: Number | None = Field(
        default=None, ge=0.0, le=MAX_SECONDS, description="timed: onset in simulated s"
    )
    from_part: PartNumber | None = Field(default=None, description="conditional: from part N on")
    every_nth_heat: PartNumber | None = Field(default=None, description="conditional: N-th heats")
    rate_per_h: Number | None = Field(
        default=None,
        gt=0.0,
        le=MAX_RATE_PER_H,
        description="stochastic: mean arrivals per simulated hour (at most one per 5 min)",
    )
    duration_s: Number | None = Field(
        default=None, gt=0.0, le=MAX_SECONDS, description="None: until the end"
    )
    ramp_s: Number = Field(default=600.0, gt=0.0, le=MAX_SECONDS)
    period_s: Number = Field(
        default=120.0, ge=1.0, le=MAX_SECONDS, description="intermittent: on/off period, ≥ 1 sample"
    )
    duty: Number = Field(default=0.5, gt=0.0, le=1.0)

    @field_validator("fault")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in BY_ID:
            raise ValueError(f"unknown fault {value!r}; known: {', '.join(sorted(BY_ID))}")
        return value

    @model_validator(mode="after")
    def _one_trigger(self) -> Self:
        triggers = [self.at_s is not None, self.from_part is not None, self.rate_per_h is not None]
        if sum(triggers) > 1:
            raise ValueError("give only one of at_s, from_part, rate_per_h")
        if sum(triggers) == 0 and self.every_nth_heat is None:
            raise ValueError("give a trigger: at_s, from_part, every_nth_heat or rate_per_h")
        if self.rate_per_h is not None and self.duration_s is None:
            raise ValueError("a stochastic rule (rate_per_h) needs duration_s")
        return self

    def instances(self, horizon_s: float, seed: int, index: int) -> list[FaultInstance]:
        """The fault instances this rule makes over a run of `horizon_s` simulated seconds."""
        base = FaultInstance(
            self.fault,
            self.severity,
            self.mode,
            onset_s=self.at_s or 0.0,
            duration_s=self.duration_s,
            ramp_s=self.ramp_s,
            period_s=self.period_s,
            duty=self.duty,
            from_part=self.from_part,
            every_nth_heat=self.every_nth_heat,
        )
        if self.rate_per_h is None:
            return [base]
        rng = np.random.default_rng([seed, SCHEDULE_STREAM, index])
        mean_gap_s = 3600.0 / self.rate_per_h
        onsets: list[FaultInstance] = []
        t = float(rng.exponential(mean_gap_s))
        while t < horizon_s:
            onsets.append(FaultInstance(**{**base.__dict__, "onset_s": t}))
            t += float(self.duration_s or 0.0) + float(rng.exponential(mean_gap_s))
        return onsets


def expand(rules: list[FaultRule], horizon_s: float, seed: int) -> tuple[FaultInstance, ...]:
    return tuple(f for i, rule in enumerate(rules) for f in rule.instances(horizon_s, seed, i))
