"""Storage refused under the live run: health turns `degraded` (503) and names the writer; when
space returns, the writer resumes by itself and the run has no gap."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from induction_sim.api.app import create_app
from induction_sim.api.routes import health
from induction_sim.api.state import AppState
from induction_sim.settings import Settings
from induction_sim.storage.database import DatabaseInfo

pytestmark = pytest.mark.db

DISK_FULL = (
    "CREATE FUNCTION test_live_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "RAISE EXCEPTION 'could not extend file: No space left on device' "
    "USING ERRCODE = 'disk_full'; END $$",
    "CREATE TRIGGER test_live_disk_full BEFORE INSERT ON telemetry "
    "FOR EACH ROW EXECUTE FUNCTION test_live_disk_full()",
)
SPACE_BACK = (
    "DROP TRIGGER IF EXISTS test_live_disk_full ON telemetry",
    "DROP FUNCTION IF EXISTS test_live_disk_full()",
)


@pytest.fixture
async def live_app(
    database: DatabaseInfo, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[httpx.AsyncClient, AppState]]:
    monkeypatch.setattr(health, "WRITER_GRACE_S", 1.0)
    app = create_app(Settings(live_speed=20.0), database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            yield client, app.state.sim


async def _sql(engine: AsyncEngine, statements: tuple[str, ...]) -> None:
    async with engine.begin() as conn:
        for statement in statements:
            await conn.execute(text(statement))


async def test_health_degrades_while_writes_fail_and_the_writer_resumes_after(
    live_app: tuple[httpx.AsyncClient, AppState], engine: AsyncEngine
) -> None:
    client, state = live_app
    assert (await client.get("/api/health")).status_code == 200
    await _sql(engine, DISK_FULL)
    try:
        degraded = None
        for _ in range(200):
            response = await client.get("/api/health")
            if response.status_code == 503:
                degraded = response.json()
                break
            await asyncio.sleep(0.1)
        assert degraded is not None, "health never reported the failing writes"
        assert degraded["status"] == "degraded"
        assert "live run writes failing" in degraded["detail"]
        assert "DiskFull" in degraded["detail"] or "No space left" in degraded["detail"]
        machine = (await client.get("/api/machine")).json()
        assert machine["loop"]["queued_samples"] > 0  # kept, not dropped or dead-lettered
        assert machine["loop"]["dead_letter_rows"] == 0
    finally:
        await _sql(engine, SPACE_BACK)
    for _ in range(200):
        if (await client.get("/api/health")).status_code == 200:
            break
        await asyncio.sleep(0.1)
    assert (await client.get("/api/health")).json()["status"] == "ok"
    runner = state.live
    assert runner is not None
    await runner.writer.flush()
    async with engine.connect() as conn:
        count, first, last = (
            await conn.execute(
                text("SELECT count(*), min(seq), max(seq) FROM telemetry WHERE run_id = :r"),
                {"r": runner.run_id},
            )
        ).one()
    assert (first, count) == (0, last + 1)  # no gap, no duplicate
    assert last + 1 >= runner.tick.count - 1
