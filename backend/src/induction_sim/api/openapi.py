"""The OpenAPI schema made to say what the server does, for every operation at once.

FastAPI documents 422 as its own `HTTPValidationError` (`detail` an array), while every error
here is `{"detail": str, "errors"?: [...]}` (see `api/errors.py`), and it knows nothing of the
statuses the middleware and the guards answer. This module rewrites the generated schema once:

- one `Error` component, used by every error response;
- the statuses each operation can answer, by what it takes: 400 (malformed body, or a `Host`
  that is not this server's) and 503 (database or live machine unavailable) for all; 408 (body
  too slow) and 413 (body too large) with a body; 422 (invalid parameters or body) with a body or
  parameters; 404 on one resource; 403 (refused as cross-site) for writes; 401 for operator-only
  operations when a token is configured; the statuses routes declare themselves are kept;
- the operator token as a `bearer` security scheme on the operations that need it (only when
  the server has a token: without one, nothing asks for it);
- the server's configured limits where the models cannot know them (`rows` per job).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from induction_sim.api.security import is_guarded
from induction_sim.settings import Settings

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "description": "Every error response: a readable `detail`; validation errors (422) also "
    "list each problem in `errors`.",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "description": "what is wrong, naming the field"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["loc", "msg", "type"],
                "properties": {
                    "loc": {
                        "type": "array",
                        "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                        "description": "where: `body`, `query`, `path` or `header`, then names",
                    },
                    "msg": {"type": "string"},
                    "type": {"type": "string", "description": "pydantic's error type"},
                },
            },
        },
    },
}

STATUS_TEXT = {
    400: "Malformed request (e.g. a body that is not JSON)",
    401: "Operator token missing or wrong",
    403: "Refused: sent cross-site (by another site's page)",
    404: "Not found",
    405: "Method not allowed",
    408: "The request body arrived too slowly",
    409: "Conflict with the current state",
    413: "Request body too large",
    422: "Invalid parameters or body: `detail` names each field",
    429: "Too many requests: retry after `Retry-After` seconds",
    503: "Temporarily unavailable (database, or the live machine is off)",
}

# Statuses a route raises itself but does not declare in its decorator.
RAISED = {("/api/recipes", "post"): {409: "A recipe of that name exists already"}}
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
SECURITY_SCHEME = "operatorToken"
_ERROR_REF = {"$ref": "#/components/schemas/Error"}


def install_openapi(app: FastAPI, settings: Settings) -> None:
    """Replace `app.openapi` with one that returns the rewritten schema (built once)."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if not getattr(app.state, "openapi_rewritten", False):
            app.openapi_schema = rewrite(generate(), app, settings)
            app.state.openapi_rewritten = True
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def rewrite(schema: dict[str, Any], app: FastAPI, settings: Settings) -> dict[str, Any]:
    """`schema` (as FastAPI generated it for `app`) with the truths listed in the module doc."""
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Error"] = ERROR_SCHEMA
    guarded = set(_operator_only(app))
    token = bool(settings.operator_token)
    if token:
        components.setdefault("securitySchemes", {})[SECURITY_SCHEME] = {
            "type": "http",
            "scheme": "bearer",
            "description": "`Authorization: Bearer <SIM_OPERATOR_TOKEN>`",
        }
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if method not in {"get", "put", "post", "delete", "patch", "head", "options"}:
                continue
            statuses = _statuses(method, operation, token and (path, method) in guarded)
            responses = operation.setdefault("responses", {})
            for status in statuses:
                responses.setdefault(str(status), {"description": STATUS_TEXT[status]})
            for status, text in RAISED.get((path, method), {}).items():
                responses.setdefault(str(status), {"description": text})
            if "422" in responses:
                responses["422"]["description"] = STATUS_TEXT[422]
            for code, response in responses.items():
                if code[0] in "45":
                    response["content"] = {"application/json": {"schema": _ERROR_REF}}
            operation["responses"] = dict(sorted(responses.items()))
            # The token is the security scheme's to describe (or nobody's, without a token).
            operation["parameters"] = [
                p for p in operation.get("parameters", []) if p.get("name") != "authorization"
            ]
            if not operation["parameters"]:
                del operation["parameters"]
            if token and (path, method) in guarded:
                operation["security"] = [{SECURITY_SCHEME: []}]
    rows = schemas.get("JobRequest", {}).get("properties", {}).get("rows")
    if rows is not None:
        rows["maximum"] = settings.max_rows_per_job
    return schema


def _statuses(method: str, operation: dict[str, Any], guarded: bool) -> list[int]:
    params = operation.get("parameters", [])
    body = "requestBody" in operation
    statuses = [400, 503]  # 400: also a `Host` that is not this server's (api/security.py)
    if body:
        statuses += [408, 413]
    if body or params:
        statuses.append(422)
    if any(p.get("in") == "path" for p in params):
        statuses.append(404)
    if method in WRITE_METHODS:
        statuses.append(403)
    if guarded:
        statuses.append(401)
    return sorted(statuses)


def _operator_only(app: FastAPI) -> Iterator[tuple[str, str]]:
    """(path, method) of every operation that needs the operator token."""
    for route in iter_route_contexts(app.router.routes):
        if isinstance(route.original_route, APIRoute) and is_guarded(route.original_route):
            for method in route.methods or ():
                yield str(route.path_format), method.lower()
