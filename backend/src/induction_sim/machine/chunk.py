"""What the engine hands to its drivers: columnar samples, parts and events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

# Columns of a sample chunk besides the signals (dtype per column).
KEY_COLUMNS: dict[str, type[np.generic]] = {
    "seq": np.int64,
    "machine_state": np.int16,
    "part_id": np.int64,  # 0: no part in the machine
    "alarm_code": np.int16,  # 0: no latched alarm
    "faults_onset": np.int64,  # bitmask over FaultType.bit
    "faults_active": np.int64,
    "faults_recovering": np.int64,
    "faults_acting": np.int64,  # faults whose effect reaches the machine or a part
}


@dataclass(frozen=True)
class PartRecord:
    part_id: int
    recipe_name: str
    steel_grade: str
    started_seq: int
    finished_seq: int
    surface_hrc: float
    case_depth_mm: float
    case_depth_iso_mm: float
    peak_surface_temp_c: float
    energy_part_kj: float
    energy_coil_kj: float
    profile_depth_mm: NDArray[np.float64]
    profile_hv: NDArray[np.float64]
    verdict: str  # OK | NOK on the true values (the ground-truth label)
    reasons: tuple[str, ...]
    interrupted: bool
    # What the plant measured and decided (machine/inspection.py, quality.evaluate_plant):
    # measured values NaN where the part was not inspected.
    hardness_inspected: bool
    surface_hrc_measured: float
    case_depth_inspected: bool
    case_depth_measured_mm: float
    plant_verdict: str  # OK | NOK on the measured values and the process monitors
    plant_reasons: tuple[str, ...]


@dataclass(frozen=True)
class EventRecord:
    seq: int
    # state_change | alarm_raised | alarm_acknowledged | alarm_reset | operator_action |
    # fault_injected | fault_cleared; natural variation: wait | quench_top_up | sensor_glitch
    kind: str
    code: int | None = None
    from_state: str | None = None
    to_state: str | None = None
    message: str = ""
    operator: str | None = None
    comment: str | None = None


@dataclass
class SampleChunk:
    """`n` consecutive samples starting at `start_seq`; one array per column."""

    start_seq: int
    columns: dict[str, NDArray[Any]]  # KEY_COLUMNS + measured signals (float64)
    true_values: dict[str, NDArray[np.float64]]  # what really happened, per signal
    parts: list[PartRecord] = field(default_factory=list)  # parts finished in this chunk
    events: list[EventRecord] = field(default_factory=list)

    @property
    def size(self) -> int:
        return int(self.columns["seq"].shape[0])

    @staticmethod
    def concatenate(chunks: list[SampleChunk]) -> SampleChunk:
        first = chunks[0]
        return SampleChunk(
            start_seq=first.start_seq,
            columns={k: np.concatenate([c.columns[k] for c in chunks]) for k in first.columns},
            true_values={
                k: np.concatenate([c.true_values[k] for c in chunks]) for k in first.true_values
            },
            parts=[p for c in chunks for p in c.parts],
            events=[e for c in chunks for e in c.events],
        )
