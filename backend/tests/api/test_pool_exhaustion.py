"""A drained connection pool is a 503 with Retry-After (the server is busy), never a 500; health
says why; requests succeed again as soon as connections are free."""

from __future__ import annotations

import httpx
import pytest

from induction_sim.api.app import create_app
from induction_sim.settings import Settings
from induction_sim.storage import database as db
from induction_sim.storage.database import DatabaseInfo

pytestmark = pytest.mark.db


async def test_requests_without_a_free_pooled_connection_get_503(
    database: DatabaseInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "POOL_TIMEOUT_S", 0.3)
    app = create_app(Settings(db_pool_size=1, live=False), database)
    async with app.router.lifespan_context(app):
        engine = app.state.sim.engine
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            held = [await engine.connect(), await engine.connect()]  # pool 1 + overflow 1
            try:
                for path in ("/api/jobs", "/api/runs", "/api/recipes"):
                    busy = await client.get(path)
                    assert busy.status_code == 503, (path, busy.status_code, busy.text)
                    assert busy.headers["Retry-After"] == "2"
                    assert "database busy or unavailable" in busy.json()["detail"]
                health = await client.get("/api/health")
                assert health.status_code == 503
                assert "database pool busy" in health.json()["detail"]
            finally:
                for conn in held:
                    await conn.close()
            assert (await client.get("/api/jobs")).status_code == 200
            assert (await client.get("/api/health")).status_code == 200
