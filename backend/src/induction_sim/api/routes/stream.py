"""GET /api/stream — Server-Sent Events: samples, machine events and job progress.

Every connection starts with `hello` (live run id, its `start_sim` and newest seq; a null run id
on a server without a live machine, whose stream carries job messages only). Messages are keyed by
seq: a sample's sim time is `start_sim` + seq seconds. Samples carry the id
"<run_id>:<seq>"; a reconnecting browser sends it back as Last-Event-ID (or `?since=<seq>`), and
the stream resumes with the samples it missed, from a replay buffer of the last two hours. A
resume id from another run (the server restarted) is ignored: the client resets on `hello`.
Each subscriber has its own bounded queue; one that falls behind is disconnected and resumes.
A subscriber that stops reading is cut after `SEND_TIMEOUT_S` (its connection dropped when the
server offers that, see api/http_protocol.py), and counts toward the cap until its stream ends.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.responses import StreamingResponse
from starlette.types import Message as AsgiMessage
from starlette.types import Receive, Scope, Send

from induction_sim.api.http_protocol import ABORT_EXTENSION
from induction_sim.api.params import MAX_BIGINT
from induction_sim.api.state import app_state
from induction_sim.drivers.hub import Message

router = APIRouter(tags=["live machine"])
log = logging.getLogger(__name__)
KEEPALIVE_S = 15.0
SEND_TIMEOUT_S = 5.0  # a subscriber that takes no data for this long is cut (it resumes by id)
_DISCONNECT_WAIT_S = 1.0


class _SlowClientError(Exception):
    pass


class BoundedStreamingResponse(StreamingResponse):
    """A stream whose every send must finish within `SEND_TIMEOUT_S`; a client that stops
    reading is cut (connection aborted if the server allows it) instead of holding the stream,
    and the body generator is closed whatever ends the response."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def bounded(message: AsgiMessage) -> None:
            try:
                async with asyncio.timeout(SEND_TIMEOUT_S):
                    await send(message)
            except TimeoutError:
                raise _SlowClientError from None

        try:
            await super().__call__(scope, receive, bounded)
        except _SlowClientError:
            await _cut(scope, receive)
        finally:
            await self.body_iterator.aclose()  # type: ignore[attr-defined]


async def _cut(scope: Scope, receive: Receive) -> None:
    client = scope.get("client")
    log.info("stream subscriber %s took nothing for %g s: cut", client, SEND_TIMEOUT_S)
    abort = scope.get("extensions", {}).get(ABORT_EXTENSION, {}).get("abort")
    if abort is None:
        return  # the response just ends; the server closes the connection
    abort()
    try:  # the server notices the drop: the request ends as a disconnect, not an error
        async with asyncio.timeout(_DISCONNECT_WAIT_S):
            while (await receive())["type"] != "http.disconnect":
                pass
    except TimeoutError:
        pass


def _frame(message: Message) -> str:
    head = f"id: {message.id}\n" if message.id else ""
    return (
        f"{head}event: {message.event}\ndata: {json.dumps(message.data, separators=(',', ':'))}\n\n"
    )


def _resume_point(last_event_id: str | None, since: int | None, run_id: int) -> int | None:
    if last_event_id:
        run, _, seq = last_event_id.partition(":")
        if run.isdigit() and seq.isdigit() and int(run) == run_id:
            return int(seq)
        return None
    return since


@router.get(
    "/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "event stream"}},
)
async def stream(
    request: Request,
    since: Annotated[
        int | None, Query(ge=-1, le=MAX_BIGINT, description="resume after this seq")
    ] = None,
    run_id: Annotated[int | None, Query(ge=1, le=MAX_BIGINT, description="run of `since`")] = None,
    last_event_id: Annotated[str | None, Header(max_length=64)] = None,
) -> StreamingResponse:
    state = app_state(request)
    live, hub = state.machine, state.hub  # without a live machine: job messages only
    live_run = live.run_id if live is not None else None
    start_sim = live.start_sim.isoformat() if live is not None else None
    limit = state.settings.max_stream_subscribers
    if hub.subscribers >= limit:
        raise HTTPException(429, f"too many stream subscribers (limit {limit}); retry later")
    queue = hub.subscribe()
    if run_id is not None and run_id != live_run:
        since = None  # resume point of another (earlier) run
    resume = None if live_run is None else _resume_point(last_event_id, since, live_run)

    async def events() -> AsyncIterator[str]:
        try:
            latest = hub.latest_seq(live_run) if live_run is not None else -1
            hello = {"run_id": live_run, "start_sim": start_sim, "seq": latest}
            yield _frame(Message("hello", hello))
            if resume is not None and live_run is not None:
                for missed in hub.replay_after(live_run, resume):
                    yield _frame(missed)
            while True:
                message: Message | None
                try:
                    async with asyncio.timeout(KEEPALIVE_S):
                        message = await queue.get()
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                if message is None:
                    return  # too slow: the client reconnects with its last id
                if (
                    resume is not None
                    and message.event == "sample"
                    and message.data["seq"] <= resume
                ):
                    continue  # already sent from the replay buffer
                yield _frame(message)
        finally:
            hub.unsubscribe(queue)

    return BoundedStreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
