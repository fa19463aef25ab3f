"""A real `induction-sim serve` in a subprocess, for tests that need one over HTTP."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest


def _drain(stream: IO[str]) -> None:
    for _ in stream:
        pass


READY = re.compile(r"ready at (http://\S+)")


@contextmanager
def serving(data_dir: Path, **extra_env: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Start the server on a free port (embedded PostgreSQL under `data_dir` unless
    `DATABASE_URL` is passed in `extra_env`); yield (process, base URL); stop it."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"SIM_DATA_DIR": str(data_dir), "SIM_FRONTEND_DIST": str(data_dir / "no-dist")}
    env |= extra_env
    proc = subprocess.Popen(
        [sys.executable, "-m", "induction_sim", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        output = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            output.append(line)
            if match := READY.search(line):
                # keep reading: a full pipe would block the server on its next log line
                threading.Thread(target=_drain, args=(proc.stdout,), daemon=True).start()
                yield proc, match.group(1)
                break
            if not line and proc.poll() is not None:
                break
        else:
            pytest.fail("server did not become ready:\n" + "".join(output))
        if not output or not READY.search(output[-1]):
            pytest.fail("server exited early:\n" + "".join(output))
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        proc.wait(timeout=30)
