"""`induction-sim serve` on the embedded database: answers, keeps data, never leaves PostgreSQL
running after it stops — on Ctrl-C, on SIGTERM, and after a SIGKILL (the next start adopts it)."""

from __future__ import annotations

import json
import signal
import urllib.request
from pathlib import Path

import psutil
import pytest

from server_process import serving


def get_json(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback test URL
        return json.loads(response.read())  # type: ignore[no-any-return]


def postmaster_pid(data_dir: Path) -> int | None:
    pid_file = data_dir / "postgres" / "postmaster.pid"
    if not pid_file.exists():
        return None
    pid = int(pid_file.read_text().splitlines()[0])
    return pid if psutil.pid_exists(pid) else None


def wait_until_gone(pid: int, timeout_s: float = 20) -> bool:
    try:
        psutil.Process(pid).wait(timeout=timeout_s)
    except psutil.NoSuchProcess:
        return True
    except psutil.TimeoutExpired:
        return False
    return True


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_stopping_the_server_stops_embedded_postgres(tmp_path: Path, stop_signal: int) -> None:
    with serving(tmp_path) as (proc, url):
        health = get_json(f"{url}/api/health")
        assert health["database"] == "embedded"
        assert str(health["postgres_version"]).startswith("18.")
        pg = postmaster_pid(tmp_path)
        assert pg is not None
        proc.send_signal(stop_signal)
        assert proc.wait(timeout=30) == 0
    assert wait_until_gone(pg), "embedded PostgreSQL outlived the server"


def test_data_survives_a_restart(tmp_path: Path) -> None:
    import asyncio

    from sqlalchemy import text

    from induction_sim.storage.database import APP_DATABASE, create_engine
    from induction_sim.storage.embedded import EmbeddedPostgres

    async def execute(url: str, sql: str) -> object:
        engine = create_engine(url, pool_size=1)
        async with engine.begin() as conn:
            value = (await conn.execute(text(sql))).scalar()
        await engine.dispose()
        return value

    with serving(tmp_path) as (proc, _):
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    with EmbeddedPostgres(tmp_path) as server:
        asyncio.run(
            execute(
                server.url(APP_DATABASE),
                "INSERT INTO runs (kind, engine_version, start_sim) "
                "VALUES ('live', 'x', now()) RETURNING id",
            )
        )
    with serving(tmp_path) as (proc, _), EmbeddedPostgres(tmp_path) as server:
        # the row written while the server was down, whatever live runs the servers opened
        # (counting every run raced the restarted server's own live run: flaky under load)
        count = asyncio.run(
            execute(
                server.url(APP_DATABASE), "SELECT count(*) FROM runs WHERE engine_version = 'x'"
            )
        )
        assert count == 1


def test_a_killed_server_leaves_postgres_that_the_next_start_adopts_and_stops(
    tmp_path: Path,
) -> None:
    with serving(tmp_path) as (proc, _):
        pg = postmaster_pid(tmp_path)
        proc.kill()  # SIGKILL: no cleanup can run
        proc.wait(timeout=30)
    assert pg is not None
    assert postmaster_pid(tmp_path) == pg, "orphaned PostgreSQL expected after SIGKILL"
    with serving(tmp_path) as (proc, url):
        assert get_json(f"{url}/api/health")["status"] == "ok"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    assert wait_until_gone(pg)
