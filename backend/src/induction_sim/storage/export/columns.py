"""The export's columns, derived from the telemetry contract (`machine/sample_schema.py`), and
one Arrow record batch built from decoded telemetry rows.

Stored codes become names (state, alarm), the three label masks become one phase column per
catalogue fault and a `fault_labels` text, read with the contract's precedence; the stored
`faults_acting` mask and the run's fault schedule become one effective-severity column per
fault; the run's recipes (`context.RunContext`) give each sample its recipe. Every column has
the role of the contract's column it comes from (id, state, measured, setpoint, true, label).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Final

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from induction_sim.machine.faults import BY_ID, CATALOGUE, CATALOGUE_MASK, Phase
from induction_sim.machine.sample_schema import (
    ACTING,
    MASKS,
    SIGNAL_ROLES,
    Role,
    columns_of,
    fault_labels,
    fault_phase_codes,
)
from induction_sim.machine.states import AlarmCode, MachineState
from induction_sim.storage.export.context import RunContext

# --- label dictionaries ----------------------------------------------------------------------

PHASES: Final[tuple[str, ...]] = ("", *(phase.value for phase, _ in MASKS))
PHASE_MEANINGS: Final[dict[str, str]] = {
    "": "the fault is not present at this sample",
    Phase.ONSET: "the fault has just started: the first onset_window_s (default 30 s) of a step "
    "or intermittent fault, the whole ramp (ramp_s) of a ramp fault",
    Phase.ACTIVE: "the fault is present after its onset phase",
    Phase.RECOVERING: "the fault has ended; the machine settles for recovery_s (default 60 s)",
}
STATE_NAMES: Final[tuple[str, ...]] = tuple(s.name for s in MachineState)
ALARM_NAMES: Final[tuple[str, ...]] = tuple(a.name for a in AlarmCode)


def _lookup(codes: list[int]) -> NDArray[np.int16]:
    """code → position in its dictionary (-1: not a known code)."""
    table = np.full(max(codes) + 1, -1, dtype=np.int16)
    table[codes] = np.arange(len(codes), dtype=np.int16)
    return table


_STATE_INDEX: Final = _lookup([int(s) for s in MachineState])
_ALARM_INDEX: Final = _lookup([int(a) for a in AlarmCode])

# --- columns of the export -------------------------------------------------------------------

PHASE_TYPE: Final = pa.dictionary(pa.int8(), pa.string())
NAME_TYPE: Final = pa.dictionary(pa.int8(), pa.string())
LABELS_TYPE: Final = pa.dictionary(pa.int32(), pa.string())


@dataclass(frozen=True)
class ExportColumn:
    name: str
    type: pa.DataType
    unit: str | None
    meaning: str
    nullable: bool = False
    role: Role = Role.STATE  # the role of the contract's column it comes from


def fault_column(fault_id: str) -> str:
    return f"fault_{fault_id}"


def severity_column(fault_id: str) -> str:
    return f"severity_{fault_id}"


# How each id and state column of the contract is exported (a new one needs its entry here).
_DECODED: Final[dict[str, tuple[ExportColumn, ...]]] = {
    "run_id": (
        ExportColumn("run_id", pa.int64(), None, "run id (runs.id); one file holds one run"),
    ),
    "seq": (ExportColumn("seq", pa.int64(), None, "sample number within the run, from 0; 1 Hz"),),
    "timestamp_sim": (
        ExportColumn(
            "timestamp_sim",
            pa.timestamp("us", tz="UTC"),
            None,
            "simulated time of the sample, UTC: start_sim + seq seconds",
        ),
    ),
    "machine_state": (
        ExportColumn(
            "machine_state",
            NAME_TYPE,
            None,
            "PLC state name (see labels.machine_states); null: a code this version does not know",
            nullable=True,
        ),
    ),
    "part_id": (
        ExportColumn(
            "part_id",
            pa.int64(),
            None,
            "part in the machine at this sample (join key to the parts table); null: none",
            nullable=True,
        ),
    ),
    "alarm_code": (
        ExportColumn(
            "alarm_code",
            pa.int16(),
            None,
            "latched alarm code (labels.alarm_codes); null: none",
            nullable=True,
        ),
        ExportColumn(
            "alarm_name", NAME_TYPE, None, "name of the latched alarm; null: none", nullable=True
        ),
    ),
}


def _columns() -> tuple[ExportColumn, ...]:
    """Ids and states decoded, measured and true values as float32, then the labels."""
    out: list[ExportColumn] = []
    for c in columns_of(Role.ID, Role.STATE):
        out += (replace(d, role=c.role) for d in _DECODED[c.name])
    out.append(
        ExportColumn(
            "recipe",
            NAME_TYPE,
            None,
            "recipe the machine runs at this sample (its quality window: the manifest's "
            "recipes); null: not known to this version",
            nullable=True,
        )
    )
    out += (
        ExportColumn(
            c.name,
            pa.float32(),
            c.unit,
            f"{'set point' if c.role is Role.SETPOINT else 'measured'}: {c.description}",
            role=c.role,
        )
        for c in columns_of(*SIGNAL_ROLES)
    )
    out += (
        ExportColumn(
            c.name,
            pa.float32(),
            c.unit,
            f"true value behind {c.measured} (what an ideal instrument would read); differs "
            "from the measured value under sensor faults and impairments",
            role=Role.TRUE,
        )
        for c in columns_of(Role.TRUE)
    )
    out += (
        ExportColumn(
            fault_column(f.id),
            PHASE_TYPE,
            None,
            f"label: phase of fault {f.id!r} (bit {f.bit}, {f.name}) at this sample: "
            "'' (absent), onset, active or recovering",
            role=Role.LABEL,
        )
        for f in CATALOGUE
    )
    out += (
        ExportColumn(
            severity_column(f.id),
            pa.float32(),
            "1",
            f"label: effective severity of fault {f.id!r} at this sample, 0–1: its scheduled "
            f"severity where it can act ({f.acts_when}"
            + (f"; needs {', '.join(sorted(f.needs))}" if f.needs else "")
            + "), 0 where it cannot (absent, intermittent off, a machine state or recipe it "
            "cannot act in); NaN: acting, level unknown (a fault started at a part number)",
            role=Role.LABEL,
        )
        for f in CATALOGUE
    )
    out.append(
        ExportColumn(
            "fault_labels",
            LABELS_TYPE,
            None,
            "label: every fault present at this sample as 'id:phase', ';'-separated in bit "
            "order; '' when the machine is free of faults",
            role=Role.LABEL,
        )
    )
    return tuple(out)


COLUMNS: Final[tuple[ExportColumn, ...]] = _columns()
SCHEMA: Final = pa.schema([pa.field(c.name, c.type, nullable=c.nullable) for c in COLUMNS])

# --- numpy rows → Arrow ----------------------------------------------------------------------

PG_EPOCH_UNIX_US: Final = 946_684_800 * 1_000_000  # 2000-01-01 UTC in µs since 1970
_VALUES: Final[tuple[str, ...]] = tuple(c.name for c in columns_of(*SIGNAL_ROLES, Role.TRUE))
_MASK_COLUMNS: Final[tuple[str, ...]] = tuple(mask for _, mask in MASKS)


def _dictionary(
    indices: NDArray[np.integer[Any]], values: tuple[str, ...] | list[str], index_type: pa.DataType
) -> pa.DictionaryArray[Any, Any]:
    mask = indices < 0
    positions: Any = pa.array(indices, type=index_type, mask=mask if mask.any() else None)
    return pa.DictionaryArray.from_arrays(positions, pa.array(values, type=pa.string()))


def _coded(codes: NDArray[np.int16], table: NDArray[np.int16]) -> NDArray[np.int16]:
    """Dictionary positions of `codes` (-1 where a code is unknown or 0-as-none)."""
    inside = (codes >= 0) & (codes < table.shape[0])
    out = np.full(codes.shape, -1, dtype=np.int16)
    out[inside] = table[codes[inside]]
    return out


def _distinct_rows(masks: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int32]]:
    """(distinct rows, index of each row's distinct row). Labels change rarely from one second
    to the next, so only the first row of each run of equal rows is sorted."""
    n = masks.shape[0]
    if n == 0:
        return masks, np.zeros(0, dtype=np.int32)
    starts = np.flatnonzero(np.r_[True, (masks[1:] != masks[:-1]).any(axis=1)])
    combos, head_index = np.unique(masks[starts], axis=0, return_inverse=True)
    lengths = np.diff(np.r_[starts, n])
    return combos, np.repeat(head_index.reshape(-1).astype(np.int32), lengths)


def effective_severities(
    seq: NDArray[np.int64], acting: NDArray[np.int64], context: RunContext
) -> dict[str, NDArray[np.float32]]:
    """Each catalogue fault's effective severity at samples `seq`: its scheduled level (the
    largest of its instances there, `FaultInstance.severity_at`) where its `faults_acting` bit
    is set, else 0; NaN where the bit is set but no stored instance covers the sample (a fault
    started at a part number is not in the schedule)."""
    t_s = seq.astype(np.float64)
    levels = {f.id: np.zeros(seq.shape) for f in CATALOGUE}
    if seq.size:
        for f in context.faults:
            if f.onset_s > t_s[-1] or f.end_s < t_s[0]:
                continue
            np.maximum(levels[f.fault_id], f.severity_at(t_s), out=levels[f.fault_id])
    out = {}
    for fid, level in levels.items():
        bit = (acting & (np.int64(1) << np.int64(BY_ID[fid].bit))) != 0
        known = np.where(level > 0, level, np.nan)
        out[fid] = np.where(bit, known, 0.0).astype(np.float32)
    return out


def arrow_batch(rows: NDArray[np.void], context: RunContext | None = None) -> pa.RecordBatch:
    """One record batch of the export schema from decoded telemetry rows (`context`: the run's
    recipes and fault schedule; without it, no recipe and no level is known)."""
    context = context or RunContext()
    arrays: dict[str, pa.Array[Any]] = {}
    arrays["run_id"] = pa.array(rows["run_id"].astype(np.int64))
    arrays["seq"] = pa.array(rows["seq"].astype(np.int64))
    arrays["timestamp_sim"] = pa.array(
        rows["timestamp_sim"].astype(np.int64) + PG_EPOCH_UNIX_US, type=pa.timestamp("us", "UTC")
    )
    state = rows["machine_state"].astype(np.int16)
    arrays["machine_state"] = _dictionary(_coded(state, _STATE_INDEX), STATE_NAMES, pa.int8())
    part = rows["part_id"].astype(np.int64)
    arrays["part_id"] = pa.array(part, mask=part == 0)
    alarm = rows["alarm_code"].astype(np.int16)
    arrays["alarm_code"] = pa.array(alarm, mask=alarm == 0)
    arrays["alarm_name"] = _dictionary(_coded(alarm, _ALARM_INDEX), ALARM_NAMES, pa.int8())
    seq = rows["seq"].astype(np.int64)
    arrays["recipe"] = _dictionary(context.recipe_codes(seq), context.recipe_names, pa.int8())
    for name in _VALUES:
        arrays[name] = pa.array(rows[name].astype(np.float32))
    masks = np.stack([rows[m].astype(np.int64) for m in _MASK_COLUMNS], axis=1)
    masks &= np.int64(CATALOGUE_MASK)
    onset, active, recovering = masks[:, 0], masks[:, 1], masks[:, 2]
    for f in CATALOGUE:
        phase = fault_phase_codes(onset, active, recovering, f.bit)
        arrays[fault_column(f.id)] = _dictionary(phase, PHASES, pa.int8())
    acting = rows[ACTING].astype(np.int64)
    for fid, severity in effective_severities(seq, acting, context).items():
        arrays[severity_column(fid)] = pa.array(severity)
    combos, inverse = _distinct_rows(masks)
    texts = [";".join(fault_labels(int(o), int(a), int(r))) for o, a, r in combos]
    arrays["fault_labels"] = _dictionary(inverse, texts, pa.int32())
    return pa.record_batch([arrays[c.name] for c in COLUMNS], schema=SCHEMA)
