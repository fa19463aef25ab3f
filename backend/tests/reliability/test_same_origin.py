"""CORS: the API sends no CORS headers, so a browser lets only pages served by the
simulator itself (same origin) read its answers or send it changes."""

from __future__ import annotations

import httpx
import pytest

from induction_sim.api.app import create_app
from induction_sim.settings import Settings
from induction_sim.storage.database import DatabaseInfo

pytestmark = pytest.mark.db
ELSEWHERE = "http://evil.example"


async def test_no_cors_headers_for_another_origin(database: DatabaseInfo) -> None:
    app = create_app(Settings(live=False), database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            read = await client.get("/api/health", headers={"Origin": ELSEWHERE})
            preflight = await client.options(
                "/api/jobs",
                headers={
                    "Origin": ELSEWHERE,
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "authorization, content-type",
                },
            )
    assert read.status_code == 200
    assert preflight.status_code in (405, 404)  # no CORS middleware answers the preflight
    for response in (read, preflight):
        assert not [h for h in response.headers if h.lower().startswith("access-control-")]
