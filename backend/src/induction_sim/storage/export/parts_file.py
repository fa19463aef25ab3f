"""A run's parts table as its own file (Parquet or CSV, the telemetry's formats), next to the
telemetry: one row per part, the labels of part quality. The manifest describes it and no longer
carries it (it was 40 % of a Parquet export's size as JSON).

Reasons are ';'-joined text (CSV has no lists); times are UTC; `started_seq`/`finished_seq` are
the samples of its loading and unloading (sim time = start_sim + seq s), so the parts join the
telemetry on `part_id` or on a seq range.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import pyarrow as pa
from sqlalchemy.ext.asyncio import AsyncConnection

from induction_sim.storage.export.formats import FileFormat
from induction_sim.storage.repositories.parts import parts_query
from induction_sim.storage.repositories.runs import run_row


@dataclass(frozen=True)
class PartColumn:
    name: str
    type: pa.DataType
    unit: str | None
    meaning: str


_TIME: Final = pa.timestamp("us", tz="UTC")
PART_FILE_COLUMNS: Final[tuple[PartColumn, ...]] = (
    PartColumn("part_id", pa.int64(), None, "part id, unique in the run (telemetry.part_id)"),
    PartColumn("recipe_name", pa.string(), None, "recipe it was made to (manifest: recipes)"),
    PartColumn("steel_grade", pa.string(), None, "steel grade"),
    PartColumn("started_seq", pa.int64(), None, "sample at which it was loaded"),
    PartColumn("finished_seq", pa.int64(), None, "sample at which it was unloaded"),
    PartColumn("started_sim", _TIME, None, "loading time (simulated, UTC)"),
    PartColumn("finished_sim", _TIME, None, "unloading time (simulated, UTC)"),
    PartColumn("surface_hrc", pa.float32(), "HRC", "true surface hardness; null: not heated"),
    PartColumn("surface_hrc_measured", pa.float32(), "HRC", "QA's Rockwell C; null: not tested"),
    PartColumn("hardness_inspected", pa.bool_(), None, "QA tested its hardness"),
    PartColumn("case_depth_mm", pa.float32(), "mm", "true effective case depth (SAE J423)"),
    PartColumn("case_depth_measured_mm", pa.float32(), "mm", "QA's traverse; null: not cut"),
    PartColumn("case_depth_inspected", pa.bool_(), None, "QA sectioned it"),
    PartColumn("case_depth_iso_mm", pa.float32(), "mm", "true case depth, ISO 18203 SHD"),
    PartColumn("peak_surface_temp_c", pa.float32(), "°C", "true peak surface temperature"),
    PartColumn("energy_coil_kj", pa.float32(), "kJ", "energy delivered to the coil"),
    PartColumn("energy_part_kj", pa.float32(), "kJ", "energy the part absorbed"),
    PartColumn("verdict", pa.string(), None, "true verdict OK|NOK: the ground-truth label"),
    PartColumn("reasons", pa.string(), None, "why NOK, ';'-separated (labels.part_verdicts)"),
    PartColumn("plant_verdict", pa.string(), None, "what the plant decided from QA's readings"),
    PartColumn("plant_reasons", pa.string(), None, "the plant's reasons, ';'-separated"),
    PartColumn("interrupted", pa.bool_(), None, "its cycle was interrupted by an alarm"),
)
PARTS_SCHEMA: Final = pa.schema([pa.field(c.name, c.type) for c in PART_FILE_COLUMNS])


def parts_file_name(run_id: int, fmt: FileFormat) -> str:
    """The parts file's name as the API serves it (the CLI names it after the telemetry)."""
    return f"run-{run_id}.parts.{fmt.suffix}"


def _seq(at: datetime, start_sim: datetime) -> int:
    return round((at - start_sim).total_seconds())


async def parts_table(conn: AsyncConnection, run_id: int) -> pa.Table:
    """The run's parts, in part id order, as an Arrow table of `PARTS_SCHEMA`."""
    run = await run_row(conn, run_id)
    rows = (await conn.execute(parts_query(run_id))).mappings().all()
    values: dict[str, list[Any]] = {c.name: [] for c in PART_FILE_COLUMNS}
    for r in rows:
        for c in PART_FILE_COLUMNS:
            if c.name == "started_seq":
                values[c.name].append(_seq(r["started_sim"], run.start_sim))
            elif c.name == "finished_seq":
                values[c.name].append(_seq(r["finished_sim"], run.start_sim))
            elif c.name in ("reasons", "plant_reasons"):
                values[c.name].append(";".join(r[c.name] or ()))
            else:
                values[c.name].append(r[c.name])
    return pa.table(
        [pa.array(values[c.name], type=c.type) for c in PART_FILE_COLUMNS], schema=PARTS_SCHEMA
    )


def encode(table: pa.Table, fmt: FileFormat) -> bytes:
    """`table` as one file of format `fmt` (the telemetry's writer: same notes apply)."""
    sink = io.BytesIO()
    writer = fmt.open(pa.PythonFile(sink, mode="w"), table.schema)
    for batch in table.to_batches():
        if batch.num_rows:  # an empty table: the header (CSV) or schema (Parquet) alone
            writer.write_batch(batch)
    writer.close()  # the writer's footer; the BytesIO stays open
    return sink.getvalue()
