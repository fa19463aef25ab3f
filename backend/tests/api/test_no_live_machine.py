"""A server without a live machine (SIM_LIVE=false): the live machine's endpoints answer 404
naming why, the stream still carries job messages, and the data factory works."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from induction_sim.api.app import create_app
from induction_sim.settings import Settings
from induction_sim.storage.database import DatabaseInfo
from server_process import server_database, serving

pytestmark = pytest.mark.db
LIVE_ENDPOINTS = [
    ("GET", "/api/machine", None),
    ("GET", "/api/alarms", None),
    ("GET", "/api/faults", None),
    ("POST", "/api/machine/start", None),
    ("POST", "/api/machine/door", {"open": True}),
    ("POST", "/api/alarms/1/ack", {"operator": "ann"}),
    ("POST", "/api/faults", {"type": "ground_fault", "severity": 0.5}),
    ("DELETE", "/api/faults/1", None),
]


@pytest.fixture(scope="module")
async def client(database: DatabaseInfo) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(live=False), database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            yield client


@pytest.mark.parametrize(("method", "path", "body"), LIVE_ENDPOINTS)
async def test_the_live_machines_endpoints_answer_404_naming_why(
    client: httpx.AsyncClient, method: str, path: str, body: Any
) -> None:
    response = await client.request(method, path, json=body)
    assert response.status_code == 404
    assert "SIM_LIVE=false" in response.json()["detail"]


async def _follow_a_job(base: str) -> tuple[list[tuple[str, dict[str, Any]]], int]:
    messages: list[tuple[str, dict[str, Any]]] = []
    greeted = asyncio.Event()
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:

        async def read() -> None:
            async with http.stream("GET", "/api/stream") as response:
                assert response.status_code == 200
                event = ""
                async for line in response.aiter_lines():
                    if line.startswith("event: "):
                        event = line[7:]
                    elif line.startswith("data: "):
                        messages.append((event, json.loads(line[6:])))
                        greeted.set()
                        if event == "job" and messages[-1][1]["status"] == "succeeded":
                            return

        reader = asyncio.create_task(read())
        async with asyncio.timeout(30):
            await greeted.wait()
        job = await http.post("/api/jobs", json={"scenario": "normal_production", "rows": 2_000})
        assert job.status_code == 202
        async with asyncio.timeout(60):
            await reader
    return messages, int(job.json()["id"])


def test_the_stream_carries_jobs_and_the_factory_works(tmp_path: Path) -> None:
    extra = {"SIM_LIVE": "false"}
    with server_database() as db, serving(tmp_path, **extra, **db) as (_, base):
        messages, job_id = asyncio.run(_follow_a_job(base))
    assert messages[0] == ("hello", {"run_id": None, "start_sim": None, "seq": -1})
    assert messages[-1][1]["id"] == job_id
    assert not [m for m in messages if m[0] == "sample"]
