"""The live machine through the API: commands, alarms, fault injection, stream, history."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import numpy as np
import pytest
from sqlalchemy import delete, insert, select

from induction_sim.api.app import create_app
from induction_sim.api.state import AppState
from induction_sim.settings import Settings
from induction_sim.storage.database import DatabaseInfo
from induction_sim.storage.tables import fault_injections, recipes

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
async def live_app(database: DatabaseInfo) -> AsyncIterator[tuple[httpx.AsyncClient, AppState]]:
    # 50× speed: a cycle takes under a second of wall time
    app = create_app(Settings(live_speed=50.0), database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            yield client, app.state.sim


async def until(
    client: httpx.AsyncClient, predicate: Any, timeout_s: float = 20.0
) -> dict[str, Any]:
    for _ in range(int(timeout_s / 0.05)):
        snapshot: dict[str, Any] = (await client.get("/api/machine")).json()
        if predicate(snapshot):
            return snapshot
        await asyncio.sleep(0.05)
    raise AssertionError(f"condition not reached; last state {snapshot['state']}")


async def test_the_live_machine_runs_and_its_samples_reach_the_database(
    live_app: tuple[httpx.AsyncClient, AppState],
) -> None:
    client, _ = live_app
    first = await until(client, lambda s: s["seq"] > 100)
    assert first["recipe"] == "1045-shaft-scan"
    await asyncio.sleep(1.5)  # the writer flushes about once a second
    page = (
        await client.get("/api/telemetry", params={"run_id": first["run_id"], "limit": 50})
    ).json()
    seqs = page["columns"]["seq"]
    assert len(seqs) == 50
    assert seqs == sorted(seqs)
    assert seqs == list(range(seqs[0], seqs[0] + 50))  # no gaps, no duplicates


async def test_coil_water_loss_alarm_then_acknowledge_and_reset_restores_production(
    live_app: tuple[httpx.AsyncClient, AppState],
) -> None:
    client, _ = live_app
    injected = await client.post(
        "/api/faults", json={"type": "coil_water_flow_loss", "severity": 1.0, "mode": "step"}
    )
    assert injected.status_code == 201, injected.text
    snapshot = await until(client, lambda s: s["state"] == "ALARM")
    alarm = snapshot["alarm"]
    assert alarm["code"] == 101
    refused = await client.post("/api/machine/reset")
    assert refused.status_code == 409
    assert "acknowledge" in refused.json()["detail"]
    ack = await client.post(
        f"/api/alarms/{alarm['id']}/ack", json={"operator": "anna", "comment": "pump"}
    )
    assert ack.status_code == 200, ack.text
    assert ack.json()["acknowledged_by"] == "anna"  # the answer shows it, not the next tick
    twice = await client.post(f"/api/alarms/{alarm['id']}/ack", json={"operator": "anna"})
    assert twice.status_code == 409
    still = await client.post("/api/machine/reset")
    assert still.status_code == 409
    assert "still active" in still.json()["detail"]
    cleared = await client.delete(f"/api/faults/{injected.json()['id']}")
    assert cleared.status_code == 200
    await asyncio.sleep(0.3)  # the outlet cools, the flow returns
    reset = await client.post("/api/machine/reset")
    assert reset.status_code == 200, reset.text
    assert reset.json()["alarm"] is None
    await until(client, lambda s: s["state"] == "HEATING")
    alarms = (await client.get("/api/alarms")).json()
    assert alarms[0]["acknowledged_by"] == "anna"
    assert alarms[0]["active"] is False


async def test_the_stream_starts_with_hello_and_resumes_without_gaps(
    live_app: tuple[httpx.AsyncClient, AppState],
) -> None:
    _, state = live_app
    assert state.live is not None
    runner = state.live
    # read the generator directly: ASGITransport buffers whole responses
    from induction_sim.api.routes.stream import _frame, _resume_point

    assert _resume_point(f"{runner.run_id}:41", None, runner.run_id) == 41
    assert _resume_point("999999:41", None, runner.run_id) is None
    queue = state.hub.subscribe()
    try:
        seqs = []
        while len(seqs) < 10:
            message = await asyncio.wait_for(queue.get(), 5)
            assert message is not None
            if message.event == "sample":
                seqs.append(message.data["seq"])
                frame = _frame(message)
                assert frame.startswith(
                    f"id: {runner.run_id}:{message.data['seq']}\nevent: sample\n"
                )
                assert json.loads(frame.split("data: ", 1)[1])["seq"] == message.data["seq"]
        assert seqs == list(range(seqs[0], seqs[0] + 10))
        replay = state.hub.replay_after(runner.run_id, seqs[0])
        assert [m.data["seq"] for m in replay][:9] == seqs[1:]
    finally:
        state.hub.unsubscribe(queue)


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "names"),
    [
        ("post", "/api/faults", {"type": "bogus", "severity": 0.5}, 422, "type"),
        ("post", "/api/faults", {"type": "ground_fault", "severity": 1.5}, 422, "severity"),
        ("post", "/api/alarms/424242/ack", {"operator": "x"}, 404, "alarm 424242"),
        ("post", "/api/alarms/1/ack", {"operator": ""}, 422, "operator"),
        ("post", "/api/machine/start", None, 409, "already running"),
        ("post", "/api/machine/jump", None, 422, "command"),
        ("delete", "/api/faults/99999", None, 404, "fault 99999"),
        ("post", "/api/recipes", {"name": "x"}, 422, "part_number"),
    ],
)
async def test_bad_live_requests_get_a_4xx_naming_the_problem_and_the_machine_keeps_running(
    live_app: tuple[httpx.AsyncClient, AppState],
    method: str,
    path: str,
    body: dict[str, Any] | None,
    status: int,
    names: str,
) -> None:
    client, _ = live_app
    before = (await client.get("/api/machine")).json()["seq"]
    response = await client.request(method, path, json=body)
    assert response.status_code == status, response.text
    assert names in response.json()["detail"]
    await until(client, lambda s: s["seq"] > before + 5)


async def test_signal_catalogue_and_fault_catalogue_are_served(
    live_app: tuple[httpx.AsyncClient, AppState],
) -> None:
    client, _ = live_app
    signals = (await client.get("/api/signals")).json()
    assert {"name": "power_kw", "unit": "kW"}.items() <= signals[1].items()
    catalog = (await client.get("/api/faults/catalog")).json()
    assert len(catalog) >= 12
    assert any(f["id"] == "coil_water_flow_loss" and f["alarm"] == 101 for f in catalog)


async def test_a_retry_after_a_lost_commit_acknowledgement_neither_duplicates_nor_stalls(
    live_app: tuple[httpx.AsyncClient, AppState],
) -> None:
    from sqlalchemy import func, select

    from induction_sim.storage.tables import telemetry

    _, state = live_app
    runner = state.live
    assert runner is not None
    for _ in range(500):  # samples waiting to be written (the writer task runs about 1 Hz)
        written = runner.writer.pending[:]
        if written:
            break
        await asyncio.sleep(0.01)
    assert written, "no sample was ever queued"
    await runner.writer.flush()  # concurrent with the writer task: each sample written once
    # the commit went through but, say, the reply was lost: the same samples are queued again
    runner.writer.pending[:0] = written
    await runner.writer.flush()
    assert not any(c in runner.writer.pending for c in written)
    seqs = [int(s) for c in written for s in c.columns["seq"]]
    async with state.engine.connect() as conn:
        rows = await conn.scalar(
            select(func.count()).where(
                telemetry.c.run_id == runner.run_id, telemetry.c.seq.in_(seqs)
            )
        )
    assert rows == len(seqs)


async def test_an_added_recipe_is_listed_kept_in_the_database_and_unique(
    live_app: tuple[httpx.AsyncClient, AppState],
) -> None:
    client, state = live_app
    builtin = (await client.get("/api/recipes")).json()[0]
    mine = {**builtin, "name": "operator-test-recipe", "power_kw": builtin["power_kw"] * 0.9}
    added = await client.post("/api/recipes", json=mine)
    assert added.status_code == 201, added.text
    listed = {r["name"]: r for r in (await client.get("/api/recipes")).json()}
    assert listed["operator-test-recipe"]["power_kw"] == pytest.approx(mine["power_kw"])
    async with state.engine.connect() as conn:  # survives a restart: it is a row, not memory
        stored = await conn.scalar(
            select(recipes.c.recipe).where(recipes.c.name == "operator-test-recipe")
        )
    assert stored is not None and stored["power_kw"] == pytest.approx(mine["power_kw"])
    again = await client.post("/api/recipes", json=mine)
    assert again.status_code == 409 and "name" in again.json()["detail"]
    clash = await client.post("/api/recipes", json=builtin)
    assert clash.status_code == 409


async def test_a_stored_recipe_that_todays_rules_refuse_does_not_break_the_list(
    live_app: tuple[httpx.AsyncClient, AppState],
) -> None:
    """A recipe saved under older, looser rules (here a scan speed below today's minimum) is left
    out of the list instead of turning it into a 500."""
    client, state = live_app
    builtin = (await client.get("/api/recipes")).json()[0]
    old = {**builtin, "name": "saved-under-old-rules", "scan_speed_mm_s": 1e-9}
    async with state.engine.begin() as conn:
        await conn.execute(insert(recipes).values(name=old["name"], recipe=old))
    try:
        listed = await client.get("/api/recipes")
        assert listed.status_code == 200
        names = [r["name"] for r in listed.json()]
        assert "saved-under-old-rules" not in names and builtin["name"] in names
    finally:
        async with state.engine.begin() as conn:
            await conn.execute(delete(recipes).where(recipes.c.name == old["name"]))


@pytest.mark.parametrize("severity", [1e-300, 5e-324, 1e-40, 0.1])
async def test_any_valid_severity_is_stored_and_its_fault_can_be_cleared(
    live_app: tuple[httpx.AsyncClient, AppState], severity: float
) -> None:
    """Severities the API takes but a REAL column would refuse (1e-300: underflow) used to
    reach the database only after the answer: the row was set aside, and the fault still acting
    in the machine could no longer be found to clear (a 404). Now the stored value is what the
    machine uses, for every valid number."""
    client, state = live_app
    assert state.live is not None
    injected = await client.post(
        "/api/faults", json={"type": "quench_temp_creep", "severity": severity, "mode": "step"}
    )
    assert injected.status_code == 201, injected.text
    fault = injected.json()
    assert fault["severity"] == float(np.float32(severity))
    await state.live.writer.flush()  # the row is in the database now, not in the queue
    assert fault["id"] not in state.live.writer.pending_faults
    cleared = await client.delete(f"/api/faults/{fault['id']}")
    assert cleared.status_code == 200, cleared.text
    await state.live.writer.flush()
    async with state.engine.connect() as conn:
        stored = (
            await conn.execute(select(fault_injections).where(fault_injections.c.id == fault["id"]))
        ).one()
    assert stored.severity == pytest.approx(float(np.float32(severity)), abs=0.0)
    assert stored.cleared_sim is not None
    assert state.live.writer.dead_letters.rows == 0
