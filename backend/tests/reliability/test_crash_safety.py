"""Crash safety: the server is killed (SIGKILL) while a 1,000,000-row job writes.

After a restart on the same data: the job is `failed` as interrupted, its run is marked
incomplete, no run anywhere looks complete with rows missing, the killed server's live run is
marked interrupted (its seq a gap-free prefix), and the live machine goes on in a new run from
seq 0 — no seq written twice.

The factory's worker processes notice that their parent died and end (their open shard rolls
back): the test notes them before the kill and checks that none outlives it.
"""

from __future__ import annotations

from pathlib import Path

import psutil
from reliability_support import get_json, post_json, query, seq_summary, wait_for

from induction_sim.storage.database import APP_DATABASE
from induction_sim.storage.embedded import EmbeddedPostgres
from server_process import serving

ROWS = 1_000_000
LIVE = {"SIM_LIVE_SPEED": "20"}


def committed(db: str, run_id: int) -> int:
    return seq_summary(db, run_id)[0]


def end_orphans(orphans: list[psutil.Process]) -> None:
    for p in orphans:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            continue
    psutil.wait_procs(orphans, timeout=30)


def test_a_server_killed_during_a_large_job_restarts_with_nothing_that_looks_complete(
    tmp_path: Path,
) -> None:
    # The test co-owns the embedded server, so it stays up between the two servers.
    with EmbeddedPostgres(tmp_path) as pg:
        db = pg.url(APP_DATABASE)
        orphans: list[psutil.Process] = []
        try:
            with serving(tmp_path, **LIVE) as (proc, url):
                killed_live = int(get_json(f"{url}/api/machine")["run_id"])
                status, job = post_json(
                    f"{url}/api/jobs", {"scenario": "normal_production", "rows": ROWS, "seed": 3}
                )
                assert status == 202, job
                run_id = wait_for(
                    "the job's run",
                    lambda: get_json(f"{url}/api/jobs/{job['id']}")["run_id"],
                    60,
                )
                # kill once a shard or more is committed: a run part-written, the job unfinished
                wait_for("a committed shard", lambda: committed(db, run_id) > 0, 120, 0.05)
                wait_for("live samples in the table", lambda: committed(db, killed_live) > 0, 30)
                orphans = psutil.Process(proc.pid).children(recursive=True)
                proc.kill()
                proc.wait(timeout=30)
            _, alive = psutil.wait_procs(orphans, timeout=30)  # a hang guard, not timing
            assert not alive, f"processes outlived the killed server: {alive}"
            at_kill = committed(db, run_id)
            assert at_kill < ROWS, "the job ended before the kill: nothing was tested"

            with serving(tmp_path, **LIVE) as (proc, url):
                after = get_json(f"{url}/api/jobs/{job['id']}")
                assert after["status"] == "failed"
                assert "interrupted" in after["error"]
                run = get_json(f"{url}/api/runs/{run_id}")
                assert run["status"] in ("interrupted", "failed", "cancelled")
                assert run["complete"] is False
                assert run["rows_expected"] == ROWS

                old_live = get_json(f"{url}/api/runs/{killed_live}")
                assert old_live["status"] == "interrupted", old_live
                live = int(get_json(f"{url}/api/machine")["run_id"])
                assert live != killed_live  # a new run, never the old run's seq continued
                wait_for("the new live run's samples", lambda: committed(db, live) > 0, 30)

                # whatever looks complete has every row it promises
                for rid, expected, counted in query(
                    db,
                    "SELECT id, rows_expected, (SELECT count(*) FROM telemetry t "
                    "WHERE t.run_id = r.id) FROM runs r "
                    "WHERE kind = 'batch' AND status = 'completed'",
                ):
                    assert counted == expected, f"run {rid} looks complete with rows missing"
        finally:
            end_orphans(orphans)

        # both live runs: seq from 0 without a gap or a repeat (the old one up to the kill)
        for rid in (killed_live, live):
            rows, low, high, distinct = seq_summary(db, rid)
            assert low == 0 and high is not None
            assert rows == distinct == high + 1, f"live run {rid}: {rows} rows for 0..{high}"
        print(  # the figures of docs/reliability.md (pytest -s shows them)
            f"\nkilled with {at_kill:,} of {ROWS:,} rows committed; after the restart: job "
            f"{after['status']} ({after['error']}), run {run_id} {run['status']} with "
            f"{run['rows']:,} rows, complete={run['complete']}; live run {killed_live} "
            f"{old_live['status']} with {old_live['rows']} rows, new live run {live} from seq 0"
        )
