"""PostgreSQL binary COPY, encoded straight from numpy columns — no Python object per row.

Every column here is fixed-width and NOT NULL, so one numpy structured array describes a whole
row: a 16-bit field count, then per field a 32-bit length and the big-endian value. Filling it is
a handful of vectorised assignments, and `tobytes()` is the COPY payload (format documented in
the PostgreSQL manual, "COPY — Binary Format").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from numpy.typing import NDArray

SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
HEADER = SIGNATURE + np.array([0, 0], dtype=">i4").tobytes()  # flags, header extension length
TRAILER = np.array([-1], dtype=">i2").tobytes()

PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
# PostgreSQL type → numpy big-endian type of its binary send format
PG_BINARY: dict[str, str] = {
    "int2": ">i2",
    "int4": ">i4",
    "int8": ">i8",
    "float4": ">f4",
    "float8": ">f8",
    "bool": "?",
    "timestamptz": ">i8",  # microseconds since 2000-01-01 UTC
}


def pg_microseconds(t: datetime) -> int:
    """A timezone-aware time as PostgreSQL's binary timestamptz (µs since 2000-01-01 UTC)."""
    delta = t - PG_EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


@dataclass(frozen=True)
class RowFormat:
    """The binary row layout of a table's columns, in COPY order."""

    columns: tuple[tuple[str, str], ...]  # (name, PostgreSQL type)

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.columns]

    def dtype(self) -> np.dtype[np.void]:
        fields: list[tuple[str, str]] = [("__count", ">i2")]
        for name, pg_type in self.columns:
            fields += [(f"__len_{name}", ">i4"), (name, PG_BINARY[pg_type])]
        return np.dtype(fields)

    def encode(self, values: Mapping[str, NDArray[np.generic] | int | float], rows: int) -> bytes:
        """COPY payload (header, rows, trailer) for `rows` rows; scalars fill a whole column."""
        dtype = self.dtype()
        out = np.empty(rows, dtype=dtype)
        out["__count"] = len(self.columns)
        for name, _ in self.columns:
            out[f"__len_{name}"] = dtype.fields[name][0].itemsize  # type: ignore[index]
            out[name] = values[name]
        return HEADER + out.tobytes() + TRAILER


def row_format(table_columns: Sequence[tuple[str, str]]) -> RowFormat:
    return RowFormat(tuple(table_columns))
