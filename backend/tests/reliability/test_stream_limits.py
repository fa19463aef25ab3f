"""Event-stream subscribers that stop reading, against a real `induction-sim serve` over sockets:
they count toward the subscriber cap until their connections really end, they are cut within a
bounded time, and they resume where they were with Last-Event-ID."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import cast

import pytest
from http_client import connect, ends_within, head, read_answer

from induction_sim.api.routes.stream import SEND_TIMEOUT_S
from induction_sim.drivers.hub import Hub, Message
from server_process import serving

pytestmark = pytest.mark.db
CAP = 8
SPEED = 100  # samples a second: buffers fill within seconds
CUT_BOUND_S = 90.0  # generous: kernel buffers first fill at SPEED, then SEND_TIMEOUT_S runs
RCVBUF_BYTES = 4_096


def test_a_full_queue_ends_the_stream_but_still_counts() -> None:
    hub = Hub(queue_size=4)
    slow, fast = hub.subscribe(), hub.subscribe()
    for seq in range(10):
        hub.publish(Message("sample", {"run_id": 1, "seq": seq}, f"1:{seq}"))
        fast.get_nowait()
    assert hub.subscribers == 2  # the slow one counts until its stream ends
    assert hub.ending == 1
    assert slow.get_nowait() is None  # only the end mark: it resumes from the replay buffer
    assert slow.empty()
    hub.unsubscribe(slow)
    assert (hub.subscribers, hub.ending) == (1, 0)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {"SIM_LIVE_SPEED": str(SPEED), "SIM_MAX_STREAM_SUBSCRIBERS": str(CAP)}
    with serving(tmp_path_factory.mktemp("stream"), **env) as (_, url):
        yield url


class Subscriber:
    """A stream connection that reads its head and first sample, then stops reading."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.transport = cast(asyncio.Transport, writer.transport)
        self.last_id = ""

    @classmethod
    async def open(cls, url: str, last_id: str | None = None) -> Subscriber | int:
        """A subscriber, or the status it was refused with."""
        reader, writer = await connect(url, rcvbuf_bytes=RCVBUF_BYTES)
        resume = [f"Last-Event-ID: {last_id}"] if last_id else []
        writer.write(head("GET", "/api/stream", url, "Accept: text/event-stream", *resume))
        status_line = await asyncio.wait_for(reader.readline(), 10)
        status = int(status_line.split()[1])
        if status != 200:
            writer.close()
            return status
        await reader.readuntil(b"\r\n\r\n")
        return cls(reader, writer)

    async def next_sample_seq(self) -> int:
        while True:
            line = (await asyncio.wait_for(self.reader.readline(), 10)).decode()
            if line.startswith("id: "):
                self.last_id = line[4:].strip()
                return int(self.last_id.split(":")[1])


async def _refused(url: str) -> int | None:
    """The refusal status of one more subscriber; None if it was admitted (then closed)."""
    try:
        answer = await Subscriber.open(url)
    except (ConnectionError, TimeoutError):
        return -1
    if isinstance(answer, Subscriber):
        answer.writer.close()
        return None
    return answer


async def test_subscribers_that_stop_reading_count_until_cut_then_resume(server: str) -> None:
    held: list[Subscriber] = []
    for _ in range(CAP):
        subscriber = await Subscriber.open(server)
        assert isinstance(subscriber, Subscriber)
        await subscriber.next_sample_seq()
        subscriber.transport.pause_reading()  # from here on nothing reads the socket
        held.append(subscriber)
    stopped_reading = time.monotonic()

    # the cap holds while they stall: many more are refused, none admitted
    extra = await asyncio.gather(*(_refused(server) for _ in range(3 * CAP)))
    assert set(extra) == {429}, extra

    # without reading them: wait until a place frees, then all must have ended
    for _ in range(int(CUT_BOUND_S)):
        if await _refused(server) is None:
            break
        await asyncio.sleep(1.0)
    first_cut_s = time.monotonic() - stopped_reading
    assert first_cut_s < CUT_BOUND_S, "no stalled subscriber was cut"
    assert first_cut_s > SEND_TIMEOUT_S
    for subscriber in held:
        subscriber.transport.resume_reading()  # only to see the end
    ended = await asyncio.gather(*(ends_within(s.reader, 2 * SEND_TIMEOUT_S + 5) for s in held))
    assert all(seconds is not None for seconds in ended), "a stalled subscriber was never cut"
    print(f"{CAP} stalled subscribers: first cut {first_cut_s:.1f} s after their last read")

    # the places are free again, and each resumes right after the last sample it read
    for subscriber in held:
        seq = int(subscriber.last_id.split(":")[1])
        resumed = await Subscriber.open(server, last_id=subscriber.last_id)
        assert isinstance(resumed, Subscriber), resumed
        try:
            assert await resumed.next_sample_seq() == seq + 1
        finally:
            resumed.writer.close()


async def test_a_reading_subscriber_is_never_cut(server: str) -> None:
    subscriber = await Subscriber.open(server)
    assert isinstance(subscriber, Subscriber)
    try:
        seqs = [await subscriber.next_sample_seq() for _ in range(int(SPEED * SEND_TIMEOUT_S * 2))]
    finally:
        subscriber.writer.close()
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # no gap, no end


async def test_the_server_answers_while_subscribers_stall(server: str) -> None:
    stalled = [await Subscriber.open(server) for _ in range(CAP // 2)]
    for subscriber in stalled:
        if isinstance(subscriber, Subscriber):
            subscriber.transport.pause_reading()
    try:
        reader, writer = await connect(server)
        writer.write(head("GET", "/api/health", server))
        assert (await asyncio.wait_for(read_answer(reader), 10)).status in (200, 503)
        writer.close()
    finally:
        for subscriber in stalled:
            if isinstance(subscriber, Subscriber):
                subscriber.writer.close()
