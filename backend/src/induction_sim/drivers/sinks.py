"""Where the live machine's samples go: sinks, each behind a bounded queue of its own.

`LiveRunner.step` hands every chunk to each sink's `put`, which never blocks and never waits on
I/O; each sink delivers on a task of its own (`run`). A slow sink falls behind alone: its queue
drops its oldest chunks (counted in `dropped`) instead of delaying the tick or another sink, and
a sink that raises is logged and goes on with the next chunk.

The sinks are chosen in one place, the app's lifespan (`api/app.py`): the database writer
(`drivers/live_writer.py`, with its own exactly-once queue) and the stream (`drivers/hub.py`).
A new sink (OPC UA, MQTT) is one `QueuedSink` subclass with a `handle` and one line there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from induction_sim.machine.chunk import SampleChunk

log = logging.getLogger(__name__)

QUEUE_CHUNKS = 600  # ten minutes at 1 Hz, 6 s at 100×
CLOSE_TIMEOUT_S = 5.0  # how long a closing sink may take to deliver what is queued
REPORT_EVERY_S = 30.0


@dataclass(frozen=True)
class LiveChunk:
    """One tick's samples (usually one) of live run `run_id`, with their parts and events."""

    run_id: int
    chunk: SampleChunk


class Sink(Protocol):
    name: str

    def put(self, item: LiveChunk) -> None:
        """Take a chunk; never blocks and never waits on I/O (it runs inside the tick)."""

    async def run(self) -> None:
        """Deliver chunks until closed (its own task)."""

    async def close(self) -> None:
        """Deliver what is queued, within a bounded time, and end `run`."""


class QueuedSink:
    """A sink with a bounded queue (drop-oldest) drained by `run`, one `handle` at a time."""

    def __init__(self, name: str, queue_chunks: int = QUEUE_CHUNKS) -> None:
        self.name = name
        self.queue_chunks = queue_chunks
        self.dropped = 0  # chunks dropped from a full queue (the sink was too slow)
        self.failed = 0  # chunks whose `handle` raised
        self.delivered = 0
        self._queue: deque[LiveChunk] = deque()
        self._ready = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task[None] | None = None
        self._last_report = float("-inf")

    async def handle(self, item: LiveChunk) -> None:
        raise NotImplementedError

    @property
    def queued(self) -> int:
        return len(self._queue)

    def put(self, item: LiveChunk) -> None:
        if self._closing:
            return
        if len(self._queue) >= self.queue_chunks:
            self._queue.popleft()
            self.dropped += 1
            self._report("queue full, oldest chunk dropped (%d dropped in all)", self.dropped)
        self._queue.append(item)
        self._ready.set()

    async def run(self) -> None:
        self._task = asyncio.current_task()
        while True:
            if not self._queue:
                if self._closing:
                    return
                self._ready.clear()
                await self._ready.wait()
                continue
            item = self._queue.popleft()
            try:
                await self.handle(item)
                self.delivered += 1
            except Exception:
                self.failed += 1
                self._report("failed on a chunk (%d failed in all)", self.failed, exc_info=True)

    async def close(self) -> None:
        self._closing = True
        self._ready.set()
        task = self._task
        if task is None or task.done():
            return
        done, _ = await asyncio.wait({task}, timeout=CLOSE_TIMEOUT_S)
        if not done:
            log.error("sink %s: %d chunks not delivered at close; dropped", self.name, self.queued)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait({task}, timeout=CLOSE_TIMEOUT_S)

    def _report(self, message: str, *args: object, exc_info: bool = False) -> None:
        """One log line per `REPORT_EVERY_S` at most: a sink failing every tick must not flood."""
        now = time.monotonic()
        if now - self._last_report >= REPORT_EVERY_S:
            self._last_report = now
            log.error("sink %s: " + message, self.name, *args, exc_info=exc_info)
