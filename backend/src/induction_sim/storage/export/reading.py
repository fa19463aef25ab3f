"""Reading a run's telemetry for export: keyset-paginated binary COPY, decoded with one numpy
structured view (telemetry rows are fixed width, see `storage/binary_copy.py`)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Final

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from induction_sim.storage.binary_copy import SIGNATURE, TRAILER
from induction_sim.storage.database import driver_connection
from induction_sim.storage.tables import telemetry
from induction_sim.storage.telemetry_copy import TELEMETRY_FORMAT

_ROW_DTYPE: Final = TELEMETRY_FORMAT.dtype()
_HEADER_LEN: Final = len(SIGNATURE) + 8  # signature, flags, header-extension length
_SELECT_LIST: Final = ", ".join(f'"{name}"' for name in TELEMETRY_FORMAT.names)


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


async def copy_batches(
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
