from __future__ import annotations

import httpx
import pytest

from induction_sim import __version__
from induction_sim.storage.database import DatabaseInfo

pytestmark = pytest.mark.db


async def test_health_reports_the_database_in_use(
    client: httpx.AsyncClient, database: DatabaseInfo
) -> None:
    response = await client.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == database.kind
    assert body["version"] == __version__
    major = int(body["postgres_version"].split(".")[0])
    assert major >= 15
    assert body["postgres_version"] == database.server_version


async def test_unknown_api_path_is_a_json_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


async def test_openapi_schema_is_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    assert "/api/health" in response.json()["paths"]
