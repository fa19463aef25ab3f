"""Bad start-up conditions end `induction-sim serve` with one clear line and no traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from induction_sim.errors import StartupError
from induction_sim.storage.database import check_server_version


def _serve(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment |= {"SIM_DATA_DIR": str(tmp_path / "data"), **env}
    return subprocess.run(
        [sys.executable, "-m", "induction_sim", "serve", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        cwd=tmp_path,
        check=False,
    )


def _assert_one_clear_line(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr + result.stdout
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1, result.stderr
    for word in words:
        assert word in error_lines[0], error_lines[0]


def test_malformed_database_url_is_named(tmp_path: Path) -> None:
    result = _serve(tmp_path, DATABASE_URL="mysql://root@localhost/x")
    _assert_one_clear_line(result, "DATABASE_URL", "postgresql+asyncpg://")


def test_unreachable_database_is_named(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = _serve(tmp_path, DATABASE_URL=f"postgresql://postgres@127.0.0.1:{port}/x")
    _assert_one_clear_line(result, "cannot reach PostgreSQL", f"127.0.0.1:{port}")


def test_port_in_use_is_named(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = _serve(tmp_path, "--port", str(port))
    _assert_one_clear_line(result, f"127.0.0.1:{port}", "PORT=")
    assert not (tmp_path / "data").exists(), "nothing may start before the port is secured"


def test_unwritable_data_dir_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")  # even root cannot create a folder below a file
    result = _serve(tmp_path, SIM_DATA_DIR=str(blocker / "data"))
    _assert_one_clear_line(result, "not writable", "SIM_DATA_DIR")


@pytest.mark.parametrize(("num", "text"), [(140011, "14.11"), (130000, "13.0")])
def test_postgres_older_than_15_is_refused(num: int, text: str) -> None:
    with pytest.raises(StartupError, match=rf"PostgreSQL {text} .* too old"):
        check_server_version(num, text, "db.example:5432")


def test_postgres_15_is_accepted() -> None:
    check_server_version(150000, "15.0", "db.example:5432")


def test_listening_beyond_loopback_without_a_token_is_refused(tmp_path: Path) -> None:
    result = _serve(tmp_path, "--host", "0.0.0.0")  # noqa: S104 - the point of the test
    _assert_one_clear_line(result, "0.0.0.0", "SIM_OPERATOR_TOKEN")  # noqa: S104
    assert not (tmp_path / "data").exists()
