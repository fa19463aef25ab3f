"""The OpenAPI schema says what the server does: one error shape for every error status, the
statuses the middleware answers, the model rules JSON Schema can hold, and 405s with a true
`Allow`. (The fuzz test checks the same at random; these are the cases by name.)"""

from __future__ import annotations

from typing import Any

import httpx
import jsonschema_rs
import pytest

pytestmark = pytest.mark.db


async def _schema(client: httpx.AsyncClient) -> dict[str, Any]:
    schema: dict[str, Any] = (await client.get("/openapi.json")).json()
    return schema


async def test_every_error_response_is_the_one_documented_error_shape(
    client: httpx.AsyncClient,
) -> None:
    schema = await _schema(client)
    components = schema["components"]["schemas"]
    assert "HTTPValidationError" not in components
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = operation["responses"]
            assert "400" in codes and "503" in codes, (method, path)
            if "requestBody" in operation:
                assert {"408", "413", "422"} <= set(codes), (method, path)
            for code, response in codes.items():
                if code[0] in "45":
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/Error", (method, path, code)
    error = jsonschema_rs.validator_for(components["Error"])
    refused = await client.post("/api/scenarios", json={})  # 405
    invalid = await client.get("/api/jobs", params={"limit": 0})  # 422
    malformed = await client.post(
        "/api/jobs", content=b"{", headers={"content-type": "application/json"}
    )
    for response in (refused, invalid, malformed):
        assert response.status_code in (400, 405, 422)
        error.validate(response.json())


async def test_a_scan_recipe_needs_a_scan_speed_in_the_schema_too(
    client: httpx.AsyncClient,
) -> None:
    schema = await _schema(client)
    recipe = next(v for k, v in schema["components"]["schemas"].items() if k.startswith("Recipe"))
    rules = recipe["allOf"]
    scan = {"if": {"properties": {"process": {"const": "scan"}}, "required": ["process"]}}
    assert any(
        r.get("if") == scan["if"] and "scan_speed_mm_s" in r["then"]["required"] for r in rules
    )
    assert recipe["properties"]["name"]["minLength"] == 1
    assert "pattern" in recipe["properties"]["name"]


async def test_undeclared_methods_are_405_with_the_methods_of_the_path(
    client: httpx.AsyncClient,
) -> None:
    options = await client.options("/api/faults/1")
    assert options.status_code == 405
    assert options.headers["allow"] == "DELETE"
    job = await client.put("/api/jobs/1")
    assert job.status_code == 405
    assert job.headers["allow"] == "GET"
    cancel = await client.get("/api/jobs/1/cancel")  # an action: POST only
    assert cancel.status_code == 405
    assert cancel.headers["allow"] == "POST"
    # `DELETE /api/faults/{fault_id}` would take "catalog" as an id and answer 422.
    catalog = await client.delete("/api/faults/catalog")
    assert catalog.status_code == 405
    assert catalog.headers["allow"] == "GET"


async def test_a_tiny_shift_is_a_422_naming_shift_h_not_a_500(client: httpx.AsyncClient) -> None:
    scenario = {"name": "tiny", "shift_h": 0.0001}  # 0 rows per shard: ZeroDivisionError before
    response = await client.post("/api/jobs", json={"scenario": scenario, "rows": 100})
    assert response.status_code == 422
    assert "shift_h" in response.json()["detail"]
