"""This process's job leases, all held on one connection of their own — never the request pool.

A job's owner holds a session advisory lock on it from its creation to its recorded end
(`storage/advisory_locks.py`, namespace `JOB_LEASES`): PostgreSQL drops the lock when the owner's
session dies, however it died, so any process can tell an orphaned job from a running one. Holding
every lease on a single dedicated connection means queued jobs cost no pooled connection (fifty
queued jobs used to pin the whole pool) and a lost connection is mended in one place: `renew`
takes every lease again.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from typing import Any

from sqlalchemy.engine import Row
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from induction_sim.storage import advisory_locks
from induction_sim.storage.advisory_locks import JOB_LEASES
from induction_sim.storage.database import create_engine
from induction_sim.storage.repositories import jobs

log = logging.getLogger(__name__)


class JobLeases:
    def __init__(self, database_url: str) -> None:
        self._engine: AsyncEngine = create_engine(database_url, pool_size=1, role="job leases")
        self._conn: AsyncConnection | None = None
        self._lock = asyncio.Lock()  # one connection: one statement at a time
        self.held: set[int] = set()

    async def _connection(self) -> AsyncConnection:
        if self._conn is None or self._conn.invalidated:
            self._conn = await self._engine.connect()
        return self._conn

    async def create_job(
        self, scenario: dict[str, Any], seed: int, rows: int, shards: int
    ) -> Row[Any]:
        """Insert a queued job and take its lease in one transaction: nobody can see it unleased."""
        async with self._lock:
            conn = await self._connection()
            try:
                job_id = await jobs.create_job(conn, scenario, seed, rows, shards)
                await advisory_locks.lock(conn, JOB_LEASES, job_id)
                row = await jobs.get_job(conn, job_id)
                await conn.commit()  # a session lock: it outlives the transaction
            except BaseException:
                await self._drop(conn)
                await self._retake()
                raise
            self.held.add(job_id)
            assert row is not None
            return row

    async def try_take(self, job_id: int) -> bool:
        """Take the lease of a job nobody holds (its owner died); False when someone holds it."""
        async with self._lock:
            conn = await self._connection()
            try:
                taken = await advisory_locks.try_lock(conn, JOB_LEASES, job_id)
                await conn.commit()
            except BaseException:
                await self._drop(conn)
                await self._retake()
                raise
            if taken:
                self.held.add(job_id)
            return taken

    async def release(self, job_id: int) -> None:
        """Give the lease back (the job's end is recorded). Never raises: a broken connection has
        dropped every lock it held already."""
        if job_id not in self.held:
            return
        self.held.discard(job_id)
        async with self._lock:
            conn = self._conn
            if conn is None or conn.invalidated:
                return
            try:
                await advisory_locks.unlock(conn, JOB_LEASES, job_id)
                await conn.commit()
            except (SQLAlchemyError, OSError):
                await self._drop(conn)
                await self._retake()

    async def renew(self) -> None:
        """Is the lease connection alive? After a database restart it is not, and every lease
        went with it: take them all again on a new connection."""
        async with self._lock:
            conn = self._conn
            if conn is not None and not conn.invalidated:
                try:
                    await conn.exec_driver_sql("SELECT 1")
                    await conn.rollback()  # never idle in a transaction
                    return
                except (SQLAlchemyError, OSError):
                    await self._drop(conn)
            await self._retake()

    async def _retake(self) -> None:
        if not self.held:
            return
        try:
            conn = await self._connection()
            for job_id in sorted(self.held):
                # the old session may linger on the server a while (half-open TCP): never wait
                if not await advisory_locks.try_lock(conn, JOB_LEASES, job_id):
                    log.warning("job %s: lease not renewed yet (its old session holds it)", job_id)
            await conn.commit()
            log.warning("job leases renewed on a new connection: %s", sorted(self.held))
        except (SQLAlchemyError, OSError) as exc:  # still away: the next sweep tries again
            if self._conn is not None:
                await self._drop(self._conn)
            log.warning("job leases not renewed yet (%s)", exc)

    async def _drop(self, conn: AsyncConnection) -> None:
        """End the session (which drops its locks): a connection in an unknown state is never
        reused."""
        with suppress(SQLAlchemyError, OSError):
            await conn.invalidate()
        with suppress(SQLAlchemyError, OSError):
            await conn.close()
        if self._conn is conn:
            self._conn = None

    async def close(self) -> None:
        async with self._lock:
            if self._conn is not None:
                with suppress(SQLAlchemyError, OSError):
                    await self._conn.close()  # the session ends: every lease with it
                self._conn = None
            self.held.clear()
        await self._engine.dispose()
