"""uvicorn's httptools protocol with what uvicorn leaves out: a deadline for the request head,
and a way for the app to drop a connection at once.

- Head deadline: uvicorn times out only an idle keep-alive connection, and only until its first
  byte. A connection that sends nothing, or a request head a byte at a time, or the rest of a body
  the app never read, would stay open for ever. Here every request head must be complete within
  `head_timeout_s` of the connection opening or of the previous response; else the connection
  is dropped.
- Abort: `scope["extensions"]["induction_sim.abort"]["abort"]()` drops the connection with its
  unsent data (asyncio's `close()` waits for a peer that never reads). The event stream uses it to
  cut a subscriber that stopped reading (routes/stream.py).
- Small kernel send queue: TCP_NOTSENT_LOWAT keeps at most `NOTSENT_LOWAT_BYTES` not yet sent in
  the kernel (Linux otherwise lets it grow to megabytes), so a peer that stops reading blocks the
  app's sends after tens of kilobytes, not minutes of event stream. Throughput is unaffected:
  the kernel still sends as fast as the peer acknowledges.

What is not covered: the request body is timed by the app (`api/security.BodyLimits`, 408); a
response whose peer stops reading is cut only on the event stream, not on other endpoints (an
export to a client that stops reading waits for it). The h11 protocol is not used.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

ABORT_EXTENSION = "induction_sim.abort"
NOTSENT_LOWAT_BYTES = 16_384


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    head_timeout_s = 15.0

    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        _limit_unsent(transport)
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def on_headers_complete(self) -> None:
        self._cancel_head_timer()
        extensions = self.scope.setdefault("extensions", {})
        extensions[ABORT_EXTENSION] = {"abort": self.transport.abort}
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        idle = self.cycle is None or self.cycle.response_complete  # no pipelined request runs
        if idle and not self.transport.is_closing():
            self._arm_head_timer()

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        self._head_timer = self.loop.call_later(self.head_timeout_s, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a request is being answered: its head arrived
        self.transport.abort()


def _limit_unsent(transport: asyncio.Transport) -> None:
    sock = transport.get_extra_info("socket")
    option = getattr(socket, "TCP_NOTSENT_LOWAT", None)  # Linux, macOS
    if sock is None or option is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    with contextlib.suppress(OSError):  # an older kernel: the queue stays the kernel's default
        sock.setsockopt(socket.IPPROTO_TCP, option, NOTSENT_LOWAT_BYTES)


def guarded_protocol(head_timeout_s: float) -> type[GuardedHttpToolsProtocol]:
    """The protocol class for uvicorn's `http=` with this head deadline."""
    return type(
        "GuardedHttpToolsProtocol", (GuardedHttpToolsProtocol,), {"head_timeout_s": head_timeout_s}
    )
