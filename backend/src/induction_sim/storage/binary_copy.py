"""PostgreSQL binary COPY, encoded straight from numpy columns — no Python object per row.

Telemetry columns are fixed-width and NOT NULL, so one numpy structured array describes a whole
row: a 16-bit field count, then per field a 32-bit length and the big-endian value. Filling it is
a handful of vectorised assignments, and `tobytes()` is the COPY payload (format documented in
the PostgreSQL manual, "COPY — Binary Format"). Parts and events have text, arrays and NULLs:
their rows are built field by field (below) — still far cheaper than a generic per-value codec.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

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

    def encode(
        self, values: Mapping[str, NDArray[np.generic] | int | float], rows: int
    ) -> memoryview:
        """COPY payload (header, rows, trailer) for `rows` rows; scalars fill a whole column.
        Written in place into one buffer: no copy of the rows after they are filled (each
        copy of a multi-megabyte chunk cost more than filling it)."""
        dtype = self.dtype()
        end = len(HEADER) + rows * dtype.itemsize
        buffer = np.empty(end + len(TRAILER), dtype=np.uint8)
        buffer[: len(HEADER)] = np.frombuffer(HEADER, dtype=np.uint8)
        buffer[end:] = np.frombuffer(TRAILER, dtype=np.uint8)
        out = buffer[len(HEADER) : end].view(dtype)
        out["__count"] = len(self.columns)
        for name, _ in self.columns:
            out[f"__len_{name}"] = dtype.fields[name][0].itemsize  # type: ignore[index]
            out[name] = values[name]
        return buffer.data


# --- variable-width rows (parts, events): one bytes object per row, fields built by struct ------
# A field is a 32-bit length (-1: NULL) and the value in its binary send format; arrays are
# ndim, has-null flag, element type OID, then per dimension its size and lower bound, then the
# elements as fields (PostgreSQL source, src/backend/utils/adt/arrayfuncs.c: array_send).

NULL_FIELD = struct.pack(">i", -1)
FLOAT4_OID, TEXT_OID = 700, 25  # pg_type.oid of float4 and text (stable catalogue OIDs)
_ELEMENT_DTYPE = np.dtype([("length", ">i4"), ("value", ">f4")])


_INT_FIELDS = {
    "int2": struct.Struct(">ih"),
    "int4": struct.Struct(">ii"),
    "int8": struct.Struct(">iq"),
}


def int_field(value: int | None, pg_type: str = "int8") -> bytes:
    """An integer (int8 also serves timestamptz: µs since 2000-01-01 UTC)."""
    if value is None:
        return NULL_FIELD
    packer = _INT_FIELDS[pg_type]
    return packer.pack(packer.size - 4, value)


def float4_field(value: float | None) -> bytes:
    return NULL_FIELD if value is None else struct.pack(">if", 4, value)


def bool_field(value: bool) -> bytes:
    return struct.pack(">i?", 1, value)


def text_field(value: str | None) -> bytes:
    if value is None:
        return NULL_FIELD
    data = value.encode()
    return struct.pack(">i", len(data)) + data


def _array_field(element_oid: int, count: int, elements: bytes) -> bytes:
    if count == 0:  # PostgreSQL sends an empty array with no dimensions
        return struct.pack(">iiii", 12, 0, 0, element_oid)
    header = struct.pack(">iiiii", 1, 0, element_oid, count, 1)
    return struct.pack(">i", len(header) + len(elements)) + header + elements


def float4_array_field(values: NDArray[np.floating[Any]]) -> bytes:
    elements = np.empty(values.shape[0], dtype=_ELEMENT_DTYPE)
    elements["length"] = 4
    elements["value"] = values
    return _array_field(FLOAT4_OID, values.shape[0], elements.tobytes())


def text_array_field(values: Sequence[str]) -> bytes:
    return _array_field(TEXT_OID, len(values), b"".join(text_field(v) for v in values))


def rows_payload(rows: Iterable[bytes]) -> bytes:
    """A COPY payload from encoded rows (each: its field count, then its fields)."""
    return HEADER + b"".join(rows) + TRAILER


def field_count(columns: int) -> bytes:
    return struct.pack(">h", columns)
