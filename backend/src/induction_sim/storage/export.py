"""Export a run for ML: telemetry streamed as CSV or Parquet, and its dataset card (manifest).

The stream never holds the whole run: rows are read in batches by keyset pagination on the
(run_id, seq) primary key — each batch one binary COPY of `seq` in [a, a + n), decoded with one
numpy structured view (telemetry rows are fixed width, see `binary_copy.py`) — turned into an
Arrow record batch with the codes decoded (state and alarm names, per-fault phase columns from the
label bitmasks) and written by pyarrow's CSV writer (one header) or Parquet writer (one row group
per batch) into a spool that is drained after each batch. Encoding runs in a worker thread
(pyarrow releases the GIL) while PostgreSQL already sends the next batch, so an export neither
stalls the API nor waits on itself.

The manifest is made of SQL aggregates over the run (one scan for all fault labels, one for
the state and alarm counts), never a Python loop over samples.
"""

from __future__ import annotations

import asyncio
import io
import json
import math
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, cast

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from numpy.typing import NDArray
from sqlalchemy import REAL, BigInteger, Float, Text, and_, func, literal, not_, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from induction_sim.errors import NotFoundError
from induction_sim.machine.faults import (
    CATALOGUE,
    CATALOGUE_MASK,
    Phase,
    fault_labels,
    fault_phase_codes,
)
from induction_sim.machine.signals import SIGNALS, TRUE_VALUE_SIGNALS, true_column
from induction_sim.machine.states import ALARMS, AlarmCode, MachineState
from induction_sim.storage.binary_copy import SIGNATURE, TRAILER
from induction_sim.storage.database import driver_connection
from induction_sim.storage.tables import fault_injections, parts, runs, telemetry
from induction_sim.storage.telemetry_copy import TELEMETRY_FORMAT

BATCH_ROWS: Final = 20_000
MEDIA_TYPES: Final[dict[str, str]] = {
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
}
MANIFEST_VERSION: Final = 1

# --- label dictionaries ----------------------------------------------------------------------

PHASES: Final[tuple[str, ...]] = ("", Phase.ONSET.value, Phase.ACTIVE.value, Phase.RECOVERING.value)
PHASE_MEANINGS: Final[dict[str, str]] = {
    "": "the fault is not present at this sample",
    "onset": "the fault has just started: the first onset_window_s (default 30 s) of a step or "
    "intermittent fault, the whole ramp (ramp_s) of a ramp fault",
    "active": "the fault is present after its onset phase",
    "recovering": "the fault has ended; the machine settles for recovery_s (default 60 s)",
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


def fault_column(fault_id: str) -> str:
    return f"fault_{fault_id}"


def _columns() -> tuple[ExportColumn, ...]:
    signal_units = {s.name: s.unit for s in SIGNALS}
    return (
        ExportColumn("run_id", pa.int64(), None, "run id (runs.id); one file holds one run"),
        ExportColumn("seq", pa.int64(), None, "sample number within the run, from 0; 1 Hz"),
        ExportColumn(
            "timestamp_sim",
            pa.timestamp("us", tz="UTC"),
            None,
            "simulated time of the sample, UTC: start_sim + seq seconds",
        ),
        ExportColumn(
            "machine_state",
            NAME_TYPE,
            None,
            "PLC state name (see labels.machine_states); null: a code this version does not know",
            nullable=True,
        ),
        ExportColumn(
            "part_id",
            pa.int64(),
            None,
            "part in the machine at this sample (join key to the parts table); null: none",
            nullable=True,
        ),
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
        *(
            ExportColumn(s.name, pa.float32(), s.unit, f"measured: {s.description}")
            for s in SIGNALS
        ),
        *(
            ExportColumn(
                true_column(name),
                pa.float32(),
                signal_units[name],
                f"true value behind {name} (what an ideal instrument would read); differs "
                "from the measured value under sensor faults and impairments",
            )
            for name in TRUE_VALUE_SIGNALS
        ),
        *(
            ExportColumn(
                fault_column(f.id),
                PHASE_TYPE,
                None,
                f"label: phase of fault {f.id!r} (bit {f.bit}, {f.name}) at this sample: "
                "'' (absent), onset, active or recovering",
            )
            for f in CATALOGUE
        ),
        ExportColumn(
            "fault_labels",
            LABELS_TYPE,
            None,
            "label: every fault present at this sample as 'id:phase', ';'-separated in bit "
            "order; '' when the machine is free of faults",
        ),
    )


COLUMNS: Final[tuple[ExportColumn, ...]] = _columns()
SCHEMA: Final = pa.schema([pa.field(c.name, c.type, nullable=c.nullable) for c in COLUMNS])


def check_format(format: str) -> str:
    """The export format, or a ValueError that names the `format` field."""
    if format not in MEDIA_TYPES:
        raise ValueError(
            f"format: unsupported export format {format!r}; use one of {', '.join(MEDIA_TYPES)}"
        )
    return format


# --- reading: keyset-paginated binary COPY ---------------------------------------------------

_ROW_DTYPE: Final = TELEMETRY_FORMAT.dtype()
_HEADER_LEN: Final = len(SIGNATURE) + 8  # signature, flags, header-extension length
_SELECT_LIST: Final = ", ".join(f'"{name}"' for name in TELEMETRY_FORMAT.names)
PG_EPOCH_UNIX_US: Final = 946_684_800 * 1_000_000  # 2000-01-01 UTC in µs since 1970


def _batch_query(run_id: int, first_seq: int, end_seq: int) -> str:
    """Rows first_seq ≤ seq < end_seq of a run. Bounded on both sides, so a batch costs the same
    whatever the planner believes (fresh, unanalysed data: `seq > x ORDER BY seq LIMIT n` can
    turn into a sort of the whole rest of the run, once per batch)."""
    # COPY takes no bind parameters; every value here is a Python int.
    return (
        f"SELECT {_SELECT_LIST} FROM telemetry "  # noqa: S608
        f"WHERE run_id = {int(run_id)} AND seq >= {int(first_seq)} AND seq < {int(end_seq)} "
        "ORDER BY seq"
    )


def decode_copy(payload: bytes | bytearray) -> NDArray[np.void]:
    """Rows of a binary COPY of the telemetry columns as one structured array (a view)."""
    if payload[: len(SIGNATURE)] != SIGNATURE:
        raise ValueError("not a PostgreSQL binary COPY stream")
    extension = int.from_bytes(payload[len(SIGNATURE) + 4 : _HEADER_LEN], "big")
    start = _HEADER_LEN + extension
    end = len(payload) - len(TRAILER)
    if payload[end:] != TRAILER or (end - start) % _ROW_DTYPE.itemsize:
        raise ValueError("binary COPY stream does not have the telemetry row layout")
    rows = np.frombuffer(
        payload, dtype=_ROW_DTYPE, offset=start, count=(end - start) // _ROW_DTYPE.itemsize
    )
    if rows.size and (rows["__count"] != len(TELEMETRY_FORMAT.columns)).any():
        raise ValueError("binary COPY row has an unexpected number of fields")
    for name in TELEMETRY_FORMAT.names:
        expected = _ROW_DTYPE.fields[name][0].itemsize  # type: ignore[index]
        if rows.size and (rows[f"__len_{name}"] != expected).any():
            raise ValueError(f"binary COPY field {name} is null or has an unexpected width")
    return rows


async def _copy_batches(
    conn: AsyncConnection, run_id: int, batch_rows: int
) -> AsyncGenerator[NDArray[np.void], None]:
    """The run's rows in seq order, ≤ batch_rows at a time: keyset pagination on the primary key
    (run_id, seq) over windows of `batch_rows` sample numbers, each one binary COPY."""
    t = telemetry.c
    first, last = (
        await conn.execute(select(func.min(t.seq), func.max(t.seq)).where(t.run_id == run_id))
    ).one()
    if first is None:
        return
    driver = await driver_connection(conn)
    for start in range(int(first), int(last) + 1, batch_rows):
        buffer = bytearray()

        async def sink(data: bytes, buffer: bytearray = buffer) -> None:
            buffer.extend(data)

        await driver.copy_from_query(
            _batch_query(run_id, start, start + batch_rows), output=sink, format="binary"
        )
        rows = decode_copy(buffer)
        if rows.size:  # a window can be empty where an incomplete run has a gap
            yield rows


# --- encoding: numpy rows → Arrow → CSV / Parquet bytes --------------------------------------


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


def arrow_batch(rows: NDArray[np.void]) -> pa.RecordBatch:
    """One record batch of the export schema from decoded telemetry rows."""
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
    for s in SIGNALS:
        arrays[s.name] = pa.array(rows[s.name].astype(np.float32))
    for name in TRUE_VALUE_SIGNALS:
        column = true_column(name)
        arrays[column] = pa.array(rows[column].astype(np.float32))
    masks = np.stack(
        [rows[m].astype(np.int64) for m in ("faults_onset", "faults_active", "faults_recovering")],
        axis=1,
    )
    masks &= np.int64(CATALOGUE_MASK)
    onset, active, recovering = masks[:, 0], masks[:, 1], masks[:, 2]
    for f in CATALOGUE:
        phase = fault_phase_codes(onset, active, recovering, f.bit)
        arrays[fault_column(f.id)] = _dictionary(phase, PHASES, pa.int8())
    combos, inverse = _distinct_rows(masks)
    texts = [";".join(fault_labels(int(o), int(a), int(r))) for o, a, r in combos]
    arrays["fault_labels"] = _dictionary(inverse, texts, pa.int32())
    return pa.record_batch([arrays[c.name] for c in COLUMNS], schema=SCHEMA)


class _Spool(io.RawIOBase):
    """A write-only file whose content is handed over, and forgotten, by `take()`."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[bytes] = []
        self._position = 0

    def write(self, data: Any) -> int:
        piece = bytes(data)
        self._parts.append(piece)
        self._position += len(piece)
        return len(piece)

    def tell(self) -> int:
        return self._position

    def writable(self) -> bool:
        return True

    def take(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


class _Encoder:
    """Arrow batches in, file bytes out, batch by batch (CSV: one header; Parquet: a row group
    per batch, the footer at `finish`)."""

    def __init__(self, format: str, metadata: dict[str, str]) -> None:
        self.spool = _Spool()
        self.lock = threading.Lock()  # `write` runs in a worker thread; `close` waits for it
        self.sink = pa.PythonFile(self.spool, mode="w")
        self.csv: pa_csv.CSVWriter | None = None
        self.parquet: pq.ParquetWriter | None = None
        schema = SCHEMA.with_metadata(metadata)
        if format == "csv":
            self.csv = pa_csv.CSVWriter(cast(Any, self.sink), schema)
        else:
            self.parquet = pq.ParquetWriter(
                self.sink, schema, compression="zstd", write_statistics=True
            )

    def write(self, rows: NDArray[np.void]) -> bytes:
        batch = arrow_batch(rows)
        with self.lock:
            if self.csv is not None:
                self.csv.write_batch(batch)
            if self.parquet is not None:
                self.parquet.write_batch(batch, row_group_size=batch.num_rows)
            return self.spool.take()

    def head(self) -> bytes:
        return self.spool.take()

    def finish(self) -> bytes:
        self.close()
        return self.spool.take()

    def close(self) -> None:
        with self.lock:
            self._close()

    def _close(self) -> None:
        if self.csv is not None:
            self.csv.close()
            self.csv = None
        if self.parquet is not None:
            self.parquet.close()
            self.parquet = None
        self.sink.close()


# --- the run ---------------------------------------------------------------------------------


async def run_row(conn: AsyncConnection, run_id: int) -> Row[Any]:
    """The run's row in `runs`, or NotFoundError."""
    row = (await conn.execute(select(runs).where(runs.c.id == run_id))).one_or_none()
    if row is None:
        raise NotFoundError(f"run {run_id} does not exist")
    return row


def is_complete(kind: str, status: str) -> bool:
    """Whether a run's dataset is whole: a batch run that completed (a live run never ends)."""
    return kind == "batch" and status == "completed"


def incomplete_warning(kind: str, status: str, reason: str | None) -> str | None:
    if kind == "batch" and status != "completed":
        why = f" ({reason})" if reason else ""
        return f"run status is {status!r}{why}: the dataset is incomplete"
    if kind == "live":
        return "a live run: the export holds the samples recorded up to the export"
    return None


@asynccontextmanager
async def _snapshot(source: AsyncEngine | AsyncConnection) -> AsyncIterator[AsyncConnection]:
    """A connection that sees one consistent snapshot of the run for the whole export."""
    if isinstance(source, AsyncConnection):
        yield source
        return
    async with source.connect() as conn:
        await conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        async with conn.begin():
            yield conn


async def iter_export(
    engine_or_conn: AsyncEngine | AsyncConnection,
    run_id: int,
    format: str,
    *,
    batch_rows: int = BATCH_ROWS,
    progress: Callable[[int], None] | None = None,
) -> AsyncGenerator[bytes, None]:
    """A run's telemetry as CSV or Parquet bytes, ordered by seq, streamed batch by batch.

    Raises ValueError for an unknown format and NotFoundError for an unknown run (at the first
    step of the iteration, before any byte). `progress(rows_written)` follows every batch.
    """
    check_format(format)
    if batch_rows < 1:
        raise ValueError(f"batch_rows: must be ≥ 1, got {batch_rows}")
    async with _snapshot(engine_or_conn) as conn:
        run = await run_row(conn, run_id)
        metadata = {
            "induction_sim": json.dumps(
                {
                    "run_id": run.id,
                    "kind": run.kind,
                    "status": run.status,
                    "seed": run.seed,
                    "engine_version": run.engine_version,
                    "scenario": (run.scenario or {}).get("name"),
                }
            )
        }
        encoder = _Encoder(format, metadata)
        batches = _copy_batches(conn, run_id, batch_rows)
        reading: asyncio.Task[NDArray[np.void] | None] | None = None
        try:
            head = encoder.head()
            if head:
                yield head
            written = 0
            reading = asyncio.ensure_future(anext(batches, None))
            while (rows := await reading) is not None:
                # read batch k+1 in PostgreSQL while batch k is encoded here and sent on
                reading = asyncio.ensure_future(anext(batches, None))
                chunk = await asyncio.to_thread(encoder.write, rows)
                written += int(rows.shape[0])
                if progress is not None:
                    progress(written)
                if chunk:
                    yield chunk
            tail = encoder.finish()
            if tail:
                yield tail
        finally:
            if reading is not None and not reading.done():
                reading.cancel()
                await asyncio.gather(reading, return_exceptions=True)
            await batches.aclose()
            encoder.close()  # waits for an encode still running in its thread


# --- the manifest ----------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _number(value: Any) -> Any:
    """JSON-safe numbers: NaN (unmeasured) becomes null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _json_ready(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    return _number(value)


def _nan_null(column: Any) -> Any:
    """NULLIF(x, 'NaN'): a part that was never heated has no measured quality."""
    return func.nullif(column, literal(float("nan"), REAL))


def _real(column: Any) -> Any:
    """A REAL column as the float8 of its shortest text (57.61542, not 57.615421295166016), and
    NaN as null: readable JSON without changing the stored value."""
    return _nan_null(column).cast(Text).cast(Float)


PART_COLUMNS: Final[tuple[str, ...]] = (
    "part_id",
    "recipe_name",
    "steel_grade",
    "started_sim",
    "finished_sim",
    "surface_hrc",
    "case_depth_mm",
    "case_depth_iso_mm",
    "peak_surface_temp_c",
    "energy_coil_kj",
    "energy_part_kj",
    "verdict",
    "reasons",
    "interrupted",
)


def parts_query(run_id: int) -> Any:
    """The per-part quality table of a run (unmeasured values null), ordered by part id."""
    p = parts.c
    return (
        select(
            p.part_id,
            p.recipe_name,
            p.steel_grade,
            p.started_sim,
            p.finished_sim,
            _real(p.surface_hrc).label("surface_hrc"),
            _real(p.case_depth_mm).label("case_depth_mm"),
            _real(p.case_depth_iso_mm).label("case_depth_iso_mm"),
            _real(p.peak_surface_temp_c).label("peak_surface_temp_c"),
            _real(p.energy_coil_kj).label("energy_coil_kj"),
            _real(p.energy_part_kj).label("energy_part_kj"),
            p.verdict,
            p.reasons,
            p.interrupted,
        )
        .where(p.run_id == run_id)
        .order_by(p.part_id)
    )


def _fault_aggregates(run_id: int) -> Any:
    t = telemetry.c
    labelled = t.faults_onset.bitwise_or(t.faults_active).bitwise_or(t.faults_recovering)
    columns: list[Any] = [
        func.count().label("rows"),
        func.count().filter(labelled.bitwise_and(literal(CATALOGUE_MASK, BigInteger)) == 0),
        func.min(t.timestamp_sim),
        func.max(t.timestamp_sim),
        func.max(t.seq),
    ]
    for f in CATALOGUE:
        flag = literal(1 << f.bit, BigInteger)
        onset = t.faults_onset.bitwise_and(flag) != 0
        active = and_(t.faults_active.bitwise_and(flag) != 0, not_(onset))
        recovering = and_(
            t.faults_recovering.bitwise_and(flag) != 0,
            t.faults_onset.bitwise_or(t.faults_active).bitwise_and(flag) == 0,
        )
        present = labelled.bitwise_and(flag) != 0
        columns += [
            func.count().filter(onset),
            func.count().filter(active),
            func.count().filter(recovering),
            func.min(t.seq).filter(present),
            func.min(t.timestamp_sim).filter(present),
            func.max(t.seq).filter(present),
        ]
    return select(*columns).where(t.run_id == run_id)


async def _state_and_alarm_counts(
    conn: AsyncConnection, run_id: int
) -> tuple[dict[int, int], dict[int, int]]:
    """Samples per machine state and per alarm code, in one scan (GROUPING SETS)."""
    t = telemetry.c
    result = await conn.execute(
        select(t.machine_state, t.alarm_code, func.count())
        .where(t.run_id == run_id)
        .group_by(func.grouping_sets(t.machine_state, t.alarm_code))
    )
    states: dict[int, int] = {}
    alarms: dict[int, int] = {}
    for state, alarm, n in result:  # both columns are NOT NULL: null marks the other set
        if alarm is None:
            states[int(state)] = int(n)
        else:
            alarms[int(alarm)] = int(n)
    return dict(sorted(states.items())), dict(sorted(alarms.items()))


def _label_dictionary() -> dict[str, Any]:
    return {
        "faults": [
            {
                "id": f.id,
                "bit": f.bit,
                "column": fault_column(f.id),
                "name": f.name,
                "subsystem": f.subsystem,
                "sensor_only": f.sensor_only,
                "description": f.description,
                "signature": f.signature,
                "outcome": f.outcome,
                "alarm": None if f.alarm is None else int(f.alarm),
            }
            for f in CATALOGUE
        ],
        "phases": [{"value": p, "meaning": PHASE_MEANINGS[p]} for p in PHASES],
        "machine_states": [{"code": int(s), "name": s.name} for s in MachineState],
        "alarm_codes": [
            {"code": int(a.code), "name": a.code.name, "text": a.text, "action": a.action}
            for a in ALARMS.values()
        ],
        "part_verdicts": {
            "OK": "inside the recipe's quality window",
            "NOK": "outside it; `reasons` say how (SOFT, HARD, SHALLOW, DEEP, OVERHEAT, "
            "ENERGY_OUT_OF_WINDOW, INTERRUPTED, NO_PART — see docs/machine.md)",
        },
        "notes": "Sample labels carry the cause (fault and phase) and keep true values beside "
        "measured ones for the signals sensor-only faults act on; alarm columns carry the "
        "PLC's reaction. No sample before a fault's onset carries its label.",
    }


def _state_name(code: int) -> str:
    return MachineState(code).name if code in MachineState._value2member_map_ else f"code_{code}"


def _alarm_name(code: int) -> str:
    if code == 0:
        return "none"
    return AlarmCode(code).name if code in AlarmCode._value2member_map_ else f"code_{code}"


async def manifest(conn: AsyncConnection, run_id: int) -> dict[str, Any]:
    """The dataset card of a run: provenance, columns, labels, onsets, balance, part quality."""
    run = await run_row(conn, run_id)
    states, alarms = await _state_and_alarm_counts(conn, run_id)
    aggregates = (await conn.execute(_fault_aggregates(run_id))).one()
    rows, normal = int(aggregates[0]), int(aggregates[1])
    span = aggregates[2:5]

    phase_balance: dict[str, dict[str, int]] = {}
    observed = []
    for i, f in enumerate(CATALOGUE):
        on, act, rec, first_seq, first_ts, last_seq = aggregates[5 + 6 * i : 11 + 6 * i]
        phase_balance[f.id] = {
            "": rows - on - act - rec,
            "onset": int(on),
            "active": int(act),
            "recovering": int(rec),
        }
        if first_seq is not None:
            observed.append(
                {
                    "fault": f.id,
                    "bit": f.bit,
                    "first_seq": int(first_seq),
                    "first_timestamp_sim": _iso(first_ts),
                    "last_seq": int(last_seq),
                    "samples": int(on + act + rec),
                }
            )
    observed.sort(key=lambda o: (o["first_seq"], o["bit"]))

    scheduled = [
        {
            "fault": r.fault_type,
            "severity": _number(r.severity),
            "mode": r.mode,
            "source": r.source,
            "onset_seq": r.onset_seq,
            "onset_sim": _iso(r.onset_sim),
            "duration_s": _number(r.duration_s),
            "cleared_sim": _iso(r.cleared_sim),
        }
        for r in await conn.execute(
            select(
                *(c for c in fault_injections.c if c.name != "severity"),
                _real(fault_injections.c.severity).label("severity"),
            )
            .where(fault_injections.c.run_id == run_id)
            .order_by(fault_injections.c.onset_seq, fault_injections.c.id)
        )
    ]

    part_rows = (await conn.execute(parts_query(run_id))).all()
    p = parts.c
    summary = (
        await conn.execute(
            select(
                func.count(),
                func.count().filter(p.verdict == "OK"),
                func.count().filter(p.verdict == "NOK"),
                func.count().filter(p.interrupted),
                func.avg(_nan_null(p.surface_hrc)),
                func.avg(_nan_null(p.case_depth_mm)),
            ).where(p.run_id == run_id)
        )
    ).one()
    reasons = select(func.unnest(p.reasons).label("reason")).where(p.run_id == run_id).subquery()
    by_reason = {
        str(name): int(n)
        for name, n in await conn.execute(
            select(reasons.c.reason, func.count())
            .group_by(reasons.c.reason)
            .order_by(reasons.c.reason)
        )
    }
    by_recipe: dict[str, dict[str, int]] = {}
    for recipe, verdict, n in await conn.execute(
        select(p.recipe_name, p.verdict, func.count())
        .where(p.run_id == run_id)
        .group_by(p.recipe_name, p.verdict)
        .order_by(p.recipe_name, p.verdict)
    ):
        by_recipe.setdefault(str(recipe), {"OK": 0, "NOK": 0})[str(verdict)] = int(n)

    complete = is_complete(run.kind, run.status)
    return {
        "manifest_version": MANIFEST_VERSION,
        "run": {
            "id": run.id,
            "kind": run.kind,
            "status": run.status,
            "status_reason": run.status_reason,
            "complete": complete,
            "warning": incomplete_warning(run.kind, run.status, run.status_reason),
            "seed": run.seed,
            "engine_version": run.engine_version,
            "scenario": run.scenario,
            "recipe": run.recipe,
            "start_sim": _iso(run.start_sim),
            "created_at": _iso(run.created_at),
            "finished_at": _iso(run.finished_at),
            "rows": rows,
            "rows_expected": run.rows_expected,
            "first_timestamp_sim": _iso(span[0]),
            "last_timestamp_sim": _iso(span[1]),
            "last_seq": span[2],
        },
        "samples": {
            "period_s": 1,
            "order": "seq ascending",
            "formats": {
                "csv": "one header line; strings quoted; null: empty field; NaN: sensor dropout",
                "parquet": "one row group per export batch; string labels dictionary-encoded; "
                "zstd; the schema metadata key 'induction_sim' names the run",
            },
            "columns": [
                {
                    "name": c.name,
                    "type": str(c.type),
                    "nullable": c.nullable,
                    "unit": c.unit,
                    "meaning": c.meaning,
                }
                for c in COLUMNS
            ],
        },
        "labels": _label_dictionary(),
        "fault_onsets": {
            "scheduled": scheduled,
            "observed": observed,
            "note": "scheduled: the run's fault_injections (timed and stochastic rules as drawn "
            "from the seed; faults that start at a part number are resolved by the machine and "
            "show only as observed). observed: the first and last sample whose labels carry the "
            "fault, in any phase.",
        },
        "class_balance": {
            "rows": rows,
            "normal": normal,
            "any_fault": rows - normal,
            "machine_state": {_state_name(code): n for code, n in states.items()},
            "alarm": {_alarm_name(code): n for code, n in alarms.items()},
            "fault_phase": phase_balance,
        },
        "parts": {
            "columns": list(PART_COLUMNS),
            "data": [[_json_ready(v) for v in r] for r in part_rows],
        },
        "verdicts": {
            "parts": int(summary[0]),
            "OK": int(summary[1]),
            "NOK": int(summary[2]),
            "interrupted": int(summary[3]),
            "ok_rate": (int(summary[1]) / int(summary[0])) if summary[0] else None,
            "mean_surface_hrc": _number(None if summary[4] is None else float(summary[4])),
            "mean_case_depth_mm": _number(None if summary[5] is None else float(summary[5])),
            "by_reason": by_reason,
            "by_recipe": by_recipe,
        },
        "join": {
            "key": "part_id",
            "how": "a sample's part_id is the part in the machine at that second (null: none); "
            "it joins parts.data[*].part_id of the same run, e.g. in pandas "
            "samples.merge(parts, on='part_id', how='left'). Part ids are unique within a run.",
            "part_labels": "verdict (OK/NOK) and reasons per part, with its measured quality",
        },
    }
