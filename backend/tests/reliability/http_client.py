"""Raw HTTP/1.1 over asyncio sockets, for tests that must send what a polite client never would
(bodies that stop, heads a byte at a time) to a real server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


async def connect(
    url: str, rcvbuf_bytes: int | None = None
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A connection to the server of `url`; `rcvbuf_bytes` shrinks the kernel's receive buffer
    (set before connecting, so the window stays small) for clients that stop reading."""
    parts = urlsplit(url)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf_bytes is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf_bytes)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, (parts.hostname, parts.port))
    return await asyncio.open_connection(sock=sock, limit=2**20)


def head(method: str, path: str, url: str, *lines: str) -> bytes:
    host = urlsplit(url).netloc
    return "\r\n".join([f"{method} {path} HTTP/1.1", f"Host: {host}", *lines, "", ""]).encode()


async def read_answer(reader: asyncio.StreamReader) -> Answer:
    """One response with a Content-Length body (error answers are never chunked here)."""
    raw = await reader.readuntil(b"\r\n\r\n")
    status_line, *lines = raw.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return Answer(int(status_line.split()[1]), headers, body)


async def ends_within(reader: asyncio.StreamReader, timeout_s: float) -> float | None:
    """Seconds until the server ended the connection (EOF or reset), reading and dropping what
    it still sends; None if it is still open after `timeout_s`."""
    started = time.monotonic()
    try:
        async with asyncio.timeout(timeout_s):
            while await reader.read(65_536):
                pass
    except TimeoutError:
        return None
    except ConnectionError:
        pass
    return time.monotonic() - started


async def send_quietly(writer: asyncio.StreamWriter, data: bytes) -> bool:
    """Send; False when the server has closed the connection already (it may answer first)."""
    try:
        writer.write(data)
        await writer.drain()
    except ConnectionError:
        return False
    return True
