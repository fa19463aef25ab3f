"""Cross-site control: a browser page on another site (or origin, or a DNS-rebound name) cannot
change the machine, token or not; same-origin pages and non-browser clients still can."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from induction_sim.api.app import create_app
from induction_sim.api.security import SAFE_METHODS
from induction_sim.api.state import AppState
from induction_sim.settings import Settings
from induction_sim.storage.database import DatabaseInfo

pytestmark = pytest.mark.db
TOKEN = "cross-site-test-token"  # noqa: S105 - a test fixture, not a secret

CROSS_SITE: dict[str, dict[str, str]] = {
    "fetch-cross-site": {"Sec-Fetch-Site": "cross-site"},
    "fetch-same-site": {"Sec-Fetch-Site": "same-site"},  # another port of the same host
    "fetch-both": {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},
    "origin-elsewhere": {"Origin": "http://evil.example"},
    "origin-null": {"Origin": "null"},  # sandboxed frames, data: and file: pages
    "origin-other-port": {"Origin": "http://localhost:8001"},
    "origin-other-scheme": {"Origin": "https://localhost"},
    "origin-other-name": {"Origin": "http://127.0.0.1"},
    "origin-lookalike": {"Origin": "http://localhost.evil.example"},
    "origin-garbage": {"Origin": "http://[::1"},
}
SAME_ORIGIN: dict[str, dict[str, str]] = {
    "no-browser": {},
    "fetch-same-origin": {"Sec-Fetch-Site": "same-origin"},
    "fetch-none": {"Sec-Fetch-Site": "none"},  # typed in the address bar
    "origin-same": {"Origin": "http://localhost"},
    "origin-same-default-port": {"Origin": "http://localhost:80"},
    # the browser's verdict wins over an Origin a Host-rewriting proxy no longer matches
    "fetch-same-origin-behind-proxy": {"Sec-Fetch-Site": "same-origin", "Origin": "http://x.lan"},
}


_NO_DATABASE = DatabaseInfo("postgresql+asyncpg://nobody@127.0.0.1:1/none", "external", "15")


def _write_requests() -> list[tuple[str, str]]:
    """Every write route of the app, ids filled in (existing or not: the 403 comes first)."""
    app = create_app(Settings(), _NO_DATABASE)  # built only, never started
    found: list[tuple[str, str]] = []
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute):
            path = (context.path_format or "").replace("{command}", "estop")
            path = re.sub(r"\{[^}]+\}", "1", path)
            found.extend((m, path) for m in sorted((context.methods or set()) - SAFE_METHODS))
    return found


WRITES = _write_requests()


@pytest.fixture(scope="module", params=[None, TOKEN], ids=["no-token", "token"])
async def served(
    request: pytest.FixtureRequest, database: DatabaseInfo
) -> AsyncIterator[tuple[httpx.AsyncClient, AppState, dict[str, str]]]:
    token: str | None = request.param
    app = create_app(Settings(operator_token=token, live_speed=20.0), database)
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            yield client, app.state.sim, auth


def test_the_write_list_covers_the_machine_commands() -> None:
    assert ("POST", "/api/machine/estop") in WRITES
    assert ("POST", "/api/machine/door") in WRITES
    assert len(WRITES) >= 8


@pytest.mark.parametrize("signal", CROSS_SITE.values(), ids=CROSS_SITE.keys())
async def test_cross_site_writes_are_refused_with_403_and_change_nothing(
    served: tuple[httpx.AsyncClient, AppState, dict[str, str]], signal: dict[str, str]
) -> None:
    client, state, auth = served
    assert state.live is not None
    before = (
        state.live.machine.state,
        state.live.machine.door_open,
        len(state.live.machine.faults),
    )
    for method, path in WRITES:
        for body in (None, b"", b"open=true"):  # a form post carries a body, or none
            response = await client.request(
                method,
                path,
                content=body,
                headers={**signal, **auth, "Content-Type": "application/x-www-form-urlencoded"},
            )
            assert response.status_code == 403, (method, path, response.text)
            detail = response.json()["detail"]
            assert detail.startswith("cross-site request refused"), detail
    after = (state.live.machine.state, state.live.machine.door_open, len(state.live.machine.faults))
    assert after == before


@pytest.mark.parametrize("signal", SAME_ORIGIN.values(), ids=SAME_ORIGIN.keys())
async def test_same_origin_and_non_browser_writes_still_work(
    served: tuple[httpx.AsyncClient, AppState, dict[str, str]], signal: dict[str, str]
) -> None:
    client, state, auth = served
    assert state.live is not None
    before = len(state.live.machine.faults)
    response = await client.post(
        "/api/faults",
        json={"type": "pyrometer_dirty_lens", "severity": 0.1},
        headers={**signal, **auth},
    )
    assert response.status_code == 201, response.text
    assert len(state.live.machine.faults) == before + 1


@pytest.mark.parametrize("signal", CROSS_SITE.values(), ids=CROSS_SITE.keys())
async def test_reads_are_not_refused_for_their_origin(
    served: tuple[httpx.AsyncClient, AppState, dict[str, str]], signal: dict[str, str]
) -> None:
    client, _, _ = served
    response = await client.get("/api/machine", headers=signal)
    assert response.status_code == 200  # without CORS headers the page cannot read it anyway
    assert not [h for h in response.headers if h.lower().startswith("access-control-")]


UNTRUSTED_HOSTS = [
    "evil.example",
    "evil.example:8000",
    "localhost.evil.example",
    "127.0.0.1.nip.io",
    "127.0.0.2",
    "[::2]:8000",
    "localhost:notaport",
    "",
    "[::1",
]
TRUSTED_HOSTS = ["localhost", "LOCALHOST:8000", "localhost.", "127.0.0.1:1234", "[::1]:8000"]


@pytest.mark.parametrize("host", UNTRUSTED_HOSTS)
async def test_an_untrusted_host_gets_400_for_reads_and_writes(
    served: tuple[httpx.AsyncClient, AppState, dict[str, str]], host: str
) -> None:
    client, state, auth = served
    assert state.live is not None
    before = state.live.machine.state
    for method, path in (("GET", "/api/machine"), ("GET", "/"), ("POST", "/api/machine/estop")):
        response = await client.request(method, path, headers={"Host": host, **auth})
        assert response.status_code == 400, (host, path, response.text)
        assert "untrusted Host header" in response.json()["detail"]
        assert "SIM_ALLOWED_HOSTS" in response.json()["detail"]
    assert state.live.machine.state == before


@pytest.mark.parametrize("host", TRUSTED_HOSTS)
async def test_the_local_names_are_trusted(
    served: tuple[httpx.AsyncClient, AppState, dict[str, str]], host: str
) -> None:
    client, _, _ = served
    assert (await client.get("/api/machine", headers={"Host": host})).status_code == 200


async def test_configured_and_bound_names_are_trusted(
    database: DatabaseInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIM_ALLOWED_HOSTS", " sim.example, *.lab.example ,")
    settings = Settings(host="10.1.2.3", live=False)
    assert settings.allowed_hosts == ["sim.example", "*.lab.example"]
    expected = {
        "sim.example": 200,
        "sim.example:8000": 200,
        "a.lab.example": 200,
        "10.1.2.3:8000": 200,
        "lab.example": 400,
        "sim.example.evil": 400,
        "10.1.2.4": 400,
    }
    app = create_app(settings, database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            got = {
                host: (await client.get("/api/health", headers={"Host": host})).status_code
                for host in expected
            }
    assert {h: 200 if s != 400 else 400 for h, s in got.items()} == expected


async def test_a_star_trusts_any_host(database: DatabaseInfo) -> None:
    app = create_app(Settings(allowed_hosts=["*"], live=False), database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            response = await client.get("/api/health", headers={"Host": "anything.example"})
    assert response.status_code != 400
