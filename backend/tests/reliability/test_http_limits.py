"""Request limits against a real `induction-sim serve` over sockets: a body over the limit is 413
whether it declares its length or streams in chunks; a body, or a request head, that does not
arrive in time ends with 408 or a dropped connection, however many such clients there are."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from http_client import connect, ends_within, head, read_answer, send_quietly

from server_process import serving

pytestmark = pytest.mark.db
LIMIT_BYTES = 10_000
TIMEOUT_S = 2.0
BOUND_S = 20.0  # generous: the server must act within TIMEOUT_S, a loaded machine may lag
SLOW_CLIENTS = 30
TRICKLE_S = 0.2


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {
        "SIM_MAX_BODY_BYTES": str(LIMIT_BYTES),
        "SIM_BODY_TIMEOUT_S": f"{TIMEOUT_S:g}",
        "SIM_LIVE_SPEED": "5",
    }
    with serving(tmp_path_factory.mktemp("limits"), **env) as (_, url):
        yield url


def _padded_job(size: int) -> bytes:
    """A job request of exactly `size` bytes; refused by validation (unknown field), not by size."""
    start, end = b'{"scenario": "normal_production", "rows": 10, "pad": "', b'"}'
    return start + b"x" * (size - len(start) - len(end)) + end


def _send_body(sock: socket.socket, body: bytes, chunked: bool) -> None:
    try:
        for at in range(0, len(body), 65_536):
            piece = body[at : at + 65_536]
            sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
        if chunked:
            sock.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the server answered and closed: the rest is not wanted


def _read_head_and_body(sock: socket.socket) -> bytes:
    """What the server sent until it closed (or the answer is whole), tolerant of a reset."""
    got = b""
    try:
        while chunk := sock.recv(65_536):
            got += chunk
            head_end = got.find(b"\r\n\r\n")
            if head_end >= 0:
                length = re.search(rb"content-length: *(\d+)", got[:head_end], re.IGNORECASE)
                if length and len(got) >= head_end + 4 + int(length.group(1)):
                    break
    except ConnectionResetError:
        pass  # the answer came before the reset (Linux keeps received data readable)
    return got


async def _post(url: str, path: str, body: bytes, chunked: bool) -> tuple[int, str]:
    """POST over a blocking socket: the body goes out in one thread while the answer is read in
    another, so an answer the server sends before taking the whole body is seen."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=BOUND_S) as sock:
        framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {len(body)}"
        sock.sendall(head("POST", path, url, framing, "Content-Type: application/json"))
        sending = asyncio.create_task(asyncio.to_thread(_send_body, sock, body, chunked))
        raw = await asyncio.to_thread(_read_head_and_body, sock)
        await sending
    status_line, _, rest = raw.partition(b"\r\n")
    detail = json.loads(rest.partition(b"\r\n\r\n")[2])["detail"]
    return int(status_line.split()[1]), detail


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("size", [LIMIT_BYTES + 1, 50_000, 10_000_000])
@pytest.mark.parametrize("path", ["/api/jobs", "/api/recipes", "/api/faults"])
async def test_a_body_over_the_limit_is_413(
    server: str, path: str, size: int, chunked: bool
) -> None:
    status, detail = await _post(server, path, _padded_job(size), chunked)
    assert status == 413, detail
    assert f"the limit is {LIMIT_BYTES:,} bytes" in detail


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("size", [100, LIMIT_BYTES])
async def test_a_body_within_the_limit_is_read(server: str, size: int, chunked: bool) -> None:
    status, detail = await _post(server, "/api/jobs", _padded_job(size), chunked)
    assert status == 422, detail  # read whole and judged on its content
    assert "pad" in str(detail)


async def _stalled_body(url: str, kind: str) -> tuple[int, float, float | None]:
    """Start a body and stop (or trickle it); the answer, when it came, and when the connection
    ended after it."""
    reader, writer = await connect(url)
    framing = "Transfer-Encoding: chunked" if kind == "chunked" else "Content-Length: 1000"
    started = time.monotonic()
    await send_quietly(writer, head("POST", "/api/jobs", url, framing))
    await send_quietly(writer, b'b\r\n{"scenario"\r\n' if kind == "chunked" else b'{"scenario"')

    async def trickle() -> None:
        for _ in range(int(BOUND_S / TRICKLE_S) if kind == "trickle" else 0):
            if not await send_quietly(writer, b" "):
                return
            await asyncio.sleep(TRICKLE_S)  # a byte at a time defeats a per-read timeout

    dribbling = asyncio.create_task(trickle())
    try:
        answer = await asyncio.wait_for(read_answer(reader), BOUND_S)
        answered_s = time.monotonic() - started
        ended_s = await ends_within(reader, BOUND_S)
    finally:
        dribbling.cancel()
        writer.close()
    assert answer.status == 408, answer
    assert answer.json()["detail"] == f"request body not received within {TIMEOUT_S:g} s"
    return answer.status, answered_s, ended_s


async def test_many_slow_bodies_get_408_and_their_connections_close(server: str) -> None:
    kinds = ["stalled", "chunked", "trickle"]
    results = await asyncio.gather(
        *(_stalled_body(server, kinds[i % len(kinds)]) for i in range(SLOW_CLIENTS))
    )
    assert [status for status, _, _ in results] == [408] * SLOW_CLIENTS
    answered = [s for _, s, _ in results]
    assert min(answered) >= TIMEOUT_S * 0.9  # not before the deadline
    assert max(answered) < BOUND_S
    assert all(ended is not None for _, _, ended in results), "connections left open"
    print(f"408 after {min(answered):.2f}–{max(answered):.2f} s for {SLOW_CLIENTS} slow bodies")
    async with httpx.AsyncClient() as client:  # and the server still serves
        assert (await client.get(f"{server}/api/machine")).status_code == 200


async def _stalled_head(url: str, kind: str) -> float | None:
    reader, writer = await connect(url)
    try:
        if kind == "after-a-response":  # a keep-alive connection, then half a head
            await send_quietly(writer, head("GET", "/api/machine", url))
            assert (await read_answer(reader)).status == 200
        if kind != "silent":
            await send_quietly(writer, b"POST /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n")

        async def trickle() -> None:
            for _ in range(int(BOUND_S / TRICKLE_S) if kind == "trickle" else 0):
                if not await send_quietly(writer, b"X"):
                    return
                await asyncio.sleep(TRICKLE_S)

        dribbling = asyncio.create_task(trickle())
        try:
            return await ends_within(reader, BOUND_S)
        finally:
            dribbling.cancel()
    finally:
        writer.close()


async def test_many_slow_request_heads_are_dropped(server: str) -> None:
    kinds = ["silent", "half", "trickle", "after-a-response"]
    ended = await asyncio.gather(
        *(_stalled_head(server, kinds[i % len(kinds)]) for i in range(SLOW_CLIENTS))
    )
    assert all(seconds is not None for seconds in ended), ended
    print(f"slow heads dropped after {min(ended):.2f}–{max(ended):.2f} s")  # type: ignore[type-var]
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"{server}/api/machine")).status_code == 200
