"""Probes of a running server over loopback HTTP, shared by `induction-sim bench` and `load`.

- `server()` starts `induction-sim serve --port 0` in a subprocess and yields its address.
- `Client` makes sequential requests on one keep-alive connection, as a browser tab does.
- `Cadence` is a `GET /api/stream` subscriber noting when each live sample arrives.

Blocking `http.client` in threads on purpose: the probes must not share an event loop (or a
scheduler) with what they measure, and a thread per subscriber is cheap at 1 Hz.
"""

from __future__ import annotations

import http.client
import json
import math
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from array import array
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, overload

import numpy as np

READY = re.compile(r"ready at http://([^\s:/]+):(\d+)")


class ProbeError(RuntimeError):
    """Something could not be measured (the server did not start, a request failed, …)."""


@dataclass(frozen=True)
class CadenceStats:
    """Arrival of the live machine's samples at a stream subscriber during a window."""

    samples: int
    period_s: float
    interval_max_s: float  # longest gap between two samples
    late_max_s: float  # latest arrival behind its drift-free slot (first sample + k·period)
    missing: int  # seq numbers never received


@contextmanager
def server(
    env: Mapping[str, str], stop: threading.Event, timeout_s: float = 90.0
) -> Iterator[tuple[subprocess.Popen[str], str, int]]:
    """`induction-sim serve --port 0` on loopback; yields once it prints its address; SIGTERM
    (then, if it hangs, SIGKILL) on the way out, also on error."""
    command = [sys.executable, "-m", "induction_sim", "serve", "--host", "127.0.0.1", "--port", "0"]
    proc = subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        env=dict(env),
    )
    tail: deque[str] = deque(maxlen=40)
    ready = threading.Event()
    address: list[tuple[str, int]] = []

    def drain() -> None:  # keep reading: a full pipe would block the server's logging
        assert proc.stdout is not None
        for line in proc.stdout:
            tail.append(line.rstrip())
            if not ready.is_set() and (match := READY.search(line)):
                address.append((match.group(1), int(match.group(2))))
                ready.set()
        ready.set()

    reader = threading.Thread(target=drain, daemon=True, name="serve-output")
    reader.start()
    try:
        deadline = time.monotonic() + timeout_s
        while not ready.wait(0.1):
            if stop.is_set() or time.monotonic() > deadline:
                break
        if not address:
            raise ProbeError("induction-sim serve did not start:\n" + "\n".join(tail))
        host, port = address[0]
        yield proc, host, port
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)
        reader.join(timeout=5)
        if proc.stdout is not None:
            proc.stdout.close()


class Client:
    """Sequential requests on one keep-alive connection (as a browser tab does)."""

    def __init__(self, host: str, port: int, token: str | None = None) -> None:
        self._conn = http.client.HTTPConnection(host, port, timeout=30)
        self._auth = {"Authorization": f"Bearer {token}"} if token else {}

    def close(self) -> None:
        self._conn.close()

    def _request(
        self, method: str, path: str, body: bytes | None = None
    ) -> tuple[float, int, bytes]:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if method != "GET":
            headers |= self._auth
        for attempt in range(2):
            try:
                started = time.perf_counter()
                self._conn.request(method, path, body=body, headers=headers)
                response = self._conn.getresponse()
                data = response.read()
                return time.perf_counter() - started, response.status, data
            except (ConnectionError, http.client.HTTPException):
                self._conn.close()  # the server closed an idle keep-alive: reconnect once
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def get(self, path: str) -> float:
        """Seconds to a complete 200 response."""
        seconds, status, data = self._request("GET", path)
        if status != 200:
            raise ProbeError(f"GET {path}: {status} {data[:300]!r}")
        return seconds

    def timed_json(self, path: str) -> tuple[float, dict[str, Any]]:
        """(seconds to a complete 200 response, its JSON body)."""
        seconds, status, data = self._request("GET", path)
        if status != 200:
            raise ProbeError(f"GET {path}: {status} {data[:300]!r}")
        result: dict[str, Any] = json.loads(data)
        return seconds, result

    @overload
    def get_json(self, path: str) -> dict[str, Any]: ...
    @overload
    def get_json(self, path: str, missing_ok: bool) -> dict[str, Any] | None: ...
    def get_json(self, path: str, missing_ok: bool = False) -> dict[str, Any] | None:
        """The JSON body of a 200; None for a 404 or 503 when `missing_ok`."""
        _, status, data = self._request("GET", path)
        if missing_ok and status in (404, 503):
            return None
        if status != 200:
            raise ProbeError(f"GET {path}: {status} {data[:300]!r}")
        result: dict[str, Any] = json.loads(data)
        return result

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        _, status, data = self._request("POST", path, json.dumps(body).encode())
        if status != 202:
            raise ProbeError(f"POST {path}: {status} {data[:300]!r}")
        result: dict[str, Any] = json.loads(data)
        return result

    def cancel_job(self, job_id: int, reason: str) -> bool:
        """Cancel a job; False when it had ended already (409: it finished meanwhile)."""
        path = f"/api/jobs/{job_id}/cancel"
        _, status, data = self._request("POST", path, json.dumps({"reason": reason}).encode())
        if status == 409:
            return False
        if status != 202:
            raise ProbeError(f"POST {path}: {status} {data[:300]!r}")
        return True


class Cadence:
    """A stream subscriber (`GET /api/stream`) noting when each live sample arrives.

    With `resume`, it does what the dashboard does when the server ends its stream (a subscriber
    too slow for its queue is dropped): it reconnects with its last id as Last-Event-ID and the
    server replays what it missed. `reconnects` counts that; without `resume` the stream ends.
    """

    def __init__(
        self, host: str, port: int, period_s: float, resume: bool = False, name: str = "stream"
    ) -> None:
        self.period_s = period_s
        self.resume = resume
        self.reconnects = 0
        self.refused: str | None = None  # the server's answer when it did not send a stream
        # arrival (monotonic s) and seq of every sample, in arrays: 16 bytes a sample
        self.times = array("d")
        self.seqs = array("q")
        self._host, self._port = host, port
        self._conn: http.client.HTTPConnection | None = None
        self._closing = False
        self._thread = threading.Thread(target=self._read, daemon=True, name=name)
        self._thread.start()

    @property
    def arrivals(self) -> list[tuple[float, int]]:
        n = len(self.seqs)  # appended after `times`: both hold at least n while the reader runs
        return list(zip(self.times[:n], self.seqs[:n], strict=True))

    def _read(self) -> None:
        last_id: str | None = None
        while not self._closing:
            conn = http.client.HTTPConnection(self._host, self._port, timeout=30)
            self._conn = conn
            with suppress(OSError, ValueError, http.client.HTTPException):
                resume = {"Last-Event-ID": last_id} if last_id else {}
                conn.request("GET", "/api/stream", headers=resume)
                response = conn.getresponse()
                if response.status != 200:
                    self.refused = f"{response.status} {response.read()[:200]!r}"
                    return
                while not self._closing:
                    line = response.readline()
                    if not line:
                        break
                    if line.startswith(b"id: "):  # only samples carry an id: "<run_id>:<seq>"
                        last_id = line[4:].strip().decode()
                        self.times.append(time.monotonic())
                        self.seqs.append(int(last_id.split(":")[1]))
            conn.close()
            if not self.resume or self._closing:
                return
            self.reconnects += 1
            time.sleep(0.05)

    def stats(self, start: float, end: float) -> CadenceStats | None:
        window = [(t, seq) for t, seq in self.arrivals if start <= t <= end]
        if len(window) < 2:
            return None
        times = np.array([t for t, _ in window])
        seqs = np.array([seq for _, seq in window], dtype=np.float64)
        slots = times - (seqs - seqs[0]) * self.period_s  # arrival minus its drift-free offset
        return CadenceStats(
            samples=len(window),
            period_s=self.period_s,
            interval_max_s=float(np.diff(times).max()),
            late_max_s=float(slots.max() - slots.min()),
            missing=int(seqs[-1] - seqs[0] + 1 - len(np.unique(seqs))),
        )

    def close(self) -> None:
        self._closing = True
        sock = self._conn.sock if self._conn is not None else None
        if sock is not None:  # wakes the reader: its next read ends the stream
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=5)
        if self._conn is not None:
            self._conn.close()


def finite_json(data: Any) -> Any:
    """NaN and infinities (a figure that could not be measured) become null: JSON has neither."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: finite_json(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [finite_json(v) for v in data]
    return data
