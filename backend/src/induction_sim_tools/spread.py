"""The spread of normal production: energy per part, heat time, cycle time, peak temperature.

`python -m induction_sim_tools.spread [scenario] [--rows N] [--seed S]` runs one shift's machine
of a scenario (the engine alone, no database) and prints mean, sd and p1–p99 of each figure —
the numbers docs/machine.md ("Natural variation") quotes. The tests check the same figures
against their documented bands (`spreads`).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from induction_sim.machine.chunk import SampleChunk
from induction_sim.machine.machine import Machine
from induction_sim.machine.scenario import BUILTIN
from induction_sim.machine.states import MachineState

S = MachineState


@dataclass(frozen=True)
class Spread:
    name: str
    unit: str
    mean: float
    sd: float
    p1: float
    p50: float
    p99: float
    n: int

    @classmethod
    def of(cls, name: str, unit: str, values: NDArray[np.float64]) -> Spread:
        v = np.asarray(values, dtype=np.float64)
        p1, p50, p99 = np.percentile(v, [1, 50, 99])
        sd = float(v.std(ddof=1))
        return cls(name, unit, float(v.mean()), sd, float(p1), float(p50), float(p99), v.size)


def _starts(state: NDArray[np.int16], code: MachineState) -> NDArray[np.int64]:
    on = state == int(code)
    return np.flatnonzero(on & ~np.r_[False, on[:-1]])


def spreads(chunk: SampleChunk) -> dict[str, Spread]:
    """The spread of finished, uninterrupted parts and of complete cycles in `chunk`."""
    parts = [p for p in chunk.parts if not p.interrupted]
    state = chunk.columns["machine_state"]
    loads = _starts(state, S.LOADING)
    heating = state == int(S.HEATING)
    heats = _starts(state, S.HEATING)
    ends = np.flatnonzero(heating & ~np.r_[heating[1:], False])
    heats, ends = heats[: ends.shape[0]], ends[: heats.shape[0]]
    complete = ends < state.shape[0] - 1  # the run's last heat may be cut off
    pyrometer = chunk.columns["surface_temp_c"]
    peaks = np.array([np.nanmax(pyrometer[a : b + 1]) for a, b in zip(heats, ends, strict=True)])
    return {
        s.name: s
        for s in (
            Spread.of("energy_per_part", "kJ", np.array([p.energy_coil_kj for p in parts])),
            Spread.of("heat_time", "s", (ends - heats + 1)[complete].astype(np.float64)),
            Spread.of("cycle_time", "s", np.diff(loads).astype(np.float64)),
            Spread.of("peak_temp", "°C", np.array([p.peak_surface_temp_c for p in parts])),
            Spread.of("pyrometer_peak", "°C", peaks[complete]),
            Spread.of("surface_hrc", "HRC", np.array([p.surface_hrc for p in parts])),
            Spread.of("case_depth", "mm", np.array([p.case_depth_mm for p in parts])),
        )
    }


def run(scenario: str, rows: int, seed: int) -> SampleChunk:
    return Machine(BUILTIN[scenario].machine_config(rows, seed, 0)).advance(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="normal_production", choices=sorted(BUILTIN))
    parser.add_argument("--rows", type=int, default=28_800, help="samples (default: one shift)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    chunk = run(args.scenario, args.rows, args.seed)
    print(f"{args.scenario}, {args.rows:,} rows, seed {args.seed}: {len(chunk.parts)} parts")
    print(
        f"{'figure':16s} {'unit':4s} {'mean':>9s} {'sd':>7s} {'cv %':>6s} {'p1':>9s} {'p50':>9s}"
        f" {'p99':>9s}"
    )
    for s in spreads(chunk).values():
        cv = 100.0 * s.sd / s.mean if s.mean else float("nan")
        print(
            f"{s.name:16s} {s.unit:4s} {s.mean:9.2f} {s.sd:7.2f} {cv:6.2f} {s.p1:9.2f}"
            f" {s.p50:9.2f} {s.p99:9.2f}"
        )
    kinds = [e.kind for e in chunk.events]
    alarms = sum(k == "alarm_raised" for k in kinds)
    print(
        f"events: {kinds.count('wait')} waits, {kinds.count('sensor_glitch')} sensor glitches, "
        f"{alarms} alarms, {kinds.count('quench_top_up')} top-ups; "
        f"NOK {sum(p.verdict == 'NOK' for p in chunk.parts)} of {len(chunk.parts)}"
    )


if __name__ == "__main__":
    main()
