"""A generation job as the API and the stream show it (GET /api/jobs/{id}, stream `job`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

JobStatus = Literal["queued", "running", "cancelling", "succeeded", "failed", "cancelled"]


class JobView(BaseModel):
    id: int
    status: JobStatus
    scenario: str
    seed: int
    rows_requested: int
    rows_written: int = Field(description="rows committed in PostgreSQL")
    rows_done: int = Field(description="rows generated and copied so far (committed per shard)")
    progress: float = Field(ge=0.0, le=1.0)
    rows_per_s: float | None
    eta_s: float | None
    shards: int | None
    run_id: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    compute_s: float | None
    write_s: float | None
    error: str | None


def job_view(row: Any, live: dict[str, Any] | None) -> JobView:
    """A job row as the API shows it, with in-flight figures when it runs in this process."""
    done = live["rows_done"] if live else (row.rows_written if row.status != "running" else 0)
    requested = int(row.rows_requested)
    elapsed = (
        (row.finished_at - row.started_at).total_seconds()
        if row.finished_at and row.started_at
        else None
    )
    rate = live["rows_per_s"] if live else (row.rows_written / elapsed if elapsed else None)
    return JobView(
        id=row.id,
        status=row.status,
        scenario=str(row.scenario.get("name", "?")),
        seed=row.seed,
        rows_requested=requested,
        rows_written=row.rows_written,
        rows_done=done,
        progress=1.0 if row.status == "succeeded" else min(done / requested, 1.0),
        rows_per_s=rate,
        eta_s=live["eta_s"] if live else (0.0 if row.status == "succeeded" else None),
        shards=row.shards,
        run_id=row.run_id,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        compute_s=row.compute_s,
        write_s=row.write_s,
        error=row.error,
    )
