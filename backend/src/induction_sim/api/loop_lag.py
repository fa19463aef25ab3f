"""How long the server's event loop is kept from running: the worst stall any request caused.

A task asks to wake every `INTERVAL_S`; how late it wakes is how long the loop could not run it:
code on the loop holding it (CPU work, or a blocking call such as a synchronous wait), or the
thread not getting a core (a busy machine, another thread holding the GIL). `lag_max_ms` is what
a client felt. `busy_max_ms`, the loop thread's own CPU time between two wake-ups, tells the
first kind of CPU work apart from starvation: a large lag with little CPU time was a blocking wait
or the machine, not a handler computing.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque

import numpy as np
from pydantic import BaseModel, Field

INTERVAL_S = 0.01
WINDOW = 6_000  # recent wake-ups kept for the percentile: about a minute
VIEW_EVERY_S = 1.0


class LoopLagView(BaseModel):
    lag_max_ms: float = Field(description="worst stall of the event loop since the server started")
    lag_recent_max_ms: float = Field(description="worst stall over the last minute or so")
    lag_p99_ms: float = Field(description="99th percentile of the recent wake-up delays")
    busy_max_ms: float = Field(
        description="most CPU time the loop's thread spent between two wake-ups (code on the "
        "loop holding it), since the server started"
    )
    samples: int = Field(description="wake-ups measured since the server started")


class LoopLagMonitor:
    def __init__(self) -> None:
        self.worst_s = 0.0
        self.busiest_s = 0.0
        self.count = 0
        self._recent: deque[float] = deque(maxlen=WINDOW)
        self._window = (0.0, 0.0)
        self._window_at = -VIEW_EVERY_S

    def record(self, lag_s: float, cpu_s: float) -> None:
        self.count += 1
        self.worst_s = max(self.worst_s, lag_s)
        self.busiest_s = max(self.busiest_s, cpu_s)
        self._recent.append(lag_s)

    async def run(self) -> None:
        cpu = time.thread_time()  # this task runs on the loop's thread
        while True:
            due = time.monotonic() + INTERVAL_S
            await asyncio.sleep(INTERVAL_S)
            lag_s = max(0.0, time.monotonic() - due)
            now = time.thread_time()
            self.record(lag_s, now - cpu)
            cpu = now

    def view(self) -> LoopLagView:
        """The figures; the recent window's (a percentile over a minute of wake-ups, most of a
        health check's cost) are recomputed at most every `VIEW_EVERY_S`, the rest are exact."""
        now = time.monotonic()
        if now - self._window_at >= VIEW_EVERY_S:
            self._window, self._window_at = self._window_figures(), now
        recent_max_ms, p99_ms = self._window
        return LoopLagView(
            lag_max_ms=round(self.worst_s * 1000.0, 2),
            lag_recent_max_ms=recent_max_ms,
            lag_p99_ms=p99_ms,
            busy_max_ms=round(self.busiest_s * 1000.0, 2),
            samples=self.count,
        )

    def _window_figures(self) -> tuple[float, float]:
        """(max, p99) of the recent wake-up delays, ms."""
        if not self._recent:
            return 0.0, 0.0
        recent = np.fromiter(self._recent, dtype=np.float64, count=len(self._recent)) * 1000.0
        return round(float(recent.max()), 2), round(float(np.percentile(recent, 99)), 2)
