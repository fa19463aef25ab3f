"""Many job submissions at once and one after another, against a real server with a small pool.

Every submission is accepted (202) or refused with 429 and a Retry-After; every accepted job ends
`succeeded` with its exact row count; nothing is left queued or leased; health answers 200 all
along; the live run loses no sample; and the event loop's worst stall is reported.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from server_process import server_database, serving

pytestmark = pytest.mark.db
TOKEN = "flood-test-operator-token-0123456789"  # noqa: S105 - a test fixture
ROWS = 3_000
SUBMISSIONS = 50
QUEUED_JOBS = 8  # small, so that the flood meets the queue's bound
SEQUENTIAL_PAUSE_S = 0.3  # shorter than Retry-After: some sequential submissions meet a full queue


async def _submit(client: httpx.AsyncClient, seed: int) -> httpx.Response:
    return await client.post(
        "/api/jobs", json={"scenario": "normal_production", "rows": ROWS, "seed": seed}
    )


def _check_answer(response: httpx.Response, accepted: list[int], refused: list[str]) -> None:
    assert response.status_code in (202, 429), (response.status_code, response.text)
    if response.status_code == 202:
        accepted.append(response.json()["id"])
    else:
        retry_after = response.headers.get("Retry-After")
        assert retry_after is not None and int(retry_after) >= 1, response.headers
        assert "queue is full" in response.json()["detail"]
        refused.append(retry_after)


async def _watch_health(client: httpx.AsyncClient, seen: list[int], stop: asyncio.Event) -> None:
    while not stop.is_set():
        seen.append((await client.get("/api/health")).status_code)
        await asyncio.sleep(0.2)


async def _flood(base: str) -> dict[str, Any]:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    limits = httpx.Limits(max_connections=SUBMISSIONS + 5)
    async with httpx.AsyncClient(base_url=base, headers=auth, timeout=60, limits=limits) as client:
        health: list[int] = []
        stop = asyncio.Event()
        watcher = asyncio.create_task(_watch_health(client, health, stop))
        # the database may hold other jobs already (PostgreSQL 15 in CI is shared)
        newest = (await client.get("/api/jobs", params={"limit": 1})).json()
        last_id_before = newest[0]["id"] if newest else 0
        accepted: list[int] = []
        refused: list[str] = []
        answers = await asyncio.gather(*(_submit(client, k) for k in range(SUBMISSIONS)))
        for response in answers:
            _check_answer(response, accepted, refused)
        concurrent_refused = len(refused)
        for k in range(SUBMISSIONS):  # a careful client: after a 429 it waits a little
            refused_so_far = len(refused)
            _check_answer(await _submit(client, SUBMISSIONS + k), accepted, refused)
            if len(refused) > refused_so_far:
                await asyncio.sleep(SEQUENTIAL_PAUSE_S)
        deadline = time.monotonic() + 240
        jobs: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            jobs = [(await client.get(f"/api/jobs/{j}")).json() for j in accepted]
            if all(j["status"] not in ("queued", "running", "cancelling") for j in jobs):
                break
            await asyncio.sleep(0.5)
        stop.set()
        await watcher
        listed = (await client.get("/api/jobs", params={"limit": 500})).json()
        machine = (await client.get("/api/machine")).json()
        final_health = (await client.get("/api/health")).json()
    return {
        "accepted": accepted,
        "refused": refused,
        "concurrent_refused": concurrent_refused,
        "jobs": jobs,
        "listed": sorted(j["id"] for j in listed if j["id"] > last_id_before),
        "health": health,
        "machine": machine,
        "event_loop": final_health["event_loop"],
    }


def test_fifty_concurrent_and_fifty_sequential_jobs_end_honestly(tmp_path: Path) -> None:
    env = {
        "SIM_OPERATOR_TOKEN": TOKEN,
        "SIM_DB_POOL_SIZE": "2",  # a small pool: jobs must not hold its connections
        "SIM_MAX_QUEUED_JOBS": str(QUEUED_JOBS),
        "SIM_LIVE_SPEED": "5",
    }
    with server_database() as db, serving(tmp_path, **env, **db) as (_, base):
        result = asyncio.run(_flood(base))
    accepted, jobs = result["accepted"], result["jobs"]
    print(
        f"\n{len(accepted)} jobs accepted, {len(result['refused'])} refused with 429 "
        f"({result['concurrent_refused']} of the {SUBMISSIONS} concurrent); event loop "
        f"{result['event_loop']}"
    )
    assert len(accepted) + len(result["refused"]) == 2 * SUBMISSIONS
    assert result["concurrent_refused"] > 0  # the flood met the queue's bound
    assert len(accepted) >= 2 + QUEUED_JOBS  # and the queue took what it promised
    assert len(accepted) > 2 + QUEUED_JOBS + 1  # sequential submissions got in as jobs ended
    outcomes = {(j["status"], j["rows_written"]) for j in jobs}
    assert result["listed"] == sorted(accepted)  # a refused submission left no job behind
    assert outcomes == {("succeeded", ROWS)}, [j for j in jobs if j["status"] != "succeeded"]
    assert result["health"] and set(result["health"]) == {200}
    loop = result["machine"]["loop"]
    assert loop["lost_samples"] == 0 and loop["dead_letter_rows"] == 0
    assert loop["database_failing_s"] is None
