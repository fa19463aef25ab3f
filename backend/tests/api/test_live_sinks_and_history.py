"""The live machine's sinks and its history: a slow or failing sink is isolated, the stream's hello
carries start_sim, telemetry pages are read after a seq, and alarm, fault and part history
outlive a server restart (two app lifespans on one database)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import create_async_engine
from starlette.requests import Request

from induction_sim.api.app import create_app
from induction_sim.api.routes.stream import stream
from induction_sim.api.state import AppState
from induction_sim.drivers import sinks as sinks_module
from induction_sim.drivers.live import LiveRunner
from induction_sim.drivers.live_writer import LiveWriter
from induction_sim.drivers.sinks import LiveChunk, QueuedSink
from induction_sim.machine.recipe import builtin_recipes
from induction_sim.settings import Settings
from induction_sim.storage.database import DatabaseInfo

START = datetime(2026, 1, 1, tzinfo=UTC)


class Stuck(QueuedSink):
    """Never finishes a delivery (a hung network peer)."""

    async def handle(self, item: LiveChunk) -> None:
        await asyncio.Event().wait()


class Broken(QueuedSink):
    async def handle(self, item: LiveChunk) -> None:
        raise RuntimeError("this sink fails on every chunk")


class Recording(QueuedSink):
    def __init__(self) -> None:
        super().__init__("recording")
        self.seqs: list[int] = []

    async def handle(self, item: LiveChunk) -> None:
        self.seqs.extend(int(s) for s in item.chunk.columns["seq"])


class RefusingPut:
    """A sink whose `put` itself raises (a bug in a sink must not stop the machine)."""

    name = "refusing"

    def put(self, item: LiveChunk) -> None:
        raise RuntimeError("put refused")

    async def run(self) -> None:
        return

    async def close(self) -> None:
        return


async def test_a_stuck_or_failing_sink_delays_neither_the_tick_nor_the_other_sinks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sinks_module, "CLOSE_TIMEOUT_S", 0.2)
    # never connected: the runner is stepped by hand, without a run or a database
    writer = LiveWriter(
        create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none"), START, tmp_path
    )
    stuck, broken, recording = Stuck("stuck", queue_chunks=10), Broken("broken"), Recording()
    sinks = [stuck, broken, RefusingPut(), recording]
    runner = LiveRunner(builtin_recipes()["1045-shaft-scan"], 1.0, True, START, writer, sinks)
    tasks = [asyncio.create_task(s.run()) for s in sinks]
    slowest_s = 0.0
    for _ in range(300):
        started = time.perf_counter()
        runner.step()
        slowest_s = max(slowest_s, time.perf_counter() - started)
        await asyncio.sleep(0)  # the sinks' tasks run between ticks, as in the live loop
    for _ in range(200):
        if len(recording.seqs) == 300:
            break
        await asyncio.sleep(0.01)
    assert recording.seqs == list(range(300))  # every sample, in order, despite the others
    assert runner.tick.count == 300
    assert slowest_s < 0.5, slowest_s  # one sample of the engine; nothing waits on a sink
    assert stuck.dropped >= 300 - 10 - 1  # its queue stayed bounded: the oldest went
    assert stuck.queued <= 10
    assert broken.failed == 300 and broken.delivered == 0
    started = time.perf_counter()
    for sink in sinks:
        await sink.close()
    assert time.perf_counter() - started < 2.0  # the stuck sink is cut at its close timeout
    await asyncio.wait(tasks, timeout=2.0)
    assert all(t.done() for t in tasks)


@pytest.fixture
def serve(database: DatabaseInfo) -> Callable[[], Any]:
    """An app on the session's database; each call is a fresh server (a restart)."""

    def make() -> FastAPI:
        return create_app(Settings(live_speed=50.0), database)

    return make


@contextlib.asynccontextmanager
async def _client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        yield client


async def _until(client: httpx.AsyncClient, predicate: Any, timeout_s: float = 30.0) -> Any:
    for _ in range(int(timeout_s / 0.05)):
        snapshot = (await client.get("/api/machine")).json()
        if predicate(snapshot):
            return snapshot
        await asyncio.sleep(0.05)
    raise AssertionError(f"condition not reached; last {snapshot['state']}")


async def test_the_stream_hello_carries_start_sim_and_pages_read_after_a_seq(
    serve: Callable[[], FastAPI],
) -> None:
    app = serve()
    async with app.router.lifespan_context(app), _client(app) as client:
        state: AppState = app.state.sim
        snapshot = await _until(client, lambda s: s["seq"] > 60)
        request = Request({"type": "http", "app": app, "headers": [], "query_string": b""})
        response = await stream(request, since=None, run_id=None, last_event_id=None)
        hello = await anext(response.body_iterator)  # type: ignore[attr-defined]
        await response.body_iterator.aclose()  # type: ignore[attr-defined]
        assert isinstance(hello, str) and hello.startswith("event: hello\n")
        assert f'"run_id":{snapshot["run_id"]}' in hello
        data = json.loads(hello.split("data: ", 1)[1])
        start_sim = datetime.fromisoformat(snapshot["start_sim"])
        assert datetime.fromisoformat(data["start_sim"]) == start_sim

        assert state.live is not None
        await state.live.writer.flush()
        page = (
            await client.get(
                "/api/telemetry",
                params={"run_id": snapshot["run_id"], "after_seq": 40, "limit": 10},
            )
        ).json()
        assert datetime.fromisoformat(page["start_sim"]) == start_sim
        seqs = page["columns"]["seq"]
        assert seqs == list(range(seqs[0], seqs[0] + 10)) and seqs[0] > 40
        assert "timestamp_sim" not in page["columns"]
        assert len(page["columns"]["fault_labels"]) == 10  # the live sample's shape
        first = (
            await client.get(
                "/api/telemetry",
                params={"run_id": snapshot["run_id"], "after_seq": 40, "limit": 5000},
            )
        ).json()["columns"]["seq"]
        assert first[0] == 41
        live_keys = set(snapshot["last_sample"]) - {"run_id"}
        assert live_keys == set(page["columns"])  # one seq-keyed shape, live and history


async def test_alarm_fault_and_part_history_survive_a_restart(
    serve: Callable[[], FastAPI],
) -> None:
    first = serve()
    async with first.router.lifespan_context(first), _client(first) as client:
        made = await _until(client, lambda s: s["parts_made"] >= 1)
        run = made["run_id"]
        fault = (
            await client.post("/api/faults", json={"type": "ground_fault", "severity": 0.3})
        ).json()
        assert fault["run_id"] == run and fault["cleared"] is False
        assert (await client.delete(f"/api/faults/{fault['id']}")).json()["cleared"] is True
        estop = (await client.post("/api/machine/estop")).json()
        alarm = estop["alarm"]
        assert alarm["run_id"] == run and alarm["active"] is True
        ack = await client.post(
            f"/api/alarms/{alarm['id']}/ack", json={"operator": "anna", "comment": "test"}
        )
        assert ack.status_code == 200, ack.text
        assert (await client.post("/api/machine/reset")).status_code == 200
        shown = (await client.get("/api/alarms")).json()[0]  # at once, before any write
        assert (shown["run_id"], shown["id"], shown["active"]) == (run, alarm["id"], False)
        assert shown["reset_at"] is not None and shown["acknowledged_by"] == "anna"
        await _until(
            client, lambda s: s["seq"] > estop["seq"] + 5
        )  # the reset goes out with a tick

    second = serve()  # a restart on the same database
    async with second.router.lifespan_context(second), _client(second) as client:
        snapshot = (await client.get("/api/machine")).json()
        assert snapshot["run_id"] > run
        assert snapshot["previous_parts_run"] is not None
        assert snapshot["previous_parts_run"] >= run
        alarms = (await client.get("/api/alarms")).json()
        before = next(a for a in alarms if (a["run_id"], a["id"]) == (run, alarm["id"]))
        assert before["name"] == "EMERGENCY_STOP"
        assert (before["acknowledged_by"], before["ack_comment"]) == ("anna", "test")
        assert before["active"] is False and before["reset_at"] is not None
        faults = (await client.get("/api/faults")).json()
        kept = next(f for f in faults if f["id"] == fault["id"])
        assert (kept["run_id"], kept["type"], kept["cleared"]) == (run, "ground_fault", True)
        # an earlier run's alarm cannot be acknowledged; its fault cannot be cleared
        old = await client.post(
            f"/api/alarms/{alarm['id']}/ack", json={"operator": "anna", "run_id": run}
        )
        assert old.status_code == 409 and "no longer live" in old.json()["detail"]
        cleared = await client.delete(f"/api/faults/{fault['id']}")
        assert cleared.status_code == 409 and "has ended" in cleared.json()["detail"]
        parts = (await client.get(f"/api/runs/{snapshot['previous_parts_run']}/parts")).json()
        assert parts["parts"], "the previous live run's parts are there to show"
