"""Bridge from the machine's cycle to the part physics: per-part simulation and 1 Hz signals.

Each part is simulated with the conditions the faults impose at its heat start, in one batch with
the other parts that start heating in the same chunk. Conditions are rounded below what matters
metallurgically, so parts made under the same conditions share one simulation (`_Entry`): its
result, and its per-second electrical signals (frequency, coil current and voltage, power) and
pyrometer reading over the heat — so the Curie step shows in every cycle at no extra cost.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from induction_sim.machine.auxiliaries import blocked_hole_fraction
from induction_sim.machine.faults import FaultInstance
from induction_sim.machine.modifiers import Modifiers, modifiers_for
from induction_sim.machine.recipe import Recipe
from induction_sim.machine.sequence import (
    LOAD_TO_HEAT_S,
    HeatSeconds,
    Run,
    Step,
    heat_seconds,
    recipe_cycle_steps,
)
from induction_sim.machine.states import MachineState
from induction_sim.machine.variation import PartDraws, by_part_id, part_draws
from induction_sim.physics.inputs import PartConditions, build_inputs
from induction_sim.physics.part import simulate_parts
from induction_sim.physics.results import PartResult
from induction_sim.physics.telemetry import coil_state_at

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
S = MachineState

# Heat-to-heat carbon scatter of one grade's deliveries, 1σ [E; a grade's specification spans
# 0.05–0.08 % C, docs/physics.md §12.2].
CARBON_SCATTER_PCT = 0.01
AMBIENT_C = 25.0
QUENCH_TAU_S = 1.5  # surface cooling under the spray as the pyrometer sees it [E]
CARBON_STREAM = 7_001  # noise stream of the per-part carbon offsets (see sensors.standard_normal)
# Conditions are rounded below metallurgical relevance so equal parts share one simulation; the
# scan-speed step is also what the PLC's heat length is computed from (`scan_heat_planner`).
SCAN_SPEED_FACTOR_STEP = 0.005
# Rounding steps of the conditions a part's physics sees: (a clean machine, with natural
# variation). A clean machine keeps fine steps (every difference there is a fault's); with the
# line's own scatter, steps whose effect is below the sensitivity budget of docs/machine.md
# ("Natural variation": ≲ 5 K peak, ≲ 0.2 HRC, ≲ 0.05 mm per step) let parts share simulations —
# else nearly every part would be a simulation of its own.
CONDITION_STEPS: dict[str, tuple[float, float]] = {
    "quench_flow_factor": (0.005, 0.05),
    "quench_concentration_pct": (0.05, 1.0),
    "quench_temp_c": (0.25, 5.0),
    "capacitance_factor": (0.002, 0.02),
    "carbon_offset_pct": (0.005, 0.01),
}
# Steps of the natural part-to-part conditions alone (machine/variation.py)
POWER_FACTOR_STEP = 0.005
INITIAL_TEMP_STEP_C = 10.0
GAP_STEP_MM = 0.03
_ELECTRIC = ("frequency_hz", "coil_current_a", "coil_voltage_v", "power_factor", "dc_bus_v")


@dataclass(frozen=True)
class HeatingSignals:
    power_coil_w: FloatArray
    frequency_hz: FloatArray
    coil_current_a: FloatArray
    coil_voltage_v: FloatArray
    power_factor: FloatArray
    dc_bus_v: FloatArray
    coil_loss_w: FloatArray
    surface_temp_c: FloatArray


@dataclass(frozen=True)
class _Entry:
    """One simulated set of conditions: its result and its per-second heating signals."""

    result: PartResult
    per_second: dict[str, FloatArray]  # signal → value in heating second k (k = 0 … T−1)


class CyclePhysics:
    """Part physics for one machine: simulate new parts, answer per-sample questions."""

    def __init__(self, recipe: Recipe, seed: int = 0, part_variation: float = 0.0) -> None:
        self.recipe = recipe
        self.seed = seed
        self.part_variation = part_variation  # scale of the natural part-to-part conditions
        self._entries: dict[PartConditions, _Entry] = {}
        self._part: dict[int, PartConditions] = {}
        self.nominal = _nominal_part(recipe.model_dump_json())

    def nominal_quench_duty_w(self) -> float:
        """Mean heat the quench removes at nominal production (sizes the tank's exchanger)."""
        cycle_s = sum(s.duration_s for s in self._nominal_cycle())
        return self.nominal.energy_part_kj * 1000.0 / cycle_s

    def quench_heat_w(self, state: NDArray[np.int16]) -> FloatArray:
        """Heat into the quench tank per sample: a nominal part's energy spread over the samples
        in which the spray runs. Independent of per-part physics on purpose, so that the slow
        tank state is known before the parts whose quench it sets."""
        spray = {S.QUENCHING} | ({S.HEATING} if self.recipe.process == "scan" else set())
        spray_s = sum(s.duration_s for s in self._nominal_cycle() if s.state in spray)
        spraying = np.isin(state, [int(s) for s in spray])
        return np.where(spraying, self.nominal.energy_part_kj * 1000.0 / spray_s, 0.0)

    def _nominal_cycle(self) -> tuple[Step, ...]:
        return recipe_cycle_steps(self.recipe)

    def prepare(
        self,
        runs: list[Run],
        mods: Modifiers,
        quench_temp_c: FloatArray,
        quench_flow_factor: FloatArray,
    ) -> None:
        """Simulate, in one batch, every part whose heat starts among `runs`."""
        starts = [
            r
            for r in runs
            if r.state is S.HEATING and r.elapsed0 == 0 and r.part_id not in self._part
        ]
        if not starts:
            return
        at = np.array([r.start for r in starts])
        ids = np.array([r.part_id for r in starts])
        carbon = CARBON_SCATTER_PCT * by_part_id(self.seed, CARBON_STREAM, ids)
        natural = part_draws(self.seed, ids, self.part_variation) if self.part_variation else None
        conditions = part_conditions(
            self.recipe, mods, at, quench_temp_c, quench_flow_factor, carbon, natural
        )
        for pid, cond in zip(ids.tolist(), conditions, strict=True):
            self._part[pid] = cond
        missing = {c for c in self._part.values() if c not in self._entries}
        if missing:
            self._entries.update(self._simulate(list(missing)))

    def simulate_one(self, conditions: PartConditions) -> tuple[PartResult, dict[str, FloatArray]]:
        """One part under `conditions`: its result and per-second heating signals (as `signals`
        shows them in the machine). Used by the one-part path (`single_part`)."""
        if conditions not in self._entries:
            self._entries.update(self._simulate([conditions]))
        entry = self._entries[conditions]
        return entry.result, entry.per_second

    def interrupt(self, part_id: int, heated_s: int) -> None:
        """The heat of this part stopped after `heated_s` seconds: redo its physics."""
        conditions = self._part.get(part_id)
        if conditions is None:
            return
        fraction = min(max(heated_s / max(self.result(part_id).heat_on_s, 1e-9), 0.0), 1.0)
        cut = replace(conditions, heat_interrupted_at=round(fraction, 3))
        self._part[part_id] = cut
        if cut not in self._entries:
            self._entries.update(self._simulate([cut]))

    def heated(self, part_id: int) -> bool:
        return part_id in self._part

    def result(self, part_id: int) -> PartResult:
        conditions = self._part.get(part_id)
        return self.nominal if conditions is None else self._entries[conditions].result

    def forget(self, part_id: int) -> None:
        """The part has left the machine. Bound the cache: keep what parts still in it use."""
        self._part.pop(part_id, None)
        if len(self._entries) > 4096:
            used = set(self._part.values())
            self._entries = {c: e for c, e in self._entries.items() if c in used}

    def signals(
        self, part: IntArray, state: NDArray[np.int16], in_state: IntArray
    ) -> HeatingSignals:
        """Per-sample electrical state and true pyrometer temperature from each part's entry."""
        n = part.shape[0]
        out = {k: np.zeros(n) for k in HeatingSignals.__dataclass_fields__}
        out["surface_temp_c"] = np.full(n, AMBIENT_C)
        heating = state == int(S.HEATING)
        quenching = state == int(S.QUENCHING)
        active = np.flatnonzero(heating | quenching)
        if active.size == 0:
            return HeatingSignals(**out)
        # one row per distinct entry used here, then a gather per signal (looked up per part,
        # not per sample: a chunk holds thousands of active samples of a few dozen parts)
        pids, sample_pid = np.unique(part[active], return_inverse=True)
        local: dict[PartConditions, int] = {}
        pid_row = [
            -1 if c is None else local.setdefault(c, len(local))
            for c in (self._part.get(pid) for pid in pids.tolist())
        ]
        row = np.array(pid_row, dtype=np.int64)[sample_pid]
        known = row >= 0
        active, row = active[known], row[known]
        entries = [self._entries[c] for c in local]
        width = max(e.per_second["power_coil_w"].shape[0] for e in entries)
        k = np.minimum(in_state[active], width - 1)
        is_heat = heating[active]
        for name in (*_ELECTRIC, "power_coil_w", "coil_loss_w", "surface_temp_c"):
            table = np.stack([_pad(e.per_second[name], width) for e in entries])
            values = table[row, k]
            if name == "surface_temp_c":
                peak = np.array([e.result.peak_surface_temp_c for e in entries])[row]
                q = self.recipe.quench_temp_c
                cooled = q + (peak - q) * np.exp(-(in_state[active] + 1.0) / QUENCH_TAU_S)
                out[name][active] = np.where(is_heat, values, cooled)
            else:
                out[name][active] = np.where(is_heat, values, 0.0)
        return HeatingSignals(**out)

    def _simulate(self, conditions: list[PartConditions]) -> dict[PartConditions, _Entry]:
        batch = simulate_parts(build_inputs(self.recipe, conditions))
        seconds = int(np.ceil(float(np.max(batch.heat_on_s)))) + 1
        k = np.tile(np.arange(seconds, dtype=np.float64), batch.size)
        heat_on = np.repeat(batch.heat_on_s, seconds)
        # Each sample is the average over its second: the last, partial second of a heat shows
        # the state in the middle of its on-time and the power scaled by the on-fraction.
        on_fraction = np.clip(heat_on - k, 0.0, 1.0)
        t = np.where(on_fraction > 0, k + 0.5 * np.maximum(on_fraction, 1e-6), k + 0.5)
        rows = np.repeat(np.arange(batch.size), seconds)
        # the coil's history is all `coil_state_at` reads: take that alone, per second
        tank = coil_state_at(replace(batch, coil=batch.coil.take(rows)), t)
        on = tank.power_coil_w > 0

        def grid(values: FloatArray) -> FloatArray:
            return values.reshape(batch.size, seconds)

        per_second = {
            "frequency_hz": grid(tank.frequency_hz * on),
            "coil_current_a": grid(tank.coil_current_a),
            "coil_voltage_v": grid(tank.coil_voltage_v),
            "power_factor": grid(tank.power_factor),
            "dc_bus_v": grid(tank.dc_bus_v),
            "power_coil_w": grid(tank.power_coil_w * on_fraction),
            "coil_loss_w": grid((tank.power_coil_w - tank.power_part_w) * on_fraction),
        }
        # the pyrometer looks at the coil exit: a scan shows sections that have had the full
        # dwell (after the first dwell), a single shot the heated zone itself
        age = np.arange(1, seconds + 1, dtype=np.float64)
        entries: dict[PartConditions, _Entry] = {}
        for i, c in enumerate(conditions):
            result = batch.part(i)
            seen = np.minimum(
                age, result.dwell_s if self.recipe.process == "scan" else result.heat_on_s
            )
            signals = {name: values[i] for name, values in per_second.items()}
            signals["surface_temp_c"] = np.interp(
                seen, result.heat_age_s, result.heat_surface_temp_c
            )
            entries[c] = _Entry(result, signals)
        return entries


@lru_cache(maxsize=64)
def _nominal_part(recipe_json: str) -> PartResult:
    """A recipe's nominal part (no fault, nominal carbon): it sizes the quench tank's exchanger
    and stands in for parts not simulated yet. A pure function of the recipe, kept per process:
    every shard builds a machine, and this is ≈5 ms of physics each time."""
    recipe = Recipe.model_validate_json(recipe_json)
    return simulate_parts(build_inputs(recipe, [PartConditions()])).part(0)


def part_conditions(
    recipe: Recipe,
    mods: Modifiers,
    at: IntArray,
    quench_temp_c: FloatArray,
    quench_flow_factor: FloatArray,
    carbon_offset_pct: FloatArray,
    natural: PartDraws | None = None,
) -> list[PartConditions]:
    """What the faults (and the `natural` part-to-part variation, if any) do to the parts heated
    at samples `at` — the one mapping from machine modifiers to physics conditions. Values are
    rounded below metallurgical relevance, so that parts made under equal conditions share one
    simulation."""
    eccentricity = mods.eccentricity_mm[at] + (0.0 if natural is None else natural.eccentricity_mm)
    varied = natural is not None

    def rounded(name: str, values: FloatArray) -> FloatArray:
        return _round(values, CONDITION_STEPS[name][varied])

    columns: dict[str, FloatArray] = {
        "mains_voltage_factor": _round(mods.mains_factor[at], 0.005),
        "eccentricity_mm": _round(eccentricity, 0.05),
        "quench_flow_factor": rounded("quench_flow_factor", quench_flow_factor[at]),
        "quench_blocked_fraction": _round(blocked_hole_fraction(mods.quench_clog[at]), 0.01),
        "quench_concentration_pct": rounded(
            "quench_concentration_pct",
            recipe.quench_concentration_pct + mods.concentration_offset_pct[at],
        ),
        "quench_temp_c": rounded("quench_temp_c", quench_temp_c[at]),
        "capacitance_factor": rounded("capacitance_factor", mods.capacitance_factor[at]),
        "scan_speed_factor": _round(mods.scan_speed_factor[at], SCAN_SPEED_FACTOR_STEP),
        "carbon_offset_pct": rounded("carbon_offset_pct", carbon_offset_pct),
    }
    if natural is not None:
        columns["power_factor"] = _round(natural.power_factor, POWER_FACTOR_STEP)
        columns["initial_temp_c"] = _round(natural.initial_temp_c, INITIAL_TEMP_STEP_C)
        columns["gap_mm"] = recipe.coil_gap_mm + _round(natural.gap_offset_mm, GAP_STEP_MM)
    names = list(columns)
    rows = zip(*(np.asarray(columns[n]).tolist() for n in names), strict=True)
    return [PartConditions(**dict(zip(names, values, strict=True))) for values in rows]


def scan_heat_planner(recipe: Recipe, faults: list[FaultInstance], seq0: int) -> HeatSeconds | None:
    """The PLC's heat length for a part whose heat starts at offset `at` of a plan beginning at
    sample `seq0`: the scan at the drive's actual speed then, with the modifiers the part's
    physics gets (`Machine._synthesise` → `CyclePhysics.prepare` → `part_conditions`) — the same
    faults, "from part N" onsets resolved at part N's loading, every-Nth-heat faults acting on
    their heats only, and the same rounding. None when no fault can change the scan speed."""
    if recipe.process != "scan" or not any(f.fault_id == "scan_drive_error" for f in faults):
        return None
    first_load: dict[int, int] = {}  # from_part → offset where that part was loaded in the plan

    def heat_s(at: int, part_id: int) -> int:
        resolved: list[FaultInstance] = []
        for f in faults:
            if f.from_part is not None:
                if part_id < f.from_part:
                    continue  # not reached yet: the fault is pending
                # first sample of the plan holding a part ≥ N: part N's loading, or the
                # plan's start when such a part was already in the machine
                load = first_load.setdefault(
                    f.from_part, max(at - LOAD_TO_HEAT_S, 0) if part_id == f.from_part else 0
                )
                f = replace(f, onset_s=float(seq0 + load), from_part=None)
            resolved.append(f)
        factor = modifiers_for(
            resolved,
            np.array([float(seq0 + at)]),
            np.array([part_id], dtype=np.int64),
            np.array([True]),
        ).scan_speed_factor
        r = recipe
        return heat_seconds(
            r.process,
            r.hardened_length_mm,
            r.scan_speed_mm_s,
            r.heat_time_s,
            float(_round(factor, SCAN_SPEED_FACTOR_STEP)[0]),
        )

    return heat_s


def _pad(values: FloatArray, width: int) -> FloatArray:
    return values if values.shape[0] == width else np.pad(values, (0, width - values.shape[0]))


def _round(values: FloatArray, step: float) -> FloatArray:
    return np.round(np.asarray(values, dtype=np.float64) / step) * step
