"""Alembic environment. Migrations normally run through `induction_sim.storage.migrate`, which
hands over an open connection; `alembic` on the command line uses DATABASE_URL instead."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from induction_sim.storage.tables import metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def _run_from_settings() -> None:
    from induction_sim.settings import Settings

    url = Settings().database_url
    if url is None:
        raise SystemExit("set DATABASE_URL to run alembic by hand")
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        await conn.run_sync(_run)
    await engine.dispose()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    asyncio.run(_run_from_settings())
