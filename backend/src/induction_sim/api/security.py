"""Who may change the machine, and how much a request may ask for.

- Operator token: when `SIM_OPERATOR_TOKEN` is set, every request that changes something (machine
  commands, fault injection, alarm acknowledge, job create/cancel, recipe writes) must carry it as
  `Authorization: Bearer <token>`; read endpoints stay open. `serve` refuses to listen beyond
  loopback without a token (cli.py).
- Body size: requests larger than `SIM_MAX_BODY_BYTES` get 413 before the body is read whole.
- CORS: no CORS headers are sent, so browsers allow only same-origin use of the API.
"""

from __future__ import annotations

import json
import secrets
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from induction_sim.api.state import app_state


async def _require_operator(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> None:
    token = app_state(request).settings.operator_token
    if not token:
        return
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip(), token):
        raise HTTPException(
            401,
            "operator token required: send 'Authorization: Bearer <SIM_OPERATOR_TOKEN>'",
            headers={"WWW-Authenticate": "Bearer"},
        )


OperatorOnly = Depends(_require_operator)


class BodySizeLimit:
    """413 for bodies over `limit` bytes, by Content-Length or by counting a streamed body."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await self._reject(send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLargeError
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLargeError:
            await self._reject(send)

    async def _reject(self, send: Send) -> None:
        body = json.dumps(
            {"detail": f"request body too large: the limit is {self.limit:,} bytes"}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLargeError(Exception):
    pass
