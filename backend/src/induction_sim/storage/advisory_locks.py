"""Session advisory locks on `(namespace, id)`: one helper for job leases and live-run ownership.

A lock is held by the database session that took it and dropped by PostgreSQL when that session
ends, however it ended (a crash, a kill, a lost connection), so "nobody holds it" means "nobody
owns this any more", on any host. Keys are two int4: a namespace per kind of owner, then the id
(wrapped: ids beyond two billion share keys with small ones, harmless at these volumes).
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import ColumnElement, Integer, Select, cast, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

JOB_LEASES: Final = 0x4A4F  # a generation job's owner (server or CLI process)
LIVE_RUNS: Final = 0x115E  # the server running a live run
_KEYS: Final = 2**31  # the second key is an int4


def _call(function: str, namespace: int, key_id: int) -> Select[tuple[Any]]:
    return select(getattr(func, function)(namespace, key_id % _KEYS))


async def lock(conn: AsyncConnection, namespace: int, key_id: int) -> None:
    """Take the lock, waiting while another session holds it."""
    await conn.execute(_call("pg_advisory_lock", namespace, key_id))


async def try_lock(conn: AsyncConnection, namespace: int, key_id: int) -> bool:
    """Take the lock unless another session holds it (never waits)."""
    return bool(await conn.scalar(_call("pg_try_advisory_lock", namespace, key_id)))


async def unlock(conn: AsyncConnection, namespace: int, key_id: int) -> None:
    await conn.execute(_call("pg_advisory_unlock", namespace, key_id))


def free_in_transaction(namespace: int, key_column: ColumnElement[Any]) -> ColumnElement[bool]:
    """A WHERE clause true for rows whose lock nobody holds: it takes the lock until the end of the
    transaction (`pg_try_advisory_xact_lock`), so two sweepers never both claim a row."""
    return func.pg_try_advisory_xact_lock(namespace, cast(key_column % _KEYS, Integer))
