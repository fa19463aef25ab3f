"""The operator token: compared as bytes whatever a client sends (never a 500), and refused at
start-up when it would guard nothing (empty, blank, short) or could not be sent at all."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from induction_sim.api.app import create_app
from induction_sim.api.security import token_matches
from induction_sim.settings import Settings
from induction_sim.storage.database import DatabaseInfo

NON_ASCII_TOKEN = "jäger-tökén-ключ-0123"  # noqa: S105 - a test fixture, not a secret
FAULT = {"type": "pyrometer_dirty_lens", "severity": 0.1}


@pytest.mark.parametrize(
    "authorization",
    [
        f"Bearer {NON_ASCII_TOKEN}".encode(),
        f"bearer   {NON_ASCII_TOKEN}  ".encode(),
    ],
)
def test_the_token_matches_as_utf8_bytes(authorization: bytes) -> None:
    assert token_matches(authorization, NON_ASCII_TOKEN)


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        b"",
        b"Bearer",
        b"Bearer ",
        f"Bearer {NON_ASCII_TOKEN}".encode("latin-1", "replace"),
        f"Bearer {NON_ASCII_TOKEN}"[:-1].encode(),
        "Bearer ü".encode(),
        b"Bearer \xff\xfe\x80",
        f"Token {NON_ASCII_TOKEN}".encode(),
    ],
)
def test_anything_else_does_not_match(authorization: bytes | None) -> None:
    assert not token_matches(authorization, NON_ASCII_TOKEN)


@pytest.fixture(scope="module")
async def non_ascii_guarded(database: DatabaseInfo) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(operator_token=NON_ASCII_TOKEN, live_speed=20.0), database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            yield client


@pytest.mark.db
@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer ü".encode(),
        b"Bearer \xff\xfe",
        "Bearer jäger".encode("latin-1"),
        f"Bearer {NON_ASCII_TOKEN}".encode("utf-16"),
        b"Bearer ascii-only-token-0123",
    ],
)
async def test_a_non_ascii_token_refuses_other_bytes_with_401(
    non_ascii_guarded: httpx.AsyncClient, authorization: bytes
) -> None:
    response = await non_ascii_guarded.post(
        "/api/faults", json=FAULT, headers={b"Authorization": authorization}
    )
    assert response.status_code == 401, response.text


@pytest.mark.db
async def test_a_non_ascii_token_sent_as_utf8_is_accepted(
    non_ascii_guarded: httpx.AsyncClient,
) -> None:
    response = await non_ascii_guarded.post(
        "/api/faults",
        json=FAULT,
        headers={b"Authorization": f"Bearer {NON_ASCII_TOKEN}".encode()},
    )
    assert response.status_code == 201, response.text


BAD_TOKENS = {
    "empty": "",
    "blank": "   \t ",
    "short": "fifteen-chars-x",
    "padded": " a-token-of-enough-length ",
    "control": "a-token-of-enough\x00length",
}


@pytest.mark.parametrize("token", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_a_weak_or_unsendable_token_is_refused_in_settings(token: str) -> None:
    with pytest.raises(ValidationError, match="operator_token"):
        Settings(operator_token=token)


def test_no_token_and_a_long_enough_one_are_accepted() -> None:
    assert Settings(operator_token=None).operator_token is None
    sixteen = "sixteen-chars-ok"
    assert Settings(operator_token=sixteen).operator_token == sixteen
    assert Settings(operator_token=NON_ASCII_TOKEN).operator_token == NON_ASCII_TOKEN


@pytest.mark.parametrize(
    ("token", "words"),
    [("", ("OPERATOR_TOKEN", "empty")), ("short-token", ("OPERATOR_TOKEN", "too short", "16"))],
)
def test_serve_refuses_a_weak_token_with_one_line(
    tmp_path: Path, token: str, words: tuple[str, ...]
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"SIM_DATA_DIR": str(tmp_path / "data"), "SIM_OPERATOR_TOKEN": token}
    result = subprocess.run(
        [sys.executable, "-m", "induction_sim", "serve", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    for word in words:
        assert word in errors[0], errors[0]
    if token:
        assert token not in result.stderr + result.stdout  # the token is never echoed
    assert not (tmp_path / "data").exists(), "nothing may start with a refused token"
