"""An API client bound to the real app, its lifespan and the session's database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from induction_sim.api.app import create_app
from induction_sim.settings import Settings
from induction_sim.storage.database import DatabaseInfo


@pytest.fixture
async def client(database: DatabaseInfo) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(), database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            yield client
