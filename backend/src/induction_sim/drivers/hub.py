"""Fan-out of live messages to stream subscribers, one bounded queue each, and the stream's sink.

`StreamSink` (a live-machine sink, see drivers/sinks.py) turns each chunk into `sample` and
`event` messages and publishes them. Messages are keyed by seq: a sample's sim time is the run's
`start_sim` (sent once, in the stream's `hello`) + seq seconds.

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

from induction_sim.drivers.sinks import LiveChunk, QueuedSink
from induction_sim.machine.chunk import EventRecord, SampleChunk
from induction_sim.machine.sample_schema import json_sample

SAMPLE_DIGITS = 4  # live samples are rounded: the stream carries ~35 numbers per second


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

    def latest_seq(self, run_id: int) -> int:
        """The newest sample of run `run_id` published (-1: none yet)."""
        if self._samples and self._samples[-1].data["run_id"] == run_id:
            return int(self._samples[-1].data["seq"])
        return -1

    def clear_replay(self) -> None:
        self._samples.clear()


def sample_message(run_id: int, chunk: SampleChunk, i: int) -> dict[str, Any]:
    """Sample `i` of `chunk` as the stream sends it (also the snapshot's `last_sample`)."""
    return {"run_id": run_id, **json_sample(chunk.columns, i, digits=SAMPLE_DIGITS)}


def event_message(run_id: int, e: EventRecord) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "seq": e.seq,
        "kind": e.kind,
        "code": e.code,
        "from_state": e.from_state,
        "to_state": e.to_state,
        "message": e.message,
        "operator": e.operator,
        "comment": e.comment,
    }


class StreamSink(QueuedSink):
    """The live machine's sink for stream subscribers: samples, then that tick's events."""

    def __init__(self, hub: Hub) -> None:
        super().__init__("stream")
        self.hub = hub

    async def handle(self, item: LiveChunk) -> None:
        chunk, run_id = item.chunk, item.run_id
        for i in range(chunk.size):
            sample = sample_message(run_id, chunk, i)
            self.hub.publish(Message("sample", sample, f"{run_id}:{sample['seq']}"))
        for event in chunk.events:
            self.hub.publish(Message("event", event_message(run_id, event)))
