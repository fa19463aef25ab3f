"""Access control and limits: changes need the operator token when one is set; big or greedy
requests get clear 413/429 answers; jobs beyond the concurrency limit wait, visibly queued."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from induction_sim.api.app import create_app
from induction_sim.api.state import AppState
from induction_sim.settings import Settings
from induction_sim.storage.database import DatabaseInfo

pytestmark = pytest.mark.db
TOKEN = "s3cret-operator-token"  # noqa: S105 - a test fixture, not a secret


@pytest.fixture(scope="module")
async def guarded(database: DatabaseInfo) -> AsyncIterator[tuple[httpx.AsyncClient, AppState]]:
    settings = Settings(
        operator_token=TOKEN,
        max_body_bytes=2_000,
        max_stream_subscribers=2,
        max_concurrent_jobs=1,
        live_speed=20.0,
    )
    app = create_app(settings, database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            yield client, app.state.sim


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/faults", {"type": "ground_fault", "severity": 0.2}),
        ("post", "/api/machine/estop", None),
        ("post", "/api/alarms/1/ack", {"operator": "x"}),
        ("post", "/api/jobs", {"scenario": "normal_production", "rows": 10}),
        ("delete", "/api/jobs/1", None),
        ("post", "/api/recipes", {"name": "x"}),
        ("post", "/api/machine/door", {"open": True}),
    ],
)
async def test_changes_without_the_operator_token_are_refused(
    guarded: tuple[httpx.AsyncClient, AppState], method: str, path: str, body: object
) -> None:
    client, _ = guarded
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        response = await client.request(method, path, json=body, headers=headers)
        assert response.status_code == 401
        assert "operator token required" in response.json()["detail"]


async def test_reads_stay_open_and_the_token_unlocks_changes(
    guarded: tuple[httpx.AsyncClient, AppState],
) -> None:
    client, _ = guarded
    for path in ("/api/health", "/api/machine", "/api/alarms", "/api/faults", "/api/jobs"):
        assert (await client.get(path)).status_code == 200, path
    response = await client.post(
        "/api/faults",
        json={"type": "pyrometer_dirty_lens", "severity": 0.2},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 201


async def test_an_oversized_body_gets_413(guarded: tuple[httpx.AsyncClient, AppState]) -> None:
    client, _ = guarded
    big = {"scenario": {"name": "x", "description": "y" * 5_000}, "rows": 10}
    response = await client.post(
        "/api/jobs", json=big, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 413
    assert "limit is 2,000 bytes" in response.json()["detail"]


async def test_too_many_stream_subscribers_get_429(
    guarded: tuple[httpx.AsyncClient, AppState],
) -> None:
    client, state = guarded
    held = [state.hub.subscribe(), state.hub.subscribe()]
    try:
        response = await client.get("/api/stream")
        assert response.status_code == 429
        assert "too many stream subscribers" in response.json()["detail"]
    finally:
        for queue in held:
            state.hub.unsubscribe(queue)


async def test_jobs_beyond_the_concurrency_limit_wait_queued_then_run(
    guarded: tuple[httpx.AsyncClient, AppState],
) -> None:
    client, _ = guarded
    auth = {"Authorization": f"Bearer {TOKEN}"}
    first = (
        await client.post(
            "/api/jobs", json={"scenario": "normal_production", "rows": 150_000}, headers=auth
        )
    ).json()
    second = (
        await client.post(
            "/api/jobs", json={"scenario": "normal_production", "rows": 5_000}, headers=auth
        )
    ).json()
    seen_queued = False
    for _ in range(600):
        a = (await client.get(f"/api/jobs/{first['id']}")).json()
        b = (await client.get(f"/api/jobs/{second['id']}")).json()
        if a["status"] == "running" and b["status"] == "queued":
            seen_queued = True
        if a["status"] == "succeeded" and b["status"] == "succeeded":
            break
        await asyncio.sleep(0.1)
    assert seen_queued
    assert (a["status"], b["status"]) == ("succeeded", "succeeded")
