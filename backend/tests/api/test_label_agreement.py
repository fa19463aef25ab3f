"""The live stream and the export of the same run label every sample alike, also where two
instances of one fault overlap (its bit set in two phase masks at once)."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text

from induction_sim.api.app import create_app
from induction_sim.api.state import AppState
from induction_sim.machine.faults import BY_ID
from induction_sim.settings import Settings
from induction_sim.storage.database import DatabaseInfo

pytestmark = pytest.mark.db
SPEED = 20.0
FAULT = "pyrometer_dirty_lens"  # a sensor fault: labels without tripping the machine


@pytest.fixture
async def live(database: DatabaseInfo) -> AsyncIterator[tuple[httpx.AsyncClient, AppState]]:
    app = create_app(Settings(live_speed=SPEED), database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            yield client, app.state.sim


async def test_live_labels_equal_exported_labels_where_instances_overlap(
    live: tuple[httpx.AsyncClient, AppState],
) -> None:
    client, state = live
    runner = state.live
    assert runner is not None
    # A one-second instance (then 60 s recovering) and a second one injected while the first
    # recovers: the second's onset and active phases overlap the first's recovery.
    first = {"type": FAULT, "severity": 0.5, "duration_s": 1}
    assert (await client.post("/api/faults", json=first)).status_code == 201
    await asyncio.sleep(10 / SPEED)
    assert (
        await client.post("/api/faults", json={"type": FAULT, "severity": 0.5})
    ).status_code == 201
    await asyncio.sleep(70 / SPEED)
    live_labels = {
        m.data["seq"]: m.data["fault_labels"] for m in state.hub.replay_after(runner.run_id, -1)
    }
    await runner.writer.flush()

    bit = 1 << BY_ID[FAULT].bit
    async with state.engine.connect() as conn:
        overlapping = await conn.scalar(
            text(
                "SELECT count(*) FROM telemetry WHERE run_id = :r "
                "AND faults_active & faults_recovering & :bit <> 0"
            ),
            {"r": runner.run_id, "bit": bit},
        )
    assert overlapping and overlapping > 10  # the case under test happened

    exported = await client.get(f"/api/runs/{runner.run_id}/export", params={"format": "csv"})
    assert exported.status_code == 200
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    export_labels = {int(r["seq"]): [x for x in r["fault_labels"].split(";") if x] for r in rows}
    common = sorted(set(live_labels) & set(export_labels))
    assert len(common) > 50
    differing = [s for s in common if live_labels[s] != export_labels[s]]
    assert not differing, [(s, live_labels[s], export_labels[s]) for s in differing[:5]]
    assert any(f"{FAULT}:active" in live_labels[s] for s in common)
