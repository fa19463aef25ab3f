"""Shared fixtures: a real PostgreSQL for every database test — never SQLite, never a mock.

Without TEST_DATABASE_URL the session starts an embedded PostgreSQL in a temporary folder. With
it (e.g. the PostgreSQL 15 server in CI) the session creates a database of its own on that server
and drops it at the end, so the server's own databases are left untouched.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from induction_sim.storage.database import DatabaseInfo, create_engine, prepare
from induction_sim.storage.embedded import EmbeddedPostgres
from server_process import TEST_DATABASE_URL, external_database


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseInfo]:
    """A migrated database for this test session, on the embedded or the external server."""
    if TEST_DATABASE_URL:
        with external_database("induction_sim_test") as url:
            yield asyncio.run(prepare(url, "external"))
    else:
        with EmbeddedPostgres(tmp_path_factory.mktemp("pg")) as server:
            yield asyncio.run(
                prepare(server.url("sim_test"), "embedded", admin_url=server.url("postgres"))
            )


@pytest.fixture(scope="session")
async def engine(database: DatabaseInfo) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database.url, pool_size=4)
    yield engine
    await engine.dispose()


@pytest.fixture
async def conn(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection inside a transaction that is rolled back after the test: no leftovers."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        try:
            yield connection
        finally:
            await transaction.rollback()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]
