"""Fan-out of live messages to stream subscribers, one bounded queue each.

A slow subscriber never stalls the machine or the others: when its queue is full it gets no more
messages, only an end mark (its stream ends) and the browser reconnects with its last id,
resuming from the replay buffer. It still counts as a subscriber until its stream has really
ended (`unsubscribe`), so clients that stop reading cannot pile up beyond the subscriber cap.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Message:
    event: str  # hello | sample | event | job
    data: dict[str, Any]
    id: str | None = None  # "<run_id>:<seq>" for samples


class Hub:
    def __init__(self, queue_size: int = 256, replay: int = 7_200) -> None:
        self.queue_size = queue_size
        self._subscribers: set[asyncio.Queue[Message | None]] = set()
        self._ending: set[asyncio.Queue[Message | None]] = set()  # given the end mark
        self._samples: deque[Message] = deque(maxlen=replay)  # recent samples, for resuming

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    def subscribe(self) -> asyncio.Queue[Message | None]:
        queue: asyncio.Queue[Message | None] = asyncio.Queue(self.queue_size)
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Message | None]) -> None:
        """The subscriber's stream has ended: it stops counting."""
        self._subscribers.discard(queue)
        self._ending.discard(queue)

    @property
    def ending(self) -> int:
        """Subscribers cut for being too slow whose streams have not ended yet."""
        return len(self._ending)

    def publish(self, message: Message) -> None:
        if message.event == "sample":
            self._samples.append(message)
        for queue in self._subscribers - self._ending:
            try:
                queue.put_nowait(message)
            except asyncio.QueueFull:
                self._ending.add(queue)  # too slow: end its stream, it will resume
                queue._queue.clear()  # type: ignore[attr-defined]  # make room for the end mark
                queue.put_nowait(None)

    def replay_after(self, run_id: int, seq: int) -> list[Message]:
        """Samples of run `run_id` after `seq` still held (oldest first)."""
        return [m for m in self._samples if m.data["run_id"] == run_id and m.data["seq"] > seq]

    def clear_replay(self) -> None:
        self._samples.clear()
