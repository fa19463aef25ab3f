"""Data-factory jobs through the API: honest outcomes, reproducible data, clear rejections."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from induction_sim.api.app import create_app
from induction_sim.api.state import AppState
from induction_sim.machine.faults import BY_ID
from induction_sim.machine.scenario import BUILTIN
from induction_sim.settings import Settings
from induction_sim.storage import advisory_locks
from induction_sim.storage.database import DatabaseInfo
from induction_sim.storage.repositories import jobs
from induction_sim.storage.tables import generation_jobs, machine_events, parts, runs, telemetry

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
async def jobs_app(database: DatabaseInfo) -> AsyncIterator[tuple[httpx.AsyncClient, AppState]]:
    """One app (and one worker pool) for the whole module: starting workers costs seconds."""
    app = create_app(Settings(max_rows_per_job=2_000_000), database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            yield client, app.state.sim


@pytest.fixture
def jobs_client(jobs_app: tuple[httpx.AsyncClient, AppState]) -> httpx.AsyncClient:
    return jobs_app[0]


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


async def test_the_stream_follows_a_job_from_queued_to_its_final_status(
    jobs_app: tuple[httpx.AsyncClient, AppState],
) -> None:
    client, state = jobs_app
    queue = state.hub.subscribe()
    try:
        # large enough to run for more than one progress period (0.5 s) on any machine
        job = await start(client, scenario="normal_production", rows=300_000, seed=3)
        seen: list[dict[str, Any]] = []
        while not seen or seen[-1]["status"] not in ("succeeded", "failed", "cancelled"):
            message = await asyncio.wait_for(queue.get(), timeout=60)
            assert message is not None, "the stream dropped this subscriber"
            if message.event == "job" and message.data["id"] == job["id"]:
                seen.append(message.data)
    finally:
        state.hub.unsubscribe(queue)
    final = seen[-1]
    assert final == (await client.get(f"/api/jobs/{job['id']}")).json()  # one shape: JobView
    assert final["status"] == "succeeded" and final["rows_written"] == 300_000
    assert final["progress"] == 1.0
    statuses = [m["status"] for m in seen]
    assert statuses[0] in ("queued", "running") and "running" in statuses
    done = [m["rows_done"] for m in seen if m["status"] == "running"]
    assert done == sorted(done)  # progress never goes back


async def test_a_shard_whose_connection_drops_runs_again_and_the_job_counts_true(
    jobs_client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    """The database drops a shard's connection mid-COPY (as a restart would): the shard's
    transaction is lost whole, the factory runs the shard again, the job ends with every row
    exactly once."""
    job = await start(jobs_client, scenario="normal_production", rows=90_000, seed=21)
    cut = 0
    async with engine.connect() as conn:
        for _ in range(1_000):
            cut = int(
                await conn.scalar(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() "
                        "AND application_name = 'induction-sim shard' "
                        "AND query ILIKE 'COPY%telemetry%'"
                    )
                )
                or 0
            )
            await conn.commit()
            if cut:
                break
            await asyncio.sleep(0.01)
    assert cut, "no shard was caught copying"
    done = await wait_for(jobs_client, job["id"])
    assert done["status"] == "succeeded", done
    assert done["rows_written"] == 90_000
    async with engine.connect() as conn:
        counted = (
            await conn.execute(
                select(
                    func.count(),
                    func.count(func.distinct(telemetry.c.seq)),
                    func.max(telemetry.c.seq),
                ).where(telemetry.c.run_id == done["run_id"])
            )
        ).one()
    assert tuple(counted) == (90_000, 90_000, 89_999)


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
    response = await jobs_client.post(f"/api/jobs/{job['id']}/cancel")
    assert response.status_code == 202, response.text
    done = await wait_for(jobs_client, job["id"])
    assert done["status"] == "cancelled"
    assert done["rows_written"] < 1_000_000
    async with engine.connect() as conn:
        status = await conn.scalar(select(runs.c.status).where(runs.c.id == done["run_id"]))
    assert status == "cancelled"
    again = await jobs_client.post(f"/api/jobs/{job['id']}/cancel")
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


async def test_a_lease_lost_with_its_connection_is_renewed(
    jobs_app: tuple[httpx.AsyncClient, AppState], engine: AsyncEngine
) -> None:
    """A database restart ends the session holding the process's job leases: the factory takes
    them again, so another server's sweep does not mark a job queued here as interrupted."""
    factory = jobs_app[1].factory
    job_id = (await factory.create(BUILTIN["normal_production"], 10, 1)).id
    try:
        held = text("SELECT pg_try_advisory_xact_lock(:space, :job)")
        params = {"space": advisory_locks.JOB_LEASES, "job": job_id}
        lease = await factory.leases._connection()
        pid = await lease.scalar(text("SELECT pg_backend_pid()"))
        await lease.rollback()
        async with engine.connect() as admin:
            await admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            await admin.commit()
            for _ in range(100):  # the backend ends a moment after it is told to
                gone = await admin.scalar(held, params)
                await admin.rollback()
                if gone:
                    break
                await asyncio.sleep(0.05)
            assert gone  # the lease is gone with its session
            await factory.leases.renew()
            assert await factory.leases._connection() is not lease
            assert not await admin.scalar(held, params)  # held again
            await admin.rollback()
            async with engine.begin() as conn:
                await jobs.mark_interrupted_jobs(conn)  # another server's sweep
            status = select(generation_jobs.c.status).where(generation_jobs.c.id == job_id)
            assert await admin.scalar(status) == "queued"
    finally:
        await factory.cancel(job_id, "test over")
        async with engine.begin() as conn:
            await conn.execute(delete(generation_jobs).where(generation_jobs.c.id == job_id))
