"""The export formats: one registry `FORMATS` {name: FileFormat (media type, file suffix,
writer)}. The API's `format` parameter, the CLI's `--format` and the manifest's format notes are
built from it; a name that is not in it is a ValueError, never a default format.

A new format: one `FileFormat` entry here (a writer that takes Arrow record batches). This module
imports no pyarrow until a writer opens, so the CLI can read the registry for its help cheaply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Protocol, cast

if TYPE_CHECKING:
    import pyarrow as pa


class BatchWriter(Protocol):
    def write_batch(self, batch: pa.RecordBatch) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class FileFormat:
    name: str  # the `format` value of the API and the CLI
    media_type: str
    suffix: str  # file name suffix, without the dot
    notes: str  # what a reader should know (the manifest's samples.formats)
    open: Callable[[pa.NativeFile, pa.Schema], BatchWriter]  # a writer into a sink


class _ParquetRowGroups:
    """Parquet with one row group per export batch, zstd, column statistics."""

    def __init__(self, sink: pa.NativeFile, schema: pa.Schema) -> None:
        import pyarrow.parquet as pq

        self.writer = pq.ParquetWriter(sink, schema, compression="zstd", write_statistics=True)

    def write_batch(self, batch: pa.RecordBatch) -> None:
        self.writer.write_batch(batch, row_group_size=batch.num_rows)

    def close(self) -> None:
        self.writer.close()


def _csv(sink: pa.NativeFile, schema: pa.Schema) -> BatchWriter:
    import pyarrow.csv as pa_csv

    return cast(BatchWriter, pa_csv.CSVWriter(cast(Any, sink), schema))


FORMATS: Final[dict[str, FileFormat]] = {
    f.name: f
    for f in (
        FileFormat(
            "csv",
            "text/csv; charset=utf-8",
            "csv",
            "one header line; strings quoted; null: empty field; NaN: sensor dropout",
            _csv,
        ),
        FileFormat(
            "parquet",
            "application/vnd.apache.parquet",
            "parquet",
            "one row group per export batch; string labels dictionary-encoded; zstd; the schema "
            "metadata key 'induction_sim' names the run",
            _ParquetRowGroups,
        ),
    )
}


def file_format(name: str) -> FileFormat:
    """The registered format `name`, or a ValueError that names the `format` field."""
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(
            f"format: unsupported export format {name!r}; use one of {', '.join(FORMATS)}"
        ) from None


def format_of_suffix(suffix: str) -> FileFormat | None:
    """The format whose file suffix is `suffix` (with or without the dot, any case)."""
    wanted = suffix.removeprefix(".").lower()
    return next((f for f in FORMATS.values() if f.suffix == wanted), None)
