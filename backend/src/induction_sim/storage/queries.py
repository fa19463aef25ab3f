"""Read queries the API and tools share; each is written to ride an index (see tests/storage)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select

from induction_sim.storage.tables import telemetry


def telemetry_after(run_id: int, after: datetime | None, limit: int) -> Select[tuple[object, ...]]:
    """The newest `limit` samples of run `run_id` later than `after`, newest first.

    Served by `ix_telemetry_run_id_timestamp_sim` (run_id, timestamp_sim): an index range scan
    read backwards, so its cost depends on `limit`, not on the size of the table.
    """
    query = select(telemetry).where(telemetry.c.run_id == run_id)
    if after is not None:
        query = query.where(telemetry.c.timestamp_sim > after)
    return query.order_by(telemetry.c.timestamp_sim.desc()).limit(limit)
