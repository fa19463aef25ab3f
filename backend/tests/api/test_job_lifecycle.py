"""A job's end says what happened: who cancelled it and why, at whatever moment the cancel
arrives; oversized jobs are refused before any work; a job that fails for lack of storage says so
and the health check reports it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from induction_sim.api.app import create_app
from induction_sim.api.state import AppState
from induction_sim.machine.scenario import BUILTIN
from induction_sim.settings import Settings
from induction_sim.storage.database import DatabaseInfo
from induction_sim.storage.repositories import jobs
from induction_sim.storage.repositories import runs as runs_repo
from induction_sim.storage.tables import generation_jobs

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
async def app_one_slot(database: DatabaseInfo) -> AsyncIterator[tuple[httpx.AsyncClient, AppState]]:
    app = create_app(Settings(max_concurrent_jobs=1, live=False), database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            yield client, app.state.sim


async def _until_job(
    client: httpx.AsyncClient, job_id: int, done: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    for _ in range(1_200):
        job: dict[str, Any] = (await client.get(f"/api/jobs/{job_id}")).json()
        if done(job):
            return job
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} never got there: {job}")


def _ended(job: dict[str, Any]) -> bool:
    return job["status"] in ("succeeded", "failed", "cancelled")


async def test_user_cancels_record_who_and_why_queued_or_running(
    app_one_slot: tuple[httpx.AsyncClient, AppState],
) -> None:
    client, _ = app_one_slot
    big = await client.post("/api/jobs", json={"scenario": "normal_production", "rows": 600_000})
    waiting = await client.post("/api/jobs", json={"scenario": "normal_production", "rows": 5_000})
    big_id, waiting_id = big.json()["id"], waiting.json()["id"]
    await _until_job(client, big_id, lambda j: j["status"] == "running")

    cancelled = await client.post(f"/api/jobs/{waiting_id}/cancel", json={"reason": "wrong seed"})
    assert cancelled.status_code == 202
    queued_end = await _until_job(client, waiting_id, _ended)  # at once, not after the big one
    assert queued_end["status"] == "cancelled"
    assert queued_end["error"] == "cancelled by request from 127.0.0.1: wrong seed"
    assert (await client.get(f"/api/jobs/{big_id}")).json()["status"] == "running"

    await _until_job(client, big_id, lambda j: j["rows_done"] > 0)
    assert (await client.post(f"/api/jobs/{big_id}/cancel")).status_code == 202
    running_end = await _until_job(client, big_id, _ended)
    assert running_end["status"] == "cancelled"
    assert running_end["error"] == "cancelled by request from 127.0.0.1"  # not "shutting down"
    assert running_end["rows_written"] < 600_000
    again = await client.post(f"/api/jobs/{big_id}/cancel")
    assert again.status_code == 409


async def test_a_cancel_that_arrives_while_the_job_starts_wins(
    app_one_slot: tuple[httpx.AsyncClient, AppState],
    engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The DELETE lands between the job leaving the queue and being marked running: the job
    must end cancelled (with the reason), never run with its cancel forgotten."""
    client, state = app_one_slot
    real_create_run = runs_repo.create_run
    job_ids: list[int] = []

    async def create_run_then_cancel(*args: Any, **kwargs: Any) -> int:
        run_id = await real_create_run(*args, **kwargs)
        async with engine.begin() as other:  # another request, on another connection
            await jobs.request_job_cancel(other, job_ids[0], "cancelled by request: late")
        return run_id

    monkeypatch.setattr(runs_repo, "create_run", create_run_then_cancel)
    job = await state.factory.create(BUILTIN["normal_production"], 5_000, 3)
    job_ids.append(job.id)
    await state.factory.run(job.id)
    monkeypatch.undo()
    ended = (await client.get(f"/api/jobs/{job.id}")).json()
    assert (ended["status"], ended["error"]) == ("cancelled", "cancelled by request: late")
    assert ended["run_id"] is None and ended["rows_written"] == 0
    assert job.id not in state.factory.leases.held


def _storm(rules: int) -> dict[str, Any]:
    """Fault rules at the highest rate a rule may have, one-second faults."""
    rule = {"fault": "ground_fault", "severity": 0.5, "rate_per_h": 12, "duration_s": 1}
    return {"name": "storm", "faults": [rule] * rules}


@pytest.mark.parametrize(
    ("scenario", "rows", "field", "limit"),
    [
        (_storm(rules=5), 2_000_000, "scenario.faults", "10,000"),  # ~33,000: not even drawn
        (_storm(rules=2), 2_200_000, "scenario.faults", "10,000"),  # ~14,700: drawn, then refused
        ({"name": "slices", "shift_h": 0.25}, 2_000_000, "scenario.shift_h", "2,000"),
    ],
    ids=["far-too-many-faults", "too-many-faults-drawn", "too-many-shards"],
)
async def test_jobs_that_expand_into_too_much_work_are_refused_naming_the_limit(
    app_one_slot: tuple[httpx.AsyncClient, AppState],
    engine: AsyncEngine,
    scenario: dict[str, Any],
    rows: int,
    field: str,
    limit: str,
) -> None:
    client, state = app_one_slot
    async with engine.connect() as conn:
        before = await conn.scalar(select(func.count()).select_from(generation_jobs))
    response = await client.post("/api/jobs", json={"scenario": scenario, "rows": rows})
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail.startswith(f"{field}:") and f"limit is {limit}" in detail
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(generation_jobs)) == before
    assert state.loop_lag.view().lag_max_ms < 1_000  # the expansion ran off the event loop


async def test_a_job_failing_for_lack_of_storage_says_so_and_health_reports_it(
    app_one_slot: tuple[httpx.AsyncClient, AppState], engine: AsyncEngine
) -> None:
    """A full disk is played by a trigger raising disk_full (SQLSTATE 53100) on telemetry."""
    client, _ = app_one_slot
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "CREATE FUNCTION test_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "RAISE EXCEPTION 'could not extend file: No space left on device' "
                "USING ERRCODE = 'disk_full'; END $$"
            )
        )
        await conn.execute(
            text(
                "CREATE TRIGGER test_disk_full BEFORE INSERT ON telemetry "
                "FOR EACH ROW EXECUTE FUNCTION test_disk_full()"
            )
        )
    try:
        job = await client.post("/api/jobs", json={"scenario": "normal_production", "rows": 2_000})
        ended = await _until_job(client, job.json()["id"], _ended)
        health = await client.get("/api/health")
    finally:
        async with engine.begin() as conn:
            await conn.execute(text("DROP TRIGGER test_disk_full ON telemetry"))
            await conn.execute(text("DROP FUNCTION test_disk_full()"))
    assert ended["status"] == "failed"
    assert "out of storage" in ended["error"] and "53100" in ended["error"], ended["error"]
    assert health.status_code == 503
    assert health.json()["status"] == "degraded"
    assert "lack of storage" in health.json()["detail"]
    # space is back: the next job succeeds and health is ok again
    job = await client.post("/api/jobs", json={"scenario": "normal_production", "rows": 2_000})
    assert (await _until_job(client, job.json()["id"], _ended))["status"] == "succeeded"
    assert (await client.get("/api/health")).status_code == 200
