"""Fault schedules as data: timed, conditional and stochastic rules → fault instances.

A rule is exactly one of
- timed:       `at_s` — starts at that simulated second;
- conditional: `from_part` — starts when part N is loaded (resolved by the machine), and/or
               `every_nth_heat` — acts only while heating every N-th part;
- stochastic:  `rate_per_h` — Poisson arrivals over the run, drawn from the run's seed, so the same
               scenario file and seed give the same fault times anywhere.
"""

from __future__ import annotations

from typing import Self

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from induction_sim.machine.faults import BY_ID, FaultInstance, OnsetMode

SCHEDULE_STREAM = 9_001  # random stream of the stochastic rules (see sensors for the scheme)


class FaultRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fault: str = Field(description="catalogue fault id, e.g. quench_pump_wear")
    severity: float = Field(ge=0.0, le=1.0)
    mode: OnsetMode = OnsetMode.STEP
    at_s: float | None = Field(default=None, ge=0.0, description="timed: onset in simulated s")
    from_part: int | None = Field(default=None, ge=1, description="conditional: from part N on")
    every_nth_heat: int | None = Field(default=None, ge=1, description="conditional: N-th heats")
    rate_per_h: float | None = Field(
        default=None, gt=0.0, le=60.0, description="stochastic: mean arrivals per hour"
    )
    duration_s: float | None = Field(default=None, gt=0.0, description="None: until the end")
    ramp_s: float = Field(default=600.0, gt=0.0)
    period_s: float = Field(default=120.0, gt=0.0)
    duty: float = Field(default=0.5, gt=0.0, le=1.0)

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
