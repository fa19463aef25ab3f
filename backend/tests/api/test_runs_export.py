"""Runs through the API and the CLI: list, detail, parts pages, export + manifest for ML."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from induction_sim.api.app import create_app
from induction_sim.machine.machine import Machine
from induction_sim.machine.scenario import Scenario
from induction_sim.machine.schedule import FaultRule
from induction_sim.settings import Settings
from induction_sim.storage import export, records
from induction_sim.storage.database import DatabaseInfo, copy_payload
from induction_sim.storage.repositories import runs as runs_repo
from induction_sim.storage.tables import parts, telemetry
from induction_sim.storage.telemetry_copy import TELEMETRY_FORMAT, telemetry_payload

pytestmark = pytest.mark.db

ROWS = 3_000
SCENARIO = Scenario(
    name="api_export_test",
    start_sim=datetime(2026, 3, 2, 6, 0, tzinfo=UTC),
    faults=[FaultRule(fault="coil_water_inlet_hot", severity=0.5, at_s=1_000, duration_s=600)],
)


async def write_run(conn: AsyncConnection, rows: int, seed: int, status: str) -> int:
    """A batch run made by the real engine, written as the factory writes one shard."""
    run_id = await runs_repo.create_run(
        conn,
        kind="batch",
        start_sim=SCENARIO.start_sim,
        recipe=None,
        scenario=SCENARIO.model_dump(mode="json"),
        seed=seed,
        rows_expected=rows,
    )
    await records.insert_fault_injections(
        conn, run_id, SCENARIO.start_sim, SCENARIO.fault_instances(rows, seed), "schedule"
    )
    chunk = Machine(SCENARIO.machine_config(rows, seed, 0)).advance(rows)
    payload = telemetry_payload(run_id, SCENARIO.start_sim, chunk.columns, chunk.true_values)
    await copy_payload(conn, "telemetry", TELEMETRY_FORMAT.names, payload)
    await records.copy_parts(conn, run_id, SCENARIO.start_sim, chunk.parts)
    await records.copy_events(conn, run_id, SCENARIO.start_sim, chunk.events)
    await runs_repo.finish_run(conn, run_id, status, None if status == "completed" else "test")
    return run_id


@pytest.fixture(scope="module")
async def made(engine: AsyncEngine) -> AsyncIterator[dict[str, int]]:
    """A completed run and a failed (incomplete) one, committed; removed afterwards."""
    ids: dict[str, int] = {}
    try:
        async with engine.begin() as conn:
            ids["completed"] = await write_run(conn, ROWS, seed=5, status="completed")
            ids["failed"] = await write_run(conn, 500, seed=6, status="failed")
        yield ids
    finally:
        async with engine.begin() as conn:
            await runs_repo.delete_runs(conn, list(ids.values()))


@pytest.fixture(scope="module")
async def api(database: DatabaseInfo) -> AsyncIterator[httpx.AsyncClient]:
    """One app for the module: its lifespan starts a worker pool, which costs seconds."""
    app = create_app(Settings(), database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            yield client


async def test_runs_are_listed_and_shown_with_their_rows(
    api: httpx.AsyncClient, made: dict[str, int]
) -> None:
    response = await api.get("/api/runs", params={"limit": 500})
    assert response.status_code == 200
    listed = {r["id"]: r for r in response.json()}
    done, failed = listed[made["completed"]], listed[made["failed"]]
    assert (done["status"], done["kind"], done["rows"], done["complete"]) == (
        "completed",
        "batch",
        ROWS,
        True,
    )
    assert (failed["status"], failed["rows"], failed["complete"]) == ("failed", 500, False)
    assert done["scenario"] == "api_export_test" and done["seed"] == 5
    ids = [r["id"] for r in response.json()]
    assert ids == sorted(ids, reverse=True)
    older = (await api.get("/api/runs", params={"before_id": made["failed"]})).json()
    assert all(r["id"] < made["failed"] for r in older)
    assert made["completed"] in {r["id"] for r in older}

    one = (await api.get(f"/api/runs/{made['completed']}")).json()
    assert one["rows"] == ROWS and one["scenario_data"]["name"] == "api_export_test"
    missing = await api.get("/api/runs/987654321")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "run 987654321 does not exist"}


async def test_parts_come_in_pages_with_their_verdicts(
    api: httpx.AsyncClient, made: dict[str, int], engine: AsyncEngine
) -> None:
    run_id = made["completed"]
    async with engine.connect() as conn:
        expected = await conn.scalar(
            select(func.count()).select_from(parts).where(parts.c.run_id == run_id)
        )
    seen: list[dict[str, Any]] = []
    after = 0
    while True:
        page = await api.get(
            f"/api/runs/{run_id}/parts", params={"limit": 25, "after_part_id": after}
        )
        assert page.status_code == 200
        body = page.json()
        assert len(body["parts"]) <= 25
        seen += body["parts"]
        if body["next_after_part_id"] is None:
            break
        after = body["next_after_part_id"]
    assert len(seen) == expected and expected > 25
    ids = [p["part_id"] for p in seen]
    assert ids == sorted(set(ids))
    assert {p["verdict"] for p in seen} <= {"OK", "NOK"}
    assert {p["plant_verdict"] for p in seen} <= {"OK", "NOK"}
    assert all(p["surface_hrc"] is None or p["surface_hrc"] > 20 for p in seen)
    # QA's readings beside the true values: the scenario's plan (by default every 10th part's
    # hardness, every 250th sectioned), null where nothing was measured
    tested = [p for p in seen if p["hardness_inspected"]]
    assert tested and all(p["part_id"] % 10 == 0 for p in tested)
    for p in seen:
        assert (p["surface_hrc_measured"] is not None) == p["hardness_inspected"]
        assert (p["case_depth_measured_mm"] is not None) == p["case_depth_inspected"]
    for p in tested:
        assert abs(p["surface_hrc_measured"] - p["surface_hrc"]) < 3.0
    heated = [p for p in seen if p["surface_hrc"] is not None]
    assert heated
    for p in heated:  # the stored profile: deeper is softer, its surface is the measured one
        depth, hv = p["profile_depth_mm"], p["profile_hv"]
        assert len(depth) == len(hv) > 10 and depth == sorted(depth)
        assert hv[0] > hv[-1]
    assert (await api.get("/api/runs/987654321/parts")).status_code == 404
    bad = await api.get(f"/api/runs/{run_id}/parts", params={"limit": 0})
    assert bad.status_code == 422 and "limit" in bad.json()["detail"]


async def test_csv_export_streams_every_row_with_a_filename(
    api: httpx.AsyncClient, made: dict[str, int], engine: AsyncEngine
) -> None:
    run_id = made["completed"]
    response = await api.get(f"/api/runs/{run_id}/export", params={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == f'attachment; filename="run-{run_id}.csv"'
    assert response.headers["x-run-status"] == "completed"
    assert response.headers["x-run-complete"] == "true"
    lines = response.content.decode().splitlines()
    assert lines[0] == ",".join(f'"{c.name}"' for c in export.COLUMNS)
    assert len(lines) == ROWS + 1
    direct = b"".join([c async for c in export.iter_export(engine, run_id, "csv")])
    assert response.content == direct


async def test_parquet_export_reads_back_as_the_run(
    api: httpx.AsyncClient, made: dict[str, int], engine: AsyncEngine
) -> None:
    run_id = made["completed"]
    response = await api.get(f"/api/runs/{run_id}/export", params={"format": "parquet"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.apache.parquet"
    assert response.headers["content-disposition"].endswith(f'filename="run-{run_id}.parquet"')
    table = pq.read_table(io.BytesIO(response.content))
    assert table.num_rows == ROWS
    assert table.column("seq").to_pylist() == list(range(ROWS))
    async with engine.connect() as conn:
        heating = await conn.scalar(
            select(func.count())
            .select_from(telemetry)
            .where(telemetry.c.run_id == run_id, telemetry.c.machine_state == 3)
        )
    assert table.column("machine_state").to_pylist().count("HEATING") == heating
    phase = table.column("fault_coil_water_inlet_hot").to_pylist()
    assert set(phase[:1_000]) == {""} and phase[1_000] == "onset"


async def test_an_incomplete_run_is_exported_and_marked(
    api: httpx.AsyncClient, made: dict[str, int]
) -> None:
    run_id = made["failed"]
    response = await api.get(f"/api/runs/{run_id}/export", params={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["x-run-status"] == "failed"
    assert response.headers["x-run-complete"] == "false"
    assert len(response.content.decode().splitlines()) == 500 + 1
    card = (await api.get(f"/api/runs/{run_id}/manifest")).json()
    assert card["run"]["complete"] is False
    assert "incomplete" in card["run"]["warning"]


async def test_the_manifest_balances_and_describes(
    api: httpx.AsyncClient, made: dict[str, int]
) -> None:
    response = await api.get(f"/api/runs/{made['completed']}/manifest")
    assert response.status_code == 200
    card = response.json()
    balance = card["class_balance"]
    assert card["run"]["rows"] == balance["rows"] == ROWS
    assert sum(balance["machine_state"].values()) == ROWS
    assert balance["normal"] + balance["any_fault"] == ROWS
    assert all(sum(p.values()) == ROWS for p in balance["fault_phase"].values())
    observed = {o["fault"]: o for o in card["fault_onsets"]["observed"]}
    assert observed["coil_water_inlet_hot"]["first_seq"] == 1_000
    assert card["run"]["seed"] == 5 and card["run"]["scenario"]["name"] == "api_export_test"
    assert card["parts"]["rows"] == card["verdicts"]["parts"]
    parts = await api.get(f"/api/runs/{made['completed']}/export/parts", params={"format": "csv"})
    assert parts.status_code == 200 and parts.headers["content-type"].startswith("text/csv")
    assert f"run-{made['completed']}.parts.csv" in parts.headers["content-disposition"]
    lines = parts.text.splitlines()
    assert lines[0].split(",")[0] == '"part_id"' and len(lines) == card["parts"]["rows"] + 1
    missing = await api.get("/api/runs/987654321/export/parts")
    assert missing.status_code == 404


async def test_unknown_runs_and_bad_formats_are_clear_errors(
    api: httpx.AsyncClient, made: dict[str, int]
) -> None:
    for path in ("/api/runs/987654321/export?format=csv", "/api/runs/987654321/manifest"):
        response = await api.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "run 987654321 does not exist"}
    bad = await api.get(f"/api/runs/{made['completed']}/export", params={"format": "xlsx"})
    assert bad.status_code == 422
    assert bad.json()["detail"].startswith("query.format:")
    assert "csv" in bad.json()["detail"] and "parquet" in bad.json()["detail"]
    not_a_number = await api.get("/api/runs/abc/export")
    assert not_a_number.status_code == 422 and "run_id" in not_a_number.json()["detail"]


def _cli(database: DatabaseInfo, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`induction-sim ARGS` in a fresh process, against the session's database."""
    return subprocess.run(
        [sys.executable, "-m", "induction_sim", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DATABASE_URL": database.url},
        cwd=cwd,
        check=False,
    )


def test_the_cli_exports_a_run_and_its_manifest(
    made: dict[str, int], database: DatabaseInfo, tmp_path: Path
) -> None:
    run_id = made["completed"]
    target = tmp_path / "data.parquet"
    result = _cli(database, tmp_path, "export", "--run", str(run_id), "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert f"{ROWS:,} rows" in result.stderr
    table = pq.read_table(target)
    assert table.num_rows == ROWS and table.column("run_id").to_pylist() == [run_id] * ROWS
    card = json.loads((tmp_path / "data.parquet.manifest.json").read_text())
    assert card["run"]["id"] == run_id and card["run"]["rows"] == ROWS
    assert card["file"]["bytes"] == target.stat().st_size
    assert card["file"]["sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()
    assert not list(tmp_path.glob("*.part"))
    parts = pq.read_table(tmp_path / "data.parts.parquet")
    assert parts.num_rows == card["parts"]["rows"] == card["verdicts"]["parts"]
    assert card["parts"]["file"]["name"] == "data.parts.parquet"

    csv = tmp_path / "data.txt"
    args = ("export", "--run", str(run_id), "--format", "csv", "-o", str(csv))
    result = _cli(database, tmp_path, *args)
    assert result.returncode == 0, result.stderr
    assert len(csv.read_text().splitlines()) == ROWS + 1


def test_the_cli_names_an_unknown_run_or_format_in_one_line(
    database: DatabaseInfo, tmp_path: Path
) -> None:
    for args, words in (
        (("--run", "987654321", "-o", "x.csv"), ("run 987654321 does not exist",)),
        (("--run", "1", "--format", "xlsx", "-o", "x.csv"), ("format:", "'xlsx'")),
        (("--run", "1", "-o", "x.json"), ("format:", "--format csv|parquet")),
    ):
        result = _cli(database, tmp_path, "export", *args)
        assert result.returncode == 1, result
        assert "Traceback" not in result.stderr
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, result.stderr
        assert all(word in errors[0] for word in words), errors[0]
    assert list(tmp_path.iterdir()) == [], "nothing is written for a rejected export"
