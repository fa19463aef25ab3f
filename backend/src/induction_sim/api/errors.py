"""Errors as JSON with a readable `detail`, mapped here once for the whole API.

Every error has one shape, `{"detail": str, "errors"?: [{"loc", "msg", "type"}]}` (`errors` on
422s from validation), which `api/openapi.py` documents for every operation.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from induction_sim.storage.database import worth_retrying
from induction_sim.textfields import PATTERN_RULES, UNION_TAGS

log = logging.getLogger(__name__)

# What the dashboard's static files answer to (the mount at `/` serves nothing else).
STATIC_METHODS = frozenset({"GET", "HEAD"})


def _text(value: object) -> str:
    """`value` as text that encodes as UTF-8: a lone surrogate sent as `\\ud800` comes back
    escaped instead of failing the response."""
    return str(value).encode("utf-8", "backslashreplace").decode("utf-8")


def _loc(error: Any) -> list[Any]:
    """An error's location without the tags of "a name or an object" unions."""
    return [p for p in error.get("loc", ()) if p not in UNION_TAGS]


def describe_validation_errors(errors: Sequence[Any]) -> str:
    """One readable line naming each offending field, e.g. `body.rows: must be > 0`."""
    parts = []
    for err in errors:
        loc = ".".join(_text(p) for p in _loc(err) if p != "body") or "request"
        parts.append(f"{loc}: {_message(err)}")
    return "; ".join(parts)


def _message(err: Any) -> str:
    """pydantic's message, but a text rule in words instead of its regular expression."""
    if err.get("type") == "string_pattern_mismatch":
        pattern = (err.get("ctx") or {}).get("pattern")
        if isinstance(pattern, str) and pattern in PATTERN_RULES:
            return PATTERN_RULES[pattern]
    return _text(err.get("msg", "invalid"))


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    path_only = errors and all(tuple(e.get("loc", ()))[:1] == ("path",) for e in errors)
    if path_only and (exact := _another_routes_path(request)) is not None:
        return _method_not_allowed(exact)
    return JSONResponse(
        status_code=422,
        content={
            "detail": describe_validation_errors(errors),
            "errors": [
                {
                    "loc": [p if isinstance(p, int) else _text(p) for p in _loc(e)],
                    "msg": _message(e),
                    "type": _text(e.get("type", "invalid")),
                }
                for e in errors
            ],
        },
    )


def _paths(request: Request) -> dict[str, set[str]]:
    """Methods by route path, of the API routes whose path matches the request's."""
    paths: dict[str, set[str]] = {}
    # Contexts, not `app.routes`: FastAPI keeps included routers unflattened, their routes'
    # own paths without the `/api` prefix.
    for route in iter_route_contexts(request.app.router.routes):
        if route.methods and route.matches(request.scope)[0] is not Match.NONE:
            paths.setdefault(str(route.path_format), set()).update(route.methods)
    return paths


def allowed_methods(request: Request) -> frozenset[str]:
    """The methods this path answers to (empty: no API route; the path is the dashboard's).

    A route whose path is exactly the request's (`/api/faults/catalog`) shadows the ones that
    match through a parameter (`/api/faults/{fault_id}`), as it does for the schema's client.
    """
    paths = _paths(request)
    exact = paths.get(request.url.path)
    return frozenset(exact if exact is not None else set().union(*paths.values()))


def _another_routes_path(request: Request) -> frozenset[str] | None:
    """The methods of the route whose literal path this is, when a route with a parameter took
    the request (`DELETE /api/faults/catalog` → `DELETE /api/faults/{fault_id}`) because the
    literal one does not take its method; otherwise None."""
    exact = _paths(request).get(request.url.path)
    return None if exact is None or request.method in exact else frozenset(exact)


def _method_not_allowed(
    allowed: frozenset[str], headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        status_code=405,
        content={"detail": "Method Not Allowed"},
        headers={**(headers or {}), "Allow": ", ".join(sorted(allowed))},
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if (exact := _another_routes_path(request)) is not None:
        return _method_not_allowed(exact)  # e.g. the other route's guard said 401 first
    if exc.status_code in (404, 405):
        # Starlette names only the first route that matched the path in `Allow`, and the
        # dashboard's mount at `/` catches every method and path the API routes refuse: answer
        # for all routes of the path instead.
        allowed = allowed_methods(request)
        if exc.status_code == 405 or (allowed and request.method not in allowed):
            return _method_not_allowed(allowed or STATIC_METHODS, exc.headers)
    return JSONResponse(
        status_code=exc.status_code, content={"detail": _text(exc.detail)}, headers=exc.headers
    )


RETRY_AFTER_S = 2  # a busy pool or a restarting database: soon worth another try


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    if worth_retrying(exc):  # no pooled connection in time, the database away or full: not a bug
        log.warning("%s %s: database unavailable (%s)", request.method, request.url.path, exc)
        return JSONResponse(
            status_code=503,
            content={"detail": f"database busy or unavailable ({type(exc).__name__}); retry"},
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse(
        status_code=500, content={"detail": "internal error; the server log has the details"}
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
