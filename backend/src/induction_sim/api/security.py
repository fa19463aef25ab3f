"""Who may change the machine, from where, and how much and how slowly a request may send.

Pure ASGI middleware, outermost first (`install`):

- Trusted hosts: a `Host` header naming anything but this server's names (localhost, 127.0.0.1,
  ::1, the bound address and `SIM_ALLOWED_HOSTS`) gets 400, so a DNS-rebound name cannot reach the
  API from a browser.
- Same-origin writes: a write (any method but GET/HEAD/OPTIONS) under /api whose `Sec-Fetch-Site`
  or `Origin` says another site sent it gets 403, token or not: a page elsewhere cannot drive the
  machine through the operator's browser (form posts and no-cors fetches need no preflight).
  Clients sending neither header (curl, scripts) are not browsers and stay allowed.
- Body limits: a body over `SIM_MAX_BODY_BYTES` is 413, by Content-Length or while it streams;
  a body that has not arrived within `SIM_BODY_TIMEOUT_S` is 408. Both close the connection.
- Operator token: when `SIM_OPERATOR_TOKEN` is set, every route that declares `OperatorOnly`
  needs `Authorization: Bearer <token>`, compared as bytes. The gate refuses before the body is
  read (and before the body limits), so a write without the token is 401 before any 413/422;
  the dependency runs again in the route. Reads stay open. `serve` refuses to listen beyond
  loopback without a token (cli.py).
- CORS: no CORS headers are sent, so browsers let only same-origin pages read the API's answers.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Header, HTTPException, Request
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from induction_sim.api.state import app_state

if TYPE_CHECKING:
    from fastapi import FastAPI

    from induction_sim.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
_ANY_ADDRESS = ("0.0.0.0", "::", "")  # noqa: S104 - names to leave out, not to bind
_TOKEN_REQUIRED = "operator token required: send 'Authorization: Bearer <SIM_OPERATOR_TOKEN>'"  # noqa: S105
_SHOWN_CHARS = 80  # of a header value quoted back in an error


def token_matches(authorization: bytes | None, token: str) -> bool:
    """Whether a raw `Authorization` header carries the token, compared as UTF-8 bytes in
    constant time (any byte a client sends is compared, never decoded)."""
    scheme, _, given = (authorization or b"").partition(b" ")
    return scheme.lower() == b"bearer" and secrets.compare_digest(
        given.strip(), token.encode("utf-8")
    )


async def _require_operator(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> None:
    token = app_state(request).settings.operator_token
    if token is None:
        return
    raw = None if authorization is None else authorization.encode("latin-1")  # Starlette's decoding
    if not token_matches(raw, token):
        raise HTTPException(401, _TOKEN_REQUIRED, headers={"WWW-Authenticate": "Bearer"})


OperatorOnly = Depends(_require_operator)


def is_guarded(route: APIRoute) -> bool:
    """Whether the route declares `OperatorOnly` (itself or through its router)."""
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        if dependency.call is _require_operator:
            return True
        pending.extend(dependency.dependencies)
    return False


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


def _shown(value: bytes) -> str:
    text = value.decode("latin-1")
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…"


async def send_json(
    send: Send, status: int, detail: str, headers: Iterable[tuple[bytes, bytes]] = ()
) -> None:
    """A whole JSON error answer; `Connection: close` because the request may be half read."""
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _host_name(host: bytes) -> str | None:
    """The name of a `Host` header ('[::1]:8000' → '::1'), lower case; None if malformed."""
    try:
        parsed = urlsplit("//" + host.decode("ascii"))
        parsed.port  # noqa: B018 - raises on a malformed port
    except (UnicodeDecodeError, ValueError):
        return None
    return (parsed.hostname or "").rstrip(".") or None


class TrustedHosts:
    """400 for a request whose `Host` is not one of this server's names."""

    def __init__(self, app: ASGIApp, allowed: Iterable[str]) -> None:
        self.app = app
        names = {name.strip().lower().strip("[]").rstrip(".") for name in allowed}
        names.discard("")
        self.any = "*" in names
        self.exact = frozenset(n for n in names if not n.startswith("*."))
        self.suffixes = tuple(n[1:] for n in names if n.startswith("*."))  # '.example.com'

    def allows(self, name: str) -> bool:
        return self.any or name in self.exact or name.endswith(self.suffixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.any:
            await self.app(scope, receive, send)
            return
        host = _header(scope, b"host")
        name = None if host is None else _host_name(host)
        if name is None or not self.allows(name):
            shown = "missing" if host is None else repr(_shown(host))
            detail = (
                f"untrusted Host header ({shown}): this server answers only to "
                f"{', '.join(sorted(self.exact))}; add other names to SIM_ALLOWED_HOSTS"
            )
            await send_json(send, 400, detail)
            return
        await self.app(scope, receive, send)


def _origin_key(scheme: str, netloc: str) -> tuple[str, str, int] | None:
    try:
        parsed = urlsplit(f"{scheme}://{netloc}")
        port = parsed.port or (443 if scheme == "https" else 80)
    except ValueError:
        return None
    return (scheme, (parsed.hostname or "").rstrip("."), port)


def cross_site_reason(scope: Scope) -> str | None:
    """Why a browser sent this request from another site; None when it did not (or no browser).

    `Sec-Fetch-Site` is the browser's own verdict and wins when present (a proxy that rewrites
    `Host` does not fool it); else `Origin` must equal this request's scheme://host."""
    site = _header(scope, b"sec-fetch-site")
    if site is not None:
        if site.strip().lower() in (b"same-origin", b"none"):
            return None
        return f"Sec-Fetch-Site is {_shown(site)!r}"
    origin = _header(scope, b"origin")
    if origin is None:
        return None
    scheme, sep, netloc = origin.decode("latin-1").strip().partition("://")
    host = (_header(scope, b"host") or b"").decode("latin-1")
    own = _origin_key(scope.get("scheme", "http"), host)
    if sep and own is not None and _origin_key(scheme.lower(), netloc) == own:
        return None
    return f"Origin {_shown(origin)!r} is not this server"


def _is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


class SameOriginWrites:
    """403 for a write under /api that a browser sent from another site (or origin)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] not in SAFE_METHODS
            and _is_api(scope["path"])
        ):
            reason = cross_site_reason(scope)
            if reason is not None:
                detail = (
                    f"cross-site request refused: {reason}; changes are accepted only from the "
                    "simulator's own pages or from clients that are not browsers"
                )
                await send_json(send, 403, detail)
                return
        await self.app(scope, receive, send)


class _Exchange:
    """One request's `send`, able to answer in the app's place: once refused, the app sees a
    disconnect on `receive` and whatever it sends is dropped."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.started = False
        self.refused = False

    async def send(self, message: Message) -> None:
        if self.refused:
            return  # the app is answering a request that was answered already
        self.started = True
        await self._send(message)

    async def refuse(
        self, status: int, detail: str, headers: Iterable[tuple[bytes, bytes]] = ()
    ) -> Message:
        """Answer `status` unless the app's answer has begun; the message to hand the app."""
        self.refused = True
        if not self.started:
            await send_json(self._send, status, detail, headers)
        return {"type": "http.disconnect"}


async def _run(app: ASGIApp, scope: Scope, receive: Receive, exchange: _Exchange) -> None:
    try:
        await app(scope, receive, exchange.send)
    except Exception:
        if not exchange.refused:
            raise
        # The app failed on the request cut short here; the refusal already went out.


class OperatorGate:
    """401 for a route declaring `OperatorOnly` when the token is missing, at the moment the
    app would first read the body (routing is done then; `scope["route"]` names the route).
    A route without a body is refused by the dependency itself."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.token is None
            or scope["type"] != "http"
            or token_matches(_header(scope, b"authorization"), self.token)
        ):
            await self.app(scope, receive, send)
            return
        exchange = _Exchange(send)
        checked = False

        async def gated() -> Message:
            nonlocal checked
            if exchange.refused:
                return {"type": "http.disconnect"}
            if not checked:
                checked = True
                route = scope.get("route")
                if isinstance(route, APIRoute) and is_guarded(route):
                    auth = [(b"www-authenticate", b"Bearer")]
                    return await exchange.refuse(401, _TOKEN_REQUIRED, auth)
            return await receive()

        await _run(self.app, scope, gated, exchange)


class BodyLimits:
    """413 for a body over `max_bytes` (declared or streamed), 408 for one that has not arrived
    within `timeout_s` of the request head. Checked as the app reads the body, so routing (and
    the operator token) come first; an answer here closes the connection."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout_s: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        exchange = _Exchange(send)
        body = _BodyWatch(self, scope, receive, exchange)
        await _run(self.app, scope, body.receive, exchange)

    def too_large(self) -> str:
        return f"request body too large: the limit is {self.max_bytes:,} bytes"


class _BodyWatch:
    """The app's `receive` for one request: counts and times the body."""

    def __init__(
        self, limits: BodyLimits, scope: Scope, receive: Receive, exchange: _Exchange
    ) -> None:
        self.limits = limits
        self._receive = receive
        self.exchange = exchange
        self.deadline = time.monotonic() + limits.timeout_s
        length = _header(scope, b"content-length")
        self.declared = int(length) if length is not None and length.isdigit() else None
        self.seen_bytes = 0
        self.complete = False  # the whole body arrived: later receives wait for the disconnect

    async def receive(self) -> Message:
        if self.complete:
            return await self._receive()
        if self.exchange.refused:
            return {"type": "http.disconnect"}
        if self.declared is not None and self.declared > self.limits.max_bytes:
            return await self.exchange.refuse(413, self.limits.too_large())
        try:
            async with asyncio.timeout(max(0.0, self.deadline - time.monotonic())):
                message = await self._receive()
        except TimeoutError:
            detail = f"request body not received within {self.limits.timeout_s:g} s"
            return await self.exchange.refuse(408, detail)
        if message["type"] == "http.request":
            self.seen_bytes += len(message.get("body", b""))
            if self.seen_bytes > self.limits.max_bytes:
                return await self.exchange.refuse(413, self.limits.too_large())
            self.complete = not message.get("more_body", False)
        else:
            self.complete = True  # a disconnect: nothing more will come
        return message


def allowed_hosts(settings: Settings) -> list[str]:
    """The host names this server answers to."""
    bound = [] if settings.host in _ANY_ADDRESS else [settings.host]
    return [*LOCAL_HOSTS, *bound, *settings.allowed_hosts]


def install(app: FastAPI, settings: Settings) -> None:
    """Add the middleware above, outermost first: hosts, origin, body, token. The token is
    checked before the body limits because the app reads through the gate first."""
    app.add_middleware(OperatorGate, token=settings.operator_token)
    app.add_middleware(
        BodyLimits, max_bytes=settings.max_body_bytes, timeout_s=settings.body_timeout_s
    )
    app.add_middleware(SameOriginWrites)
    app.add_middleware(TrustedHosts, allowed=allowed_hosts(settings))
