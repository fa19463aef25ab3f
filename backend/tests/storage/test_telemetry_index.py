"""The dashboard's "latest rows of run R after seq N" query rides the run's own index on a
large table, also when other runs hold newer rows (the table-wide time index then looks cheap to
the planner and is not)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from induction_sim.machine.signals import SIGNAL_NAMES, TRUE_VALUE_SIGNALS, true_column
from induction_sim.storage.repositories.telemetry import telemetry_after

pytestmark = pytest.mark.db

ROWS_PER_RUN = 60_000
RUNS = 2  # 120,000 rows: two overlapping runs, so time alone does not find a run's rows
# run ids no real run has (tests elsewhere commit real runs): -1 and -2, and -3 a year later
START = datetime(2026, 1, 1, tzinfo=UTC)


async def _fill(conn: AsyncConnection) -> None:
    signals = [*SIGNAL_NAMES, *(true_column(n) for n in TRUE_VALUE_SIGNALS)]
    values = ", ".join("random()" for _ in signals)
    await conn.execute(
        text(
            "INSERT INTO telemetry (run_id, seq, timestamp_sim, machine_state, part_id, alarm_code,"  # noqa: S608 - constant column names
            " faults_onset, faults_active, faults_recovering, faults_acting, "
            f"{', '.join(signals)}) "
            "SELECT r, s, timestamp '2026-01-01' + s * interval '1 second', 3, s / 40, 0, "
            "0, 0, 0, 0, "
            f"{values} "
            "FROM generate_series(-CAST(:runs AS int), -1) r, generate_series(0, :rows - 1) s"
        ),
        {"runs": RUNS, "rows": ROWS_PER_RUN},
    )
    rest = (
        "machine_state, part_id, alarm_code, faults_onset, faults_active, faults_recovering, "
        "faults_acting, " + ", ".join(signals)
    )
    await conn.execute(  # a later run: every one of its rows is newer than runs -1 and -2
        text(
            f"INSERT INTO telemetry (run_id, seq, timestamp_sim, {rest}) "  # noqa: S608 - constant names
            f"SELECT -3, seq, timestamp_sim + interval '1 year', {rest} "
            "FROM telemetry WHERE run_id = -1"
        )
    )
    await conn.execute(text("ANALYZE telemetry"))


async def test_latest_rows_of_a_run_after_a_time_use_an_index(conn: AsyncConnection) -> None:
    await _fill(conn)
    assert await conn.scalar(text("SELECT count(*) FROM telemetry WHERE run_id < 0")) >= 100_000

    after = datetime(2026, 1, 1, 16, 0, tzinfo=UTC)
    after_seq = 16 * 3600  # the sample at `after`: samples are 1 s apart from START
    query = telemetry_after(run_id=-2, after_seq=after_seq, limit=600)
    sql = str(query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    plan = "\n".join(r[0] for r in await conn.execute(text(f"EXPLAIN {sql}")))

    assert "Index" in plan, plan
    assert "Seq Scan" not in plan, plan
    assert "pk_telemetry" in plan and "ix_telemetry_timestamp_sim" not in plan, plan

    rows = (await conn.execute(query)).all()
    assert len(rows) == 600
    assert all(r.run_id == -2 and r.timestamp_sim > after for r in rows)
    assert rows[0].seq == ROWS_PER_RUN - 1  # newest first
