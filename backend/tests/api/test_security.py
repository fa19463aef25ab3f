"""Access control and limits: changes need the operator token when one is set; big or greedy
requests get clear 413/429 answers; jobs beyond the concurrency limit wait, visibly queued."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from induction_sim.api.app import create_app
from induction_sim.api.security import SAFE_METHODS, is_guarded
from induction_sim.api.state import AppState
from induction_sim.machine.recipe import builtin_recipes
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


def _write_routes(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    """Every (method, path template) of the app that changes something, routers included."""
    return [
        (method, context.path_format or "", context.original_route)
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        for method in sorted((context.methods or set()) - SAFE_METHODS)
    ]


# One concrete request per write route: method, template → (path, body). A new write route
# makes the class test below fail until it is listed here (and so tested both ways).
EXAMPLES: dict[tuple[str, str], list[tuple[str, object]]] = {
    ("POST", "/api/faults"): [("/api/faults", {"type": "pyrometer_dirty_lens", "severity": 0.2})],
    ("DELETE", "/api/faults/{fault_id}"): [("/api/faults/{fault}", None)],
    ("POST", "/api/machine/door"): [("/api/machine/door", {"open": True})],
    ("POST", "/api/machine/{command}"): [
        (f"/api/machine/{c}", None) for c in ("estop", "stop", "start", "reset")
    ],
    ("POST", "/api/alarms/{alarm_id}/ack"): [("/api/alarms/{alarm}/ack", {"operator": "x"})],
    ("POST", "/api/recipes"): [("/api/recipes", {"name": "x"})],
    ("POST", "/api/jobs"): [("/api/jobs", {"scenario": "normal_production", "rows": 10})],
    ("POST", "/api/jobs/{job_id}/cancel"): [("/api/jobs/{job}/cancel", None)],
}
WRONG_AUTHORIZATIONS: list[dict[bytes, bytes]] = [
    {},
    {b"Authorization": b"Bearer wrong"},
    {b"Authorization": TOKEN.encode()},  # no scheme
    {b"Authorization": f"Basic {TOKEN}".encode()},
    {b"Authorization": f"Bearer {TOKEN}x".encode()},
    {b"Authorization": "Bearer s3cret-öperator-token".encode()},  # non-ASCII bytes
]


def test_every_write_route_declares_the_operator_guard(database: DatabaseInfo) -> None:
    routes = _write_routes(create_app(Settings(), database))
    assert {(m, p) for m, p, _ in routes} == set(EXAMPLES), "list new write routes in EXAMPLES"
    unguarded = [(m, p) for m, p, route in routes if not is_guarded(route)]
    assert unguarded == []


async def _observable(client: httpx.AsyncClient, state: AppState) -> dict[str, object]:
    """What a write could change, without what the running machine changes by itself."""
    assert state.live is not None
    machine = state.live.machine
    return {
        "door_open": machine.door_open,
        "stop_requested": machine.cursor.stop_requested,
        "e_stop": machine.state.name == "E_STOP",
        "alarm": None
        if machine.alarm is None
        else (machine.alarm.code, machine.alarm.acknowledged),
        "faults": [(f["id"], f["cleared"]) for f in (await client.get("/api/faults")).json()],
        "recipes": [r["name"] for r in (await client.get("/api/recipes")).json()],
        "jobs": [(j["id"], j["status"]) for j in (await client.get("/api/jobs")).json()],
    }


async def _concrete(client: httpx.AsyncClient, path: str) -> str:
    """Fill a template's id with one that exists, so only the token can be the refusal."""
    if "{fault}" in path:
        faults = (await client.get("/api/faults")).json()
        return path.format(fault=faults[0]["id"] if faults else 1)
    if "{alarm}" in path:
        alarms = (await client.get("/api/alarms")).json()
        return path.format(alarm=alarms[0]["id"] if alarms else 1)
    if "{job}" in path:
        jobs = (await client.get("/api/jobs")).json()
        return path.format(job=jobs[0]["id"] if jobs else 1)
    return path


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [(m, path, body) for (m, _), cases in EXAMPLES.items() for path, body in cases],
)
async def test_every_write_without_the_token_is_401_and_changes_nothing(
    guarded: tuple[httpx.AsyncClient, AppState], method: str, path: str, body: object
) -> None:
    client, state = guarded
    path = await _concrete(client, path)
    before = await _observable(client, state)
    for headers in WRONG_AUTHORIZATIONS:
        response = await client.request(method, path, json=body, headers=headers)
        assert response.status_code == 401, (headers, response.text)
        assert "operator token required" in response.json()["detail"]
        assert response.headers["www-authenticate"] == "Bearer"
    # the token is checked before the body is read: malformed or huge, still 401, never 422/413
    for raw in (b"{not json", b"[" * 10_000, "\u00e9\u0000".encode()):
        response = await client.request(
            method, path, content=raw, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 401, response.text
    assert await _observable(client, state) == before


async def _until(predicate: Callable[[], bool], timeout_s: float = 20.0) -> None:
    for _ in range(int(timeout_s / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached")


async def test_every_write_with_the_token_takes_effect(
    guarded: tuple[httpx.AsyncClient, AppState],
) -> None:
    """Each write route in turn, with the token: accepted (never 401/403) and its effect seen."""
    client, state = guarded
    assert state.live is not None
    runner = state.live
    machine = runner.machine
    auth = {"Authorization": f"Bearer {TOKEN}"}
    tried: set[tuple[str, str]] = set()

    async def call(method: str, template: str, path: str, body: object = None) -> httpx.Response:
        response = await client.request(method, path, json=body, headers=auth)
        assert response.status_code not in (401, 403), response.text
        tried.add((method, template))
        return response

    async def ack_and_reset() -> None:
        # the door interlock latches an alarm with the next sample
        await _until(lambda: machine.alarm is not None and not machine.alarm.acknowledged)
        alarm = next(a for a in (await client.get("/api/alarms")).json() if a["active"])
        acked = await call(
            "POST",
            "/api/alarms/{alarm_id}/ack",
            f"/api/alarms/{alarm['id']}/ack",
            {"operator": "o"},
        )
        assert acked.status_code == 200 and acked.json()["acknowledged_by"] == "o", acked.text
        reset = await call("POST", "/api/machine/{command}", "/api/machine/reset")
        assert reset.status_code == 200 and machine.alarm is None, reset.text

    fault = await call(
        "POST", "/api/faults", "/api/faults", {"type": "pyrometer_dirty_lens", "severity": 0.2}
    )
    listed = (await client.get("/api/faults")).json()
    assert fault.status_code == 201 and listed[0]["id"] == fault.json()["id"]
    cleared = await call("DELETE", "/api/faults/{fault_id}", f"/api/faults/{fault.json()['id']}")
    listed = (await client.get("/api/faults")).json()
    assert cleared.status_code == 200 and listed[0]["cleared"]

    door = await call("POST", "/api/machine/door", "/api/machine/door", {"open": True})
    assert door.status_code == 200 and machine.door_open, door.text
    await _until(lambda: machine.alarm is not None)  # the door interlock trips
    closed = await call("POST", "/api/machine/door", "/api/machine/door", {"open": False})
    assert closed.status_code == 200 and not machine.door_open
    await ack_and_reset()

    stop = await call("POST", "/api/machine/{command}", "/api/machine/stop")
    assert stop.status_code == 200 and machine.cursor.stop_requested
    await _until(lambda: machine.state.name == "STOPPED")
    start = await call("POST", "/api/machine/{command}", "/api/machine/start")
    assert start.status_code == 200 and machine.state.name != "STOPPED"
    estop = await call("POST", "/api/machine/{command}", "/api/machine/estop")
    assert estop.status_code == 200 and machine.state.name == "E_STOP"
    await ack_and_reset()
    assert machine.state.name != "E_STOP"

    recipe = builtin_recipes()["1045-shaft-scan"].model_dump(mode="json") | {"name": "guarded-x"}
    added = await call("POST", "/api/recipes", "/api/recipes", recipe)
    assert added.status_code == 201, added.text
    assert "guarded-x" in [r["name"] for r in (await client.get("/api/recipes")).json()]

    job = await call(
        "POST", "/api/jobs", "/api/jobs", {"scenario": "normal_production", "rows": 200_000}
    )
    assert job.status_code == 202, job.text
    cancel = await call("POST", "/api/jobs/{job_id}/cancel", f"/api/jobs/{job.json()['id']}/cancel")
    assert cancel.status_code in (202, 409), cancel.text  # 409: it finished first
    if cancel.status_code == 202:
        assert cancel.json()["status"] in ("cancelling", "cancelled")
    assert tried == set(EXAMPLES)


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
