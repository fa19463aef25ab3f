"""The telemetry contract: what one 1 Hz sample is, column by column, and how its labels read.

Every place that stores, sends or exports samples derives from this module, so a column or a
label means the same thing everywhere:

- `SAMPLE_COLUMNS`: the stored sample, in `telemetry` column order (name, role, SQL type, unit,
  description). `storage/tables.py` builds the table from it, `storage/telemetry_copy.py` the
  binary COPY layout, `storage/export/` the export columns and the manifest's column list,
  `storage/labelled_view.py` the readable SQL view.
- Roles: `id` (run, sample number, sim time), `state` (PLC state, part, alarm), `measured`
  (the catalogue's signals as instruments read them), `setpoint` (a catalogue signal that is
  what the PLC asks for, not a reading: `SETPOINT_SIGNALS`), `true` (the true value behind a
  measured signal that sensor-only faults act on), `label` (the fault phase bitmasks and
  `faults_acting`: the faults whose effect reaches the machine or a part at that sample, i.e.
  effective severity > 0 — `faults.effective_severity`, one rule per fault `acts_when`).
- Fault labels: three bitmasks per sample (`MASKS`, over `FaultType.bit`). A fault's bit can be
  set in two masks at once (an instance injected again while the last one recovers); it then
  has ONE phase, the first of `MASKS` in which it is set (onset > active > recovering). That
  precedence is stated here once: `fault_labels` (one sample), `fault_phase_codes` (vectorised)
  and the SQL of `storage/labelled_view.py` are all written over `MASKS`.
- JSON: `json_columns(columns)` turns engine/stored columns into JSON-ready lists (state names,
  `None` for a 0 part or alarm and for NaN, `fault_labels` lists); `json_sample(columns, i)`
  is row `i` of it as one dict (the live stream's sample message).

A new signal: its `Signal` in `machine/signals.py` (it appears here as a `measured` column), its
producer in the engine, and one migration adding the column.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from induction_sim.machine.faults import BY_BIT, CATALOGUE_MASK, Phase
from induction_sim.machine.signals import SIGNALS, TRUE_VALUE_SIGNALS, true_column
from induction_sim.machine.states import MachineState

__all__ = [
    "ACTING",
    "MASKS",
    "PHASE_CODES",
    "SAMPLE_COLUMNS",
    "SETPOINT_SIGNALS",
    "SIGNAL_ROLES",
    "Role",
    "SampleColumn",
    "fault_labels",
    "fault_phase_codes",
    "json_columns",
    "json_sample",
]


class Role(StrEnum):
    ID = "id"
    STATE = "state"
    MEASURED = "measured"
    SETPOINT = "setpoint"
    TRUE = "true"
    LABEL = "label"


# Catalogue signals that are the PLC's set points, not instrument readings.
SETPOINT_SIGNALS: Final[frozenset[str]] = frozenset({"power_setpoint_kw"})
# The catalogue's signals as the samples carry them (readings and set points, catalogue order).
SIGNAL_ROLES: Final = (Role.MEASURED, Role.SETPOINT)


# stored SQL type → numpy dtype of the stored value
_DTYPES: Final[dict[str, str]] = {
    "int8": "int64",
    "int2": "int16",
    "float4": "float32",
    "timestamptz": "datetime64[us]",
}


@dataclass(frozen=True)
class SampleColumn:
    name: str  # column name everywhere; a measured value carries its unit as suffix
    role: Role
    sql_type: str  # PostgreSQL type of the stored column: int8, int2, float4, timestamptz
    unit: str | None
    description: str
    measured: str | None = None  # a `true` column: the measured signal it stands behind

    @property
    def dtype(self) -> np.dtype[Any]:
        """numpy dtype of the stored value."""
        return np.dtype(_DTYPES[self.sql_type])

    @property
    def sql_comment(self) -> str:
        """The column's comment in the database: the unit in brackets, then the description."""
        return f"[{self.unit}] {self.description}" if self.unit else self.description


# The three label masks in precedence order: a fault set in several has the phase of the first.
MASKS: Final[tuple[tuple[Phase, str], ...]] = (
    (Phase.ONSET, "faults_onset"),
    (Phase.ACTIVE, "faults_active"),
    (Phase.RECOVERING, "faults_recovering"),
)
ACTING: Final = "faults_acting"
# `fault_phase_codes` values: 0 absent, then 1, 2, … in `MASKS` order
PHASE_CODES: Final[dict[Phase, int]] = {phase: i + 1 for i, (phase, _) in enumerate(MASKS)}

_SIGNAL_UNITS: Final = {s.name: s.unit for s in SIGNALS}

SAMPLE_COLUMNS: Final[tuple[SampleColumn, ...]] = (
    SampleColumn("run_id", Role.ID, "int8", None, "runs.id"),
    SampleColumn("seq", Role.ID, "int8", None, "sample number within the run, from 0"),
    SampleColumn(
        "timestamp_sim", Role.ID, "timestamptz", None, "simulated time: start_sim + seq seconds"
    ),
    SampleColumn("machine_state", Role.STATE, "int2", None, "machine_states.code"),
    SampleColumn("part_id", Role.STATE, "int8", None, "part in the machine; 0: none"),
    SampleColumn("alarm_code", Role.STATE, "int2", None, "latched alarm; 0: none"),
    *(
        SampleColumn(column, Role.LABEL, "int8", None, f"fault_types.bit mask, {phase}")
        for phase, column in MASKS
    ),
    *(
        SampleColumn(
            s.name,
            Role.SETPOINT if s.name in SETPOINT_SIGNALS else Role.MEASURED,
            "float4",
            s.unit,
            s.description,
        )
        for s in SIGNALS
    ),
    *(
        SampleColumn(
            true_column(name), Role.TRUE, "float4", _SIGNAL_UNITS[name], "true value", name
        )
        for name in TRUE_VALUE_SIGNALS
    ),
    # Added by migration 0008, so stored last (rows before it hold 0: unknown, not "none").
    SampleColumn(
        ACTING,
        Role.LABEL,
        "int8",
        None,
        "fault_types.bit mask: faults whose effect reaches the machine or a part at this sample "
        "(effective severity > 0)",
    ),
)

BY_NAME: Final[dict[str, SampleColumn]] = {c.name: c for c in SAMPLE_COLUMNS}
assert len(BY_NAME) == len(SAMPLE_COLUMNS), "sample column names must be unique"


def columns_of(*roles: Role) -> tuple[SampleColumn, ...]:
    """The sample's columns with one of `roles`, in stored order."""
    return tuple(c for c in SAMPLE_COLUMNS if c.role in roles)


# --- fault labels: the one reading of the phase masks ----------------------------------------


def fault_labels(onset: int, active: int, recovering: int) -> list[str]:
    """'<fault id>:<phase>' of each catalogue fault present in the three masks, in bit order,
    each with the phase of the first mask (in `MASKS` order) that holds its bit."""
    masks = (onset, active, recovering)
    if not (onset | active | recovering) & CATALOGUE_MASK:
        return []
    labels = []
    for f in BY_BIT:
        flag = 1 << f.bit
        for (phase, _), mask in zip(MASKS, masks, strict=True):
            if mask & flag:
                labels.append(f"{f.id}:{phase}")
                break
    return labels


def fault_phase_codes(
    onset: NDArray[np.int64], active: NDArray[np.int64], recovering: NDArray[np.int64], bit: int
) -> NDArray[np.int8]:
    """One fault's phase per sample, vectorised: 0 absent, else `PHASE_CODES[phase]`
    (the same precedence as `fault_labels`: a mask earlier in `MASKS` wins)."""
    flag = np.int64(1 << bit)
    phase = np.zeros(onset.shape, dtype=np.int8)
    masks = (onset, active, recovering)
    for (name, _), mask in reversed(list(zip(MASKS, masks, strict=True))):
        phase[(mask & flag) != 0] = PHASE_CODES[name]
    return phase


# --- JSON: samples as the API and the live stream send them ----------------------------------

_STATE_NAMES: Final[dict[int, str]] = {int(s): s.name for s in MachineState}
JSON_FIELDS: Final[tuple[str, ...]] = (
    "seq",
    "machine_state",
    "part_id",
    "alarm_code",
    "fault_labels",
    *(c.name for c in columns_of(*SIGNAL_ROLES)),
)


def _number(value: float, digits: int | None) -> float | None:
    if math.isnan(value):
        return None  # a sensor dropout: JSON has no NaN
    return value if digits is None else round(value, digits)


def json_sample(
    columns: Mapping[str, NDArray[Any]], i: int, *, digits: int | None = None
) -> dict[str, Any]:
    """Sample `i` of engine or stored columns as JSON-ready values, keys `JSON_FIELDS`:
    `machine_state` by name, `part_id`/`alarm_code` None for 0, `fault_labels` a list of
    'fault:phase', measured signals as float (None for NaN; rounded to `digits` if given).
    `columns` needs seq, machine_state, part_id, alarm_code, the three masks and the signals."""
    state = int(columns["machine_state"][i])
    sample: dict[str, Any] = {
        "seq": int(columns["seq"][i]),
        "machine_state": _STATE_NAMES.get(state, f"code_{state}"),
        "part_id": int(columns["part_id"][i]) or None,
        "alarm_code": int(columns["alarm_code"][i]) or None,
        "fault_labels": fault_labels(*(int(columns[mask][i]) for _, mask in MASKS)),
    }
    for c in columns_of(*SIGNAL_ROLES):
        sample[c.name] = _number(float(columns[c.name][i]), digits)
    return sample


def json_columns(
    columns: Mapping[str, NDArray[Any]], *, digits: int | None = None
) -> dict[str, list[Any]]:
    """All samples of `columns` as JSON-ready lists, one per key of `JSON_FIELDS`, with the
    values `json_sample` gives (column by column: a dashboard page of 7,200 samples)."""

    def ints(name: str) -> list[int]:
        return np.asarray(columns[name]).astype(np.int64).tolist()  # type: ignore[no-any-return]

    labels: dict[tuple[int, ...], list[str]] = {}  # few distinct mask triples in a page

    def labels_of(masks: tuple[int, ...]) -> list[str]:
        found = labels.get(masks)
        if found is None:
            found = labels[masks] = fault_labels(*masks)
        return list(found)

    out: dict[str, list[Any]] = {
        "seq": ints("seq"),
        "machine_state": [_STATE_NAMES.get(s, f"code_{s}") for s in ints("machine_state")],
        "part_id": [v or None for v in ints("part_id")],
        "alarm_code": [v or None for v in ints("alarm_code")],
        "fault_labels": [
            labels_of(m) for m in zip(*(ints(mask) for _, mask in MASKS), strict=True)
        ],
    }
    for c in columns_of(*SIGNAL_ROLES):
        values: list[float] = np.asarray(columns[c.name], dtype=np.float64).tolist()
        out[c.name] = [_number(v, digits) for v in values]
    return out
