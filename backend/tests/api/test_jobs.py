"""Data-factory jobs through the API: honest outcomes, reproducible data, clear rejections."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from induction_sim.api.app import create_app
from induction_sim.machine.faults import BY_ID
from induction_sim.settings import Settings
from induction_sim.storage.database import DatabaseInfo
from induction_sim.storage.tables import generation_jobs, machine_events, parts, runs, telemetry

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
async def jobs_client(database: DatabaseInfo) -> AsyncIterator[httpx.AsyncClient]:
    """One app (and one worker pool) for the whole module: starting workers costs seconds."""
    app = create_app(Settings(max_rows_per_job=2_000_000), database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def wait_for(
    client: httpx.AsyncClient, job_id: int, timeout_s: float = 120
) -> dict[str, Any]:
    for _ in range(int(timeout_s / 0.1)):
        job: dict[str, Any] = (await client.get(f"/api/jobs/{job_id}")).json()
        if job["status"] not in ("queued", "running", "cancelling"):
            return job
        await asyncio.sleep(0.1)
    raise AssertionError(f"job {job_id} still {job['status']} after {timeout_s} s")


async def start(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/jobs", json=body)
    assert response.status_code == 202, response.text
    return response.json()  # type: ignore[no-any-return]


async def fingerprint(engine: AsyncEngine, run_id: int) -> str:
    """A hash of every column of every row of a run except run_id, in seq order."""
    columns = ", ".join(c.name for c in telemetry.columns if c.name != "run_id")
    async with engine.connect() as conn:
        value = await conn.scalar(
            text(
                f"SELECT md5(string_agg(row({columns})::text, ';' ORDER BY seq)) "  # noqa: S608 - our column names
                "FROM telemetry WHERE run_id = :run"
            ),
            {"run": run_id},
        )
    return str(value)


async def test_a_job_commits_exactly_the_rows_asked_with_parts_and_events(
    jobs_client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    job = await start(jobs_client, scenario="normal_production", rows=50_000, seed=11)
    assert job["status"] in ("queued", "running")
    done = await wait_for(jobs_client, job["id"])
    assert done["status"] == "succeeded", done
    assert done["rows_written"] == 50_000
    assert done["progress"] == 1.0
    async with engine.connect() as conn:
        run_id = done["run_id"]
        assert await conn.scalar(select(func.count()).where(telemetry.c.run_id == run_id)) == 50_000
        seqs = (
            await conn.execute(
                select(func.min(telemetry.c.seq), func.max(telemetry.c.seq)).where(
                    telemetry.c.run_id == run_id
                )
            )
        ).one()
        assert tuple(seqs) == (0, 49_999)
        assert await conn.scalar(select(func.count()).where(parts.c.run_id == run_id)) > 1000
        assert (
            await conn.scalar(select(func.count()).where(machine_events.c.run_id == run_id)) > 7000
        )
        assert await conn.scalar(select(runs.c.status).where(runs.c.id == run_id)) == "completed"


async def test_same_seed_gives_the_same_data_and_another_seed_does_not(
    jobs_client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    runs_ = []
    for seed in (5, 5, 6):
        job = await wait_for(
            jobs_client,
            (await start(jobs_client, scenario="mixed_faults", rows=40_000, seed=seed))["id"],
        )
        assert job["status"] == "succeeded", job
        runs_.append(job["run_id"])
    a, b, c = [await fingerprint(engine, r) for r in runs_]
    assert a == b
    assert a != c


async def test_labels_follow_the_fault_schedule(
    jobs_client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    scenario = {
        "name": "one-fault",
        "faults": [
            {"fault": "quench_pump_wear", "severity": 0.3, "at_s": 5000, "duration_s": 3000}
        ],
    }
    job = await wait_for(
        jobs_client, (await start(jobs_client, scenario=scenario, rows=12_000, seed=1))["id"]
    )
    assert job["status"] == "succeeded", job
    bit = 1 << BY_ID["quench_pump_wear"].bit
    labelled = telemetry.c.faults_onset.op("|")(telemetry.c.faults_active).op("&")(bit) != 0
    async with engine.connect() as conn:
        first, last = (
            await conn.execute(
                select(func.min(telemetry.c.seq), func.max(telemetry.c.seq)).where(
                    telemetry.c.run_id == job["run_id"], labelled
                )
            )
        ).one()
    assert (first, last) == (5000, 7999)


async def test_a_cancelled_job_leaves_no_run_that_looks_complete(
    jobs_client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    job = await start(jobs_client, scenario="normal_production", rows=1_000_000, seed=2)
    await asyncio.sleep(1.0)
    response = await jobs_client.delete(f"/api/jobs/{job['id']}")
    assert response.status_code == 202, response.text
    done = await wait_for(jobs_client, job["id"])
    assert done["status"] == "cancelled"
    assert done["rows_written"] < 1_000_000
    async with engine.connect() as conn:
        status = await conn.scalar(select(runs.c.status).where(runs.c.id == done["run_id"]))
    assert status == "cancelled"
    again = await jobs_client.delete(f"/api/jobs/{job['id']}")
    assert again.status_code == 409
    assert "already cancelled" in again.json()["detail"]


async def test_the_api_keeps_answering_correctly_while_a_job_runs(
    jobs_client: httpx.AsyncClient,
) -> None:
    job = await start(jobs_client, scenario="normal_production", rows=300_000, seed=3)
    answers = 0
    while True:
        health = await jobs_client.get("/api/health")
        assert health.status_code == 200
        assert health.json()["status"] == "ok"
        state = (await jobs_client.get(f"/api/jobs/{job['id']}")).json()
        answers += 1
        if state["status"] not in ("queued", "running"):
            break
        assert 0 <= state["rows_done"] <= 300_000
        await asyncio.sleep(0.05)
    assert state["status"] == "succeeded"
    assert answers > 3


@pytest.mark.parametrize(
    ("body", "status", "names"),
    [
        ({"scenario": "normal_production", "rows": 0}, 422, "rows"),
        ({"scenario": "normal_production", "rows": 3_000_000}, 422, "rows"),
        ({"scenario": "no_such_scenario", "rows": 10}, 422, "scenario"),
        (
            {
                "scenario": {"name": "x", "faults": [{"fault": "bogus", "severity": 1, "at_s": 0}]},
                "rows": 10,
            },
            422,
            "scenario.faults.0.fault",
        ),
        ({"scenario": "normal_production", "rows": 10, "seed": -1}, 422, "seed"),
        ({"rows": 10}, 422, "scenario"),
    ],
)
async def test_bad_job_requests_are_rejected_naming_the_field_and_write_nothing(
    jobs_client: httpx.AsyncClient,
    engine: AsyncEngine,
    body: dict[str, Any],
    status: int,
    names: str,
) -> None:
    async with engine.connect() as conn:
        before = await conn.scalar(select(func.count()).select_from(generation_jobs))
    response = await jobs_client.post("/api/jobs", json=body)
    assert response.status_code == status
    assert names in response.json()["detail"]
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(generation_jobs)) == before


async def test_malformed_json_and_unknown_jobs_get_clear_errors(
    jobs_client: httpx.AsyncClient,
) -> None:
    response = await jobs_client.post(
        "/api/jobs", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert "JSON" in response.json()["detail"]
    missing = await jobs_client.get("/api/jobs/999999")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "job 999999 not found"}
