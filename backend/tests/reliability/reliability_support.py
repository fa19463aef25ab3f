"""Small helpers of the reliability tests: HTTP on loopback, one-off SQL, waiting."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from sqlalchemy import text

from induction_sim.storage.database import create_engine

T = TypeVar("T")


def address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    return parts.hostname, parts.port


def get_json(url: str, timeout_s: float = 10) -> Any:
    with urllib.request.urlopen(url, timeout=timeout_s) as response:  # noqa: S310 - loopback
        return json.loads(response.read())


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def health(url: str) -> tuple[int, str]:
    """`GET /api/health`: the status and the body (its `reasons` say why when degraded)."""
    try:
        with urllib.request.urlopen(f"{url}/api/health", timeout=10) as response:  # noqa: S310
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def post_json(url: str, body: dict[str, Any]) -> tuple[int, Any]:
    request = urllib.request.Request(  # noqa: S310 - loopback
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return int(response.status), json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def query(url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """Rows of one statement, on a connection of its own (the test's view of the table)."""

    async def run() -> list[tuple[Any, ...]]:
        engine = create_engine(url, pool_size=1)
        try:
            async with engine.begin() as conn:
                return [tuple(r) for r in (await conn.execute(text(sql), params)).all()]
        finally:
            await engine.dispose()

    return asyncio.run(run())


def wait_for(what: str, probe: Callable[[], T | None], timeout_s: float, every_s: float = 0.2) -> T:
    """Poll until `probe()` returns something other than None/False; fail naming `what`."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = probe()
        if value is not None and value is not False:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:g} s waiting for {what}")
        time.sleep(every_s)


def seq_summary(url: str, run_id: int) -> tuple[int, int | None, int | None, int]:
    """(rows, min seq, max seq, distinct seqs) of a run's telemetry."""
    rows = query(
        url,
        "SELECT count(*), min(seq), max(seq), count(DISTINCT seq) FROM telemetry "
        "WHERE run_id = :run",
        run=run_id,
    )
    count, low, high, distinct = rows[0]
    return int(count), low, high, int(distinct)
