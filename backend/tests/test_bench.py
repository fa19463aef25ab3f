"""`induction-sim bench` end to end on tiny sizes: every figure is produced and sane, and the
database is left as it was. Timings are never asserted (they are what the bench reports)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pytest
from rich.console import Console
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from induction_sim.storage.database import DatabaseInfo
from induction_sim_tools.bench import (
    BenchOptions,
    BenchReport,
    engine_figures,
    figures_table,
    run_bench,
)

pytestmark = pytest.mark.db

SMALL, LARGE = 3_000, 8_000

COUNTS = (
    "SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM generation_jobs), "
    "(SELECT count(*) FROM telemetry), (SELECT count(*) FROM parts), "
    "(SELECT count(*) FROM machine_events)"
)


async def test_bench_measures_everything_and_cleans_up(
    database: DatabaseInfo, engine: AsyncEngine
) -> None:
    async with engine.connect() as conn:
        before = tuple((await conn.execute(text(COUNTS))).one())
    env = {k: v for k, v in os.environ.items() if k != "SIM_DATABASE_URL"}
    env["DATABASE_URL"] = database.url  # the server joins the same database
    options = BenchOptions(
        small_rows=SMALL, large_rows=LARGE, requests=20, repeats=2, settle_s=0.5, busy_max_s=60
    )
    report = BenchReport(database, options, engine=engine_figures(2_000))
    await run_bench(database, options, env, report=report)

    assert [(c.rows, len(c.attempts)) for c in report.copy] == [(SMALL, 2), (LARGE, 1)]
    assert all(0 < c.seconds < 60 and c.rows_per_s > 0 for c in report.copy)

    breakdown = report.breakdown
    assert breakdown is not None and breakdown.rows == SMALL
    assert breakdown.parts > 0 and breakdown.events > 0
    assert all(seconds > 0 for seconds in breakdown.seconds.values())

    assert report.job_floor is not None and report.job_floor.status == "succeeded"
    assert [(f.scenario, f.rows, f.status) for f in report.factory] == [
        ("normal_production", SMALL, "succeeded"),
        ("normal_production", LARGE, "succeeded"),
        ("mixed_faults", LARGE, "succeeded"),
    ]
    for f in report.factory:
        assert f.seconds == min(f.attempts)
        assert f.compute_s is not None and f.compute_s > 0
        assert f.write_s is not None and f.write_s > 0
    for f in report.factory[1:]:  # the large jobs' memory is sampled
        assert f.memory is not None and f.memory.samples >= 1
        assert f.memory.total_bytes == f.memory.coordinator_bytes + f.memory.workers_bytes
        assert f.memory.workers >= options.workers
        assert 20e6 < f.memory.total_bytes < 4e9

    latency = report.latency
    assert latency is not None and latency.busy is not None and latency.job is not None
    assert set(latency.idle) == {"telemetry", "health"}
    for stats in latency.idle.values():
        assert stats.requests == options.requests
        assert 0 < stats.p50_ms <= stats.p99_ms <= stats.max_ms
    assert latency.job.status == "succeeded"
    assert latency.job.rows == LARGE
    assert latency.job.memory is not None and latency.job.memory.total_bytes > 0

    figures = report.figures()
    keys = [f.key for f in figures]
    assert len(keys) == len(set(keys)) and all(keys)
    for key in (
        "engine.one_part_ms",
        "breakdown.COPY_telemetry_s_per_1m",
        f"copy.{LARGE}.rows_per_s",
        f"factory.normal_production.{SMALL}.seconds",
        f"factory.normal_production.{SMALL}.copy_ratio",
        f"factory.mixed_faults.{LARGE}.peak_memory_gb",
        "latency.telemetry.idle.p99_ms",
        "latency.telemetry.busy.p99_ms",
        "latency.server_job.seconds",
    ):
        assert key in keys, key
    by_key = {f.key: f for f in figures}
    assert 0 < by_key[f"factory.normal_production.{SMALL}.copy_ratio"].value < 1000
    # targets are for 50,000 and 1,000,000 rows: not judged at these sizes
    assert by_key[f"factory.normal_production.{SMALL}.seconds"].met is None

    data = json.loads(json.dumps(report.as_json(), allow_nan=False))
    assert data["database"]["kind"] == database.kind
    assert len(data["figures"]) == len(figures)
    console = Console(record=True, width=200)
    console.print(figures_table(figures, "bench", report.caption()))
    assert "COPY ceiling" in console.export_text()

    async with engine.connect() as conn:
        after = tuple((await conn.execute(text(COUNTS))).one())
    assert after == before, "the bench left runs, jobs, rows or its table behind"
    assert not any(isinstance(v, float) and math.isnan(v) for v in data["copy"][0].values())


@pytest.mark.parametrize("command", ["bench", "load"])
def test_the_tools_commands_without_their_extra_say_how_to_get_it(command: str) -> None:
    """The server does not depend on psutil; without the tools extra the command says so."""
    hide_psutil = (
        "import sys; sys.modules['psutil'] = None; "
        f"sys.argv = ['induction-sim', '{command}']; "
        "from induction_sim.cli import app; app()"
    )
    done = subprocess.run(
        [sys.executable, "-c", hide_psutil], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "needs the tools extra: pip install -e 'backend[tools]'" in done.stderr
    assert "Traceback" not in done.stderr
