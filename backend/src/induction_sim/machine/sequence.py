"""The PLC's step sequence as a pure value: where the machine is, and where it will be.

A `Cursor` is the machine's position (state, seconds in it, part, remaining cycle steps).
`Cursor.walk(limit)` lays out the states of the next `limit` seconds and the position after them;
`Cursor.advance(k)` is the position `k` seconds later — the same walk, so planning a chunk and
committing part of it can never disagree. Hold states (ALARM, E_STOP, STOPPED) last until a
command changes the cursor.

A heat lasts as long as the part's physics heats: the PLC ends HEATING when the scan axis reaches
the end of the hardened length, so the heat's length is decided when the heat *starts*, from the
drive's actual speed then (`heat_s(at, part_id)`), with the same rounded speed factor the part
physics uses (`machine.heating`). A heat planned longer than the physics heats would leave the
coil without power while the PLC still heats (a NO_LOAD trip every cycle).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Protocol

from induction_sim.machine.states import (
    CLAMPING_S,
    IDLE_S,
    LOADING_S,
    SCAN_QUENCH_TAIL_S,
    SHOT_QUENCH_S,
    UNLOADING_S,
    MachineState,
)
from induction_sim.physics.inputs import MIN_SCAN_SPEED_FACTOR

S = MachineState
HOLD_STATES = frozenset({S.ALARM, S.E_STOP, S.STOPPED})
# States in which a part is in the machine.
PART_STATES = frozenset({S.LOADING, S.CLAMPING, S.HEATING, S.QUENCHING, S.TEMPERING, S.UNLOADING})
# From the start of loading to the start of the heat (no hold in between: a hold ends the cycle).
LOAD_TO_HEAT_S = LOADING_S + CLAMPING_S
# `heat_s(at, part_id)`: the heat's length in whole seconds for the part whose heat starts at
# offset `at` (None: the planned cycle's heat stands).
HeatSeconds = Callable[[int, int], int]


@dataclass(frozen=True)
class Step:
    state: MachineState
    duration_s: int


@dataclass(frozen=True)
class Run:
    """`length` seconds in `state` starting at offset `start`; `elapsed0` seconds were spent in
    the state before the run began (a run continuing from the previous chunk)."""

    state: MachineState
    start: int
    length: int
    part_id: int  # 0: none
    elapsed0: int
    step_s: int = 0  # full duration of the step this run belongs to (0: a hold state)

    @property
    def end(self) -> int:
        return self.start + self.length


@dataclass(frozen=True)
class Cursor:
    state: MachineState
    elapsed_s: int
    part_id: int
    steps: tuple[Step, ...]  # the current step first, then the rest of the cycle
    next_part_id: int = 1
    stop_requested: bool = False

    @classmethod
    def initial(cls, running: bool) -> Cursor:
        return cls(S.IDLE if running else S.STOPPED, 0, 0, ())

    def hold(self, state: MachineState, keep_part: bool = True) -> Cursor:
        """Enter a hold state now (alarm, e-stop, stop); the cycle resumes after a reset."""
        part = self.part_id if keep_part and self.state in PART_STATES else 0
        next_part_id = self.next_part_id
        if self.state is S.IDLE and any(s.state is S.LOADING for s in self.steps):
            # a cycle held in its wait before loading: its part never came; the next one gets
            # the id (part ids stay consecutive)
            next_part_id = self.part_id
        return replace(
            self, state=state, elapsed_s=0, steps=(), part_id=part, next_part_id=next_part_id
        )

    def resume_after_reset(self) -> Cursor:
        """Leave a hold: unload the part that was in the machine, or go idle."""
        if self.part_id:
            steps = (Step(S.UNLOADING, UNLOADING_S), Step(S.IDLE, IDLE_S))
            return replace(self, state=S.UNLOADING, elapsed_s=0, steps=steps)
        return replace(self, state=S.IDLE, elapsed_s=0, steps=())

    def runs(
        self,
        limit: int,
        cycle_steps: Callable[[int], tuple[Step, ...]],
        heat_s: HeatSeconds | None = None,
    ) -> list[Run]:
        """The states of the next `limit` seconds. `cycle_steps(load_offset)` plans a new cycle
        that starts loading `load_offset` seconds from now; `heat_s` sets each heat's length
        when it starts."""
        return self.walk(limit, cycle_steps, heat_s)[0]

    def advance(
        self,
        seconds: int,
        cycle_steps: Callable[[int], tuple[Step, ...]],
        heat_s: HeatSeconds | None = None,
    ) -> Cursor:
        return self.walk(seconds, cycle_steps, heat_s)[1]

    def walk(
        self,
        limit: int,
        cycle_steps: Callable[[int], tuple[Step, ...]],
        heat_s: HeatSeconds | None = None,
    ) -> tuple[list[Run], Cursor]:
        # plain locals, one Cursor at the end: this loop runs ~7 steps per part (hot path)
        runs: list[Run] = []
        state, elapsed, part_id, steps = self.state, self.elapsed_s, self.part_id, self.steps
        next_part_id, stop_requested = self.next_part_id, self.stop_requested
        at = 0
        while at < limit:
            if state in HOLD_STATES:
                runs.append(Run(state, at, limit - at, part_id, elapsed))
                elapsed += limit - at
                at = limit
                break
            if not steps:  # between cycles
                if stop_requested:
                    state, elapsed, part_id, stop_requested = S.STOPPED, 0, 0, False
                    continue
                state, elapsed, part_id = S.LOADING, 0, next_part_id
                next_part_id += 1
                steps = cycle_steps(at)
            step = steps[0]
            if heat_s is not None and elapsed == 0 and step.state is S.HEATING:
                step = Step(S.HEATING, heat_s(at, part_id))
                steps = (step, *steps[1:])
            length = min(step.duration_s - elapsed, limit - at)
            part = part_id if step.state in PART_STATES else 0
            runs.append(Run(step.state, at, length, part, elapsed, step.duration_s))
            at += length
            if elapsed + length < step.duration_s:
                state, elapsed = step.state, elapsed + length
            else:
                steps = steps[1:]
                state, elapsed = (steps[0].state if steps else S.IDLE), 0
                part_id = part_id if steps else 0
        cursor = Cursor(state, elapsed, part_id, steps, next_part_id, stop_requested)
        return runs, cursor


@lru_cache(maxsize=4096)  # pure, called twice per part; the same few arguments repeat
def cycle_steps_for(
    process: str,
    hardened_length_mm: float,
    scan_speed_mm_s: float | None,
    heat_time_s: float | None,
    temper_time_s: float | None,
    scan_speed_factor: float = 1.0,
) -> tuple[Step, ...]:
    """One part's cycle: load, clamp, heat (scan or shot), quench, temper?, unload, idle."""
    heat = heat_seconds(
        process, hardened_length_mm, scan_speed_mm_s, heat_time_s, scan_speed_factor
    )
    quench = SCAN_QUENCH_TAIL_S if process == "scan" else SHOT_QUENCH_S
    steps = [
        Step(S.LOADING, LOADING_S),
        Step(S.CLAMPING, CLAMPING_S),
        Step(S.HEATING, heat),
        Step(S.QUENCHING, quench),
    ]
    if temper_time_s:
        steps.append(Step(S.TEMPERING, max(1, math.ceil(temper_time_s))))
    steps += [Step(S.UNLOADING, UNLOADING_S), Step(S.IDLE, IDLE_S)]
    return tuple(steps)


class CycleRecipe(Protocol):
    """What a cycle's plan reads from a recipe (`machine.recipe.Recipe` has it)."""

    @property
    def process(self) -> str: ...
    @property
    def hardened_length_mm(self) -> float: ...
    @property
    def scan_speed_mm_s(self) -> float | None: ...
    @property
    def heat_time_s(self) -> float | None: ...
    @property
    def temper_time_s(self) -> float | None: ...


def recipe_cycle_steps(recipe: CycleRecipe) -> tuple[Step, ...]:
    """The recipe's cycle as planned (nominal scan speed)."""
    r = recipe
    return cycle_steps_for(
        r.process, r.hardened_length_mm, r.scan_speed_mm_s, r.heat_time_s, r.temper_time_s
    )


def heat_seconds(
    process: str,
    hardened_length_mm: float,
    scan_speed_mm_s: float | None,
    heat_time_s: float | None,
    scan_speed_factor: float = 1.0,
) -> int:
    """Whole seconds of HEATING: the last, partial second included. A scan lasts length ÷ actual
    speed with the physics' own floor on the speed factor (a stalled drive still creeps,
    `physics.inputs.MIN_SCAN_SPEED_FACTOR`), so the PLC's heat and the part's heat agree."""
    if process == "scan":
        assert scan_speed_mm_s is not None
        speed = scan_speed_mm_s * max(scan_speed_factor, MIN_SCAN_SPEED_FACTOR)
        return max(1, math.ceil(hardened_length_mm / speed))
    assert heat_time_s is not None
    return max(1, math.ceil(heat_time_s))
