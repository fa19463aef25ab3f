"""Telemetry chunks encoded for binary COPY (written by `storage/database.py: copy_payload`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import REAL, BigInteger, DateTime, SmallInteger

from induction_sim.machine.signals import TRUE_VALUE_SIGNALS, true_column
from induction_sim.storage.binary_copy import RowFormat, pg_microseconds
from induction_sim.storage.tables import telemetry

_PG_TYPES = {BigInteger: "int8", SmallInteger: "int2", REAL: "float4", DateTime: "timestamptz"}


def _pg_type(column_type: object) -> str:
    for sa_type, pg in _PG_TYPES.items():
        if isinstance(column_type, sa_type):
            return pg
    raise TypeError(f"no binary COPY mapping for {column_type!r}")


TELEMETRY_FORMAT = RowFormat(tuple((c.name, _pg_type(c.type)) for c in telemetry.columns))


def telemetry_payload(
    run_id: int,
    start_sim: datetime,
    columns: Mapping[str, NDArray[np.generic]],
    true_values: Mapping[str, NDArray[np.float64]],
) -> memoryview:
    """The COPY payload of one chunk: engine columns + run id, simulated time, true values."""
    seq = columns["seq"]
    values: dict[str, NDArray[np.generic] | int | float] = dict(columns)
    values["run_id"] = run_id
    values["timestamp_sim"] = pg_microseconds(start_sim) + seq.astype(np.int64) * 1_000_000
    for name in TRUE_VALUE_SIGNALS:
        values[true_column(name)] = true_values[name]
    return TELEMETRY_FORMAT.encode(values, int(seq.shape[0]))
