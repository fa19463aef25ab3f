"""`induction-sim load` end to end on a tiny scale: its JSON has every figure, every subscriber
got every sample, the job ran, and the database is left as it was. No timing is asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from reliability_support import query

from induction_sim.storage.database import APP_DATABASE
from induction_sim.storage.embedded import EmbeddedPostgres
from induction_sim_tools.loadtest import ACTIVE, loopback_address
from induction_sim_tools.probe import Client, ProbeError
from server_process import serving


def _load(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SIM_DATABASE_URL")}
    env |= {
        "SIM_DATA_DIR": str(tmp_path / "data"),
        "SIM_FRONTEND_DIST": str(tmp_path / "no-dist"),
        "SIM_LIVE_SPEED": "10",  # the server started by `load` inherits this
    }
    return subprocess.run(
        [sys.executable, "-m", "induction_sim", "load", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        cwd=tmp_path,
        check=False,
    )


def test_a_short_load_run_reports_every_figure_and_cleans_up(tmp_path: Path) -> None:
    result = _load(tmp_path, "--duration", "6", "--subscribers", "3", "--rows", "20000", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)

    assert report["url"].startswith("http://127.0.0.1:")
    assert report["live"]["speed"] == 10
    assert report["window_samples"] > 0
    assert len(report["subscribers"]) == 3
    for sub in report["subscribers"]:
        assert sub["refused"] is None
        assert sub["missed"] == 0
        assert sub["received"] == report["window_samples"]
    assert report["missed"] == 0

    tick = report["tick"]
    assert tick["ticks_during"] > 0 and tick["window"] >= tick["ticks_during"]
    assert 0 <= tick["late_p50_ms"] <= tick["late_p99_ms"] <= tick["late_max_ms"]
    assert report["arrival"]["n"] > 0
    for name in ("telemetry", "machine"):
        api = report["api"][name]
        assert api["n"] > 0 and 0 < api["p50_ms"] <= api["p99_ms"] <= api["max_ms"]

    job = report["job"]
    assert job["status"] == "succeeded" and job["rows_written"] == 20_000
    assert job["rows_per_s"] > 0
    keys = {f["key"] for f in report["figures"]}
    assert {"stream.missed", "tick.late_p99_ms", "api.telemetry.all.p99_ms", "job.seconds"} <= keys
    assert report["left"].startswith("deleted")

    with EmbeddedPostgres(tmp_path / "data") as pg:  # what the load made is gone
        db = pg.url(APP_DATABASE)
        counts = query(
            db,
            "SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM generation_jobs), "
            "(SELECT count(*) FROM telemetry), (SELECT count(*) FROM parts)",
        )
    assert counts == [(0, 0, 0, 0)]


@pytest.mark.parametrize(
    "url", ["http://192.0.2.7:8000", "http://example.com", "https://127.0.0.1:8000"]
)
def test_only_loopback_http_servers_are_loaded(url: str) -> None:
    with pytest.raises(ProbeError, match="loopback"):
        loopback_address(url)


def test_a_remote_url_is_refused_with_one_line(tmp_path: Path) -> None:
    result = _load(tmp_path, "--url", "http://192.0.2.7:8000", "--duration", "1")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "error:" in result.stderr and "loopback" in result.stderr
    assert loopback_address("http://[::1]:8123") == ("::1", 8123)
    assert loopback_address("http://localhost:8000") == ("localhost", 8000)


def test_cancelling_a_job_that_ended_meanwhile_is_no_error(tmp_path: Path) -> None:
    """`load` cancels its job when the window ends; a job that succeeded between the last poll
    and the cancel answers 409, which must read as "not cancelled", not end the run in error."""
    with serving(tmp_path / "data", SIM_LIVE="false") as (_, url):
        address = urlsplit(url)
        assert address.hostname is not None and address.port is not None
        client = Client(address.hostname, address.port)
        try:
            job = client.post("/api/jobs", {"scenario": "normal_production", "rows": 100})
            while job["status"] in ACTIVE:
                time.sleep(0.1)
                job = client.get_json(f"/api/jobs/{job['id']}")
            assert job["status"] == "succeeded"
            assert client.cancel_job(int(job["id"]), "too late") is False
            with pytest.raises(ProbeError, match="404"):
                client.cancel_job(2**40, "no such job")
        finally:
            client.close()
