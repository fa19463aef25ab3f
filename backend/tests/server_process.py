"""A real `induction-sim serve` in a subprocess, for tests that need one over HTTP."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def asyncpg_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


async def _admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(statement))
    await engine.dispose()


@contextmanager
def external_database(prefix: str) -> Iterator[str]:
    """A database of its own on the TEST_DATABASE_URL server (created, yielded as a URL, dropped):
    tests running at the same time in other workers never see each other's rows."""
    assert TEST_DATABASE_URL, "only with TEST_DATABASE_URL"
    admin_url = asyncpg_url(TEST_DATABASE_URL)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_admin(admin_url, f'CREATE DATABASE "{name}"'))
    try:
        yield url
    finally:
        asyncio.run(_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def server_database() -> Iterator[dict[str, str]]:
    """The environment that puts a server subprocess on its own database: with TEST_DATABASE_URL
    a fresh one on that server; without it nothing (it starts an embedded PostgreSQL in its
    data dir)."""
    if not TEST_DATABASE_URL:
        yield {}
        return
    with external_database("induction_sim_server") as url:
        yield {"DATABASE_URL": url}


def _drain(stream: IO[str]) -> None:
    for _ in stream:
        pass


READY = re.compile(r"ready at (http://\S+)")


@contextmanager
def serving(data_dir: Path, **extra_env: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Start the server on a free port (embedded PostgreSQL under `data_dir` unless
    `DATABASE_URL` is passed in `extra_env`); yield (process, base URL); stop it."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"SIM_DATA_DIR": str(data_dir), "SIM_FRONTEND_DIST": str(data_dir / "no-dist")}
    env |= extra_env
    proc = subprocess.Popen(
        [sys.executable, "-m", "induction_sim", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        output = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            output.append(line)
            if match := READY.search(line):
                # keep reading: a full pipe would block the server on its next log line
                threading.Thread(target=_drain, args=(proc.stdout,), daemon=True).start()
                yield proc, match.group(1)
                break
            if not line and proc.poll() is not None:
                break
        else:
            pytest.fail("server did not become ready:\n" + "".join(output))
        if not output or not READY.search(output[-1]):
            pytest.fail("server exited early:\n" + "".join(output))
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        proc.wait(timeout=30)
