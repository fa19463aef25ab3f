"""Binary COPY from numpy columns lands exactly the values the engine produced."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from induction_sim.machine.chunk import KEY_COLUMNS
from induction_sim.machine.signals import SIGNAL_NAMES, TRUE_VALUE_SIGNALS, true_column
from induction_sim.storage.database import connection_lost, copy_payload
from induction_sim.storage.repositories import telemetry as telemetry_repo
from induction_sim.storage.tables import telemetry
from induction_sim.storage.telemetry_copy import TELEMETRY_FORMAT, telemetry_payload

pytestmark = pytest.mark.db

START = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)


def fake_chunk(n: int, start_seq: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    rng = np.random.default_rng(1)
    columns: dict[str, np.ndarray] = {
        name: rng.integers(0, 100, n).astype(dtype) for name, dtype in KEY_COLUMNS.items()
    }
    columns["seq"] = np.arange(start_seq, start_seq + n, dtype=np.int64)
    columns["faults_active"] = np.full(n, (1 << 62) | 5, dtype=np.int64)
    for name in SIGNAL_NAMES:
        columns[name] = rng.normal(100, 30, n)
    columns["surface_temp_c"][3] = np.nan  # a sensor dropout
    true = {name: rng.normal(50, 5, n) for name in TRUE_VALUE_SIGNALS}
    return columns, true


# telemetry has no foreign key to runs: an id no test's run reaches keeps other tests' rows out
UNUSED_RUN_ID = 2**62


async def rows_of(conn: AsyncConnection, run_id: int) -> int:
    return await telemetry_repo.count_telemetry(conn, run_id)


async def test_copied_rows_read_back_equal(conn: AsyncConnection) -> None:
    columns, true = fake_chunk(5000, start_seq=100)
    payload = telemetry_payload(UNUSED_RUN_ID, START, columns, true)
    await copy_payload(conn, "telemetry", TELEMETRY_FORMAT.names, payload)

    rows = (
        await conn.execute(
            select(telemetry).where(telemetry.c.run_id == UNUSED_RUN_ID).order_by("seq")
        )
    ).all()
    assert len(rows) == 5000
    first = rows[0]._mapping
    assert first["seq"] == 100
    assert first["timestamp_sim"] == START + timedelta(seconds=100)
    assert rows[-1]._mapping["timestamp_sim"] == START + timedelta(seconds=5099)
    got = {
        name: np.array([r._mapping[name] for r in rows], dtype=np.float64) for name in SIGNAL_NAMES
    }
    for name in SIGNAL_NAMES:
        expected = columns[name].astype(np.float32).astype(np.float64)
        np.testing.assert_array_equal(got[name], expected, err_msg=name)
    assert np.isnan(got["surface_temp_c"][3])
    assert [r._mapping["faults_active"] for r in rows[:2]] == [(1 << 62) | 5] * 2
    assert [r._mapping["machine_state"] for r in rows[:50]] == columns["machine_state"][
        :50
    ].tolist()
    for name in TRUE_VALUE_SIGNALS:
        np.testing.assert_array_equal(
            np.array([r._mapping[true_column(name)] for r in rows]),
            true[name].astype(np.float32).astype(np.float64),
        )


async def test_copy_is_part_of_the_transaction(engine: AsyncEngine) -> None:
    """Rolled back with its transaction, also when it is the transaction's first statement
    (SQLAlchemy sends BEGIN lazily) and inside a savepoint."""
    columns, true = fake_chunk(10, start_seq=0)
    payload = telemetry_payload(UNUSED_RUN_ID + 1, START, columns, true)
    async with engine.connect() as conn:
        await conn.begin()
        await copy_payload(conn, "telemetry", TELEMETRY_FORMAT.names, payload)
        await conn.rollback()
        assert await rows_of(conn, UNUSED_RUN_ID + 1) == 0
        await conn.rollback()
        await conn.begin()
        savepoint = await conn.begin_nested()
        await copy_payload(conn, "telemetry", TELEMETRY_FORMAT.names, payload)
        await savepoint.rollback()
        assert await rows_of(conn, UNUSED_RUN_ID + 1) == 0
        await conn.rollback()


async def test_a_copy_whose_connection_is_cut_fails_instead_of_waiting_forever(
    engine: AsyncEngine,
) -> None:
    """The server ends the COPY's session mid-stream (a restart, an administrator): the COPY
    raises a connection-lost error. (asyncpg alone can wait forever here: `copy_payload`.)"""
    columns, true = fake_chunk(200_000, start_seq=0)
    payload = telemetry_payload(
        UNUSED_RUN_ID + 2, START, columns, true
    )  # ~50 MB: the socket fills and pauses
    async with engine.connect() as victim, engine.connect() as admin:
        pid = await victim.scalar(text("SELECT pg_backend_pid()"))
        copy = asyncio.create_task(
            copy_payload(victim, "telemetry", TELEMETRY_FORMAT.names, payload)
        )
        copying = text(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = :pid AND query ILIKE 'COPY%'"
        )
        while not await admin.scalar(copying, {"pid": pid}):  # noqa: ASYNC110 (polls the server)
            await asyncio.sleep(0.005)
        await admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        async with asyncio.timeout(60):  # a hang guard, not a timing assertion
            (outcome,) = await asyncio.gather(copy, return_exceptions=True)
        assert isinstance(outcome, Exception) and connection_lost(outcome), repr(outcome)
        await victim.invalidate()
    async with engine.connect() as conn:
        assert await rows_of(conn, UNUSED_RUN_ID + 2) == 0
