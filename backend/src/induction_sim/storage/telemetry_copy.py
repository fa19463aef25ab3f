"""Telemetry chunks encoded for binary COPY (written by `storage/database.py: copy_payload`),
in the layout of the telemetry contract (`machine/sample_schema.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from induction_sim.machine.sample_schema import SAMPLE_COLUMNS
from induction_sim.machine.signals import TRUE_VALUE_SIGNALS, true_column
from induction_sim.storage.binary_copy import RowFormat, pg_microseconds

# The binary row layout is the telemetry contract's stored columns, in table order.
TELEMETRY_FORMAT = RowFormat(tuple((c.name, c.sql_type) for c in SAMPLE_COLUMNS))


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
