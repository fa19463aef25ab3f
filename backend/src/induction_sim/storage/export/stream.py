"""A run's telemetry streamed as a file: read (`reading.py`) and encode (`formats.py`) overlap.

Encoding runs in a worker thread (pyarrow releases the GIL) while PostgreSQL already sends the
next batch, so an export neither stalls the API nor waits on itself.
"""

from __future__ import annotations

import asyncio
import io
import json
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, Final

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from induction_sim.storage.export.columns import SCHEMA, arrow_batch
from induction_sim.storage.export.context import RunContext, run_context
from induction_sim.storage.export.formats import BatchWriter, FileFormat, file_format
from induction_sim.storage.export.reading import copy_batches
from induction_sim.storage.repositories.runs import run_row

BATCH_ROWS: Final = 20_000
READ_AHEAD_WAIT_S: Final = 30.0  # a batch read takes milliseconds; this only bounds a hung one


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


class Encoder:
    """Telemetry rows in, file bytes out, batch by batch (the format's writer: CSV one header,
    Parquet a row group per batch and the footer at `finish`)."""

    def __init__(
        self, format: FileFormat, metadata: dict[str, str], context: RunContext | None = None
    ) -> None:
        self.context = context or RunContext()
        self.spool = _Spool()
        self.lock = threading.Lock()  # `write` runs in a worker thread; `close` waits for it
        self.sink = pa.PythonFile(self.spool, mode="w")
        self.writer: BatchWriter | None = format.open(self.sink, SCHEMA.with_metadata(metadata))

    def write(self, rows: NDArray[np.void]) -> bytes:
        batch = arrow_batch(rows, self.context)
        with self.lock:
            if self.writer is not None:
                self.writer.write_batch(batch)
            return self.spool.take()

    def head(self) -> bytes:
        return self.spool.take()

    def finish(self) -> bytes:
        self.close()
        return self.spool.take()

    def close(self) -> None:
        with self.lock:
            if self.writer is not None:
                self.writer.close()
                self.writer = None
                self.sink.close()


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
    """A run's telemetry in a registered format (`formats.FORMATS`), ordered by seq, streamed
    batch by batch.

    Raises ValueError for an unknown format and NotFoundError for an unknown run (at the first
    step of the iteration, before any byte). `progress(rows_written)` follows every batch.
    """
    chosen = file_format(format)
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
                    "code_version": run.code_version,
                    "scenario": (run.scenario or {}).get("name"),
                }
            )
        }
        encoder = Encoder(chosen, metadata, await run_context(conn, run))
        batches = copy_batches(conn, run_id, batch_rows)
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
                # Let the batch in flight finish: a COPY cancelled mid-stream can break asyncpg's
                # protocol state (the connection dies and the snapshot's rollback raises).
                await asyncio.wait({reading}, timeout=READ_AHEAD_WAIT_S)
                reading.cancel()
                await asyncio.gather(reading, return_exceptions=True)
            await batches.aclose()
            encoder.close()  # waits for an encode still running in its thread
