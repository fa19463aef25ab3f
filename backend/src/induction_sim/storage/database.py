"""Reach the database — embedded or external — check it, create the app database, migrate.

`running_database(settings)` is what the server and the CLI use: it yields a `DatabaseInfo`
once PostgreSQL is up, new enough and at the latest schema, and stops an embedded server on exit.
Every failure becomes a `StartupError` whose message names the problem and what to do.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from typing import Any, Literal

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from induction_sim.errors import StartupError
from induction_sim.settings import Settings
from induction_sim.storage.embedded import EmbeddedPostgres
from induction_sim.storage.migrate import upgrade_to_head
from induction_sim.storage.reference import sync_reference_data

DatabaseKind = Literal["embedded", "external"]

MIN_SERVER_VERSION_NUM = 150000  # PostgreSQL 15: the promised floor
APP_DATABASE = "induction_sim"
CONNECT_TIMEOUT_S = 5.0
POOL_TIMEOUT_S = 10.0  # a request waits this long for a pooled connection, then gets a 503


# SQLSTATEs of a server going away: class 08 (connection exception), 57P01–57P03 (shut down by an
# administrator, crash, or cannot connect now) — PostgreSQL docs, Appendix A "Error Codes".
_GONE_SQLSTATES = ("57P01", "57P02", "57P03")


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and what it wraps: SQLAlchemy's `orig`, then causes and contexts (each once)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__


def connection_lost(exc: BaseException) -> bool:
    """Whether `exc` means the database connection was lost or could not be made (worth
    retrying once the server is back), as opposed to an error in what was asked of it."""
    for current in _chain(exc):
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, OSError | TimeoutError | asyncpg.ConnectionDoesNotExistError):
            return True
        if isinstance(current, asyncpg.InterfaceError) and "closed" in str(current):
            return True
        state = getattr(current, "sqlstate", None)
        if isinstance(state, str) and (state.startswith("08") or state in _GONE_SQLSTATES):
            return True
    return False


def sqlstate(exc: BaseException) -> str | None:
    """The PostgreSQL SQLSTATE behind `exc` (through SQLAlchemy's wrappers and causes), if any."""
    for current in _chain(exc):
        state = getattr(current, "sqlstate", None)
        if isinstance(state, str):
            return state
    return None


def out_of_storage(exc: BaseException) -> bool:
    """Class 53 (insufficient resources: disk full, out of memory): the server is fine but cannot
    take the write now; worth retrying once space returns."""
    state = sqlstate(exc)
    return state is not None and state.startswith("53") and state != "53300"


# Classes of errors about the data sent, not the server: 22 data exception (e.g. 22021 a NUL in
# a text), 23 integrity constraint, 54 program limit (a value too large) — PostgreSQL Appendix A.
_DATA_CLASSES = ("22", "23", "54")


def refused_for_data(exc: BaseException) -> bool:
    """Whether PostgreSQL refused a write because of what it contained: retrying the same rows
    can never succeed."""
    state = sqlstate(exc)
    return state is not None and state[:2] in _DATA_CLASSES


def pool_exhausted(exc: BaseException) -> bool:
    """SQLAlchemy's pool had no connection to give within its timeout (the server is busy)."""
    return isinstance(exc, PoolTimeoutError)


def worth_retrying(exc: BaseException) -> bool:
    """Connection lost, pool busy or storage full: the same work may succeed a little later."""
    return connection_lost(exc) or pool_exhausted(exc) or out_of_storage(exc)


@dataclass(frozen=True)
class DatabaseInfo:
    url: str  # SQLAlchemy URL with the asyncpg driver
    kind: DatabaseKind
    server_version: str  # e.g. "18.6"

    @property
    def display(self) -> str:
        """The URL without a password, for logs."""
        return make_url(self.url).render_as_string(hide_password=True)


def create_engine(url: str, pool_size: int = 10, role: str = "app") -> AsyncEngine:
    """An engine whose connections say who they are (`induction-sim <role>` as application_name
    in pg_stat_activity), so an operator can tell the server from a factory shard."""
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=POOL_TIMEOUT_S,
        pool_pre_ping=True,
        connect_args={
            "timeout": CONNECT_TIMEOUT_S,
            "server_settings": {"application_name": f"induction-sim {role}"},
        },
    )


def check_server_version(version_num: int, version: str, where: str) -> None:
    if version_num < MIN_SERVER_VERSION_NUM:
        raise StartupError(
            f"PostgreSQL {version} at {where} is too old: induction-sim needs PostgreSQL 15 or "
            "newer; upgrade it, or unset DATABASE_URL to use the embedded PostgreSQL"
        )


def _describe_connect_error(exc: BaseException, where: str) -> str:
    root: BaseException = exc.orig if isinstance(exc, DBAPIError) and exc.orig else exc
    name = type(root).__name__
    if isinstance(root, socket.gaierror):
        return f"cannot resolve the database host in {where} ({root}): check DATABASE_URL"
    if isinstance(root, OSError):  # refused, unreachable, timed out
        reason = root.strerror or str(root) or name
        return f"cannot reach PostgreSQL at {where} ({reason}): start it or fix DATABASE_URL"
    if name == "InvalidCatalogNameError":
        return f"the database in {where} does not exist ({root}): create it or fix DATABASE_URL"
    if name in ("InvalidPasswordError", "InvalidAuthorizationSpecificationError"):
        return f"PostgreSQL at {where} refused the login ({root}): fix the user/password"
    return f"cannot use PostgreSQL at {where} ({name}: {root})"


async def server_version(conn: AsyncConnection) -> str:
    """PostgreSQL's version, e.g. "15.8" (health asks it: one round trip proves the database)."""
    return str(await conn.scalar(text("SHOW server_version"))).split(" ")[0]


async def _server_version(engine: AsyncEngine, where: str) -> str:
    try:
        async with engine.connect() as conn:
            row = (
                await conn.execute(
                    text(
                        "SELECT current_setting('server_version_num')::int, "
                        "current_setting('server_version')"
                    )
                )
            ).one()
    except (TimeoutError, OSError, SQLAlchemyError) as exc:
        raise StartupError(_describe_connect_error(exc, where)) from exc
    version_num, version = int(row[0]), str(row[1]).split(" ")[0]
    check_server_version(version_num, version, where)
    return version


async def _create_database_if_missing(admin_url: str, name: str) -> None:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            exists = await conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                # CREATE DATABASE takes no bind parameters; `name` is our constant, quoted.
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()


async def prepare(url: str, kind: DatabaseKind, admin_url: str | None = None) -> DatabaseInfo:
    """Check the server, create the app database (embedded only) and migrate to the head."""
    try:
        where = make_url(url).render_as_string(hide_password=True)
    except ArgumentError as exc:
        raise StartupError(f"DATABASE_URL is malformed ({exc})") from exc
    if admin_url is not None:
        await _create_database_if_missing(admin_url, make_url(url).database or APP_DATABASE)
    engine = create_engine(url, pool_size=1)
    try:
        version = await _server_version(engine, where)
        try:
            await upgrade_to_head(engine)
            async with engine.begin() as conn:
                await sync_reference_data(conn)
        except SQLAlchemyError as exc:
            raise StartupError(f"database migration failed on {where}: {exc}") from exc
    finally:
        await engine.dispose()
    return DatabaseInfo(url=url, kind=kind, server_version=version)


@contextmanager
def running_database(settings: Settings) -> Iterator[DatabaseInfo]:
    """Start or reach the database and bring its schema to the head; stop what we started."""
    with ExitStack() as stack:
        if settings.database_url is None:
            server = stack.enter_context(EmbeddedPostgres(settings.data_dir))
            info = asyncio.run(
                prepare(server.url(APP_DATABASE), "embedded", admin_url=server.url("postgres"))
            )
        else:
            info = asyncio.run(prepare(settings.database_url, "external"))
        yield info


async def driver_connection(conn: AsyncConnection) -> Any:
    """The asyncpg connection under a SQLAlchemy async connection (same transaction): for COPY,
    which SQLAlchemy does not expose."""
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    if conn.in_transaction() and not driver.is_in_transaction():
        # SQLAlchemy's asyncpg adapter sends BEGIN with the first statement it runs: a COPY sent
        # on the driver before that would be outside the transaction, committed at once (seen:
        # a rolled-back test's rows stayed). A statement through SQLAlchemy opens it.
        await conn.execute(text("SELECT 1"))
    return driver


async def copy_payload(
    conn: AsyncConnection, table: str, columns: Sequence[str], payload: bytes | memoryview
) -> None:
    """COPY a binary payload (`storage/binary_copy.py`) into `table` through the asyncpg
    connection under `conn`, inside its transaction.

    Guarded against a lost connection: asyncpg awaits the socket's flow control before each
    piece, and if the connection dies while writing is paused nothing ever resumes it (asyncpg
    0.32 `connection_lost` leaves `writing_allowed` unset): the COPY would wait forever. So the
    COPY is abandoned as soon as the connection reports its end.
    """
    driver = await driver_connection(conn)
    work = asyncio.ensure_future(
        driver.copy_to_table(table, source=_pieces(payload), columns=list(columns), format="binary")
    )
    ended = asyncio.get_running_loop().create_future()

    def on_end(_: object) -> None:
        if not ended.done():
            ended.set_result(None)

    driver.add_termination_listener(on_end)
    try:
        await asyncio.wait((work, ended), return_when=asyncio.FIRST_COMPLETED)
    finally:
        driver.remove_termination_listener(on_end)
        if not work.done():
            work.cancel()
            with suppress(BaseException):
                await work
    if not work.cancelled():
        work.result()  # raises what the COPY raised
        return
    raise asyncpg.ConnectionDoesNotExistError(f"connection lost during COPY into {table}")


async def _pieces(payload: bytes | memoryview, size: int = 1 << 20) -> AsyncIterator[memoryview]:
    """asyncpg takes bytes as a file name; an async iterable of pieces is read without threads."""
    view = memoryview(payload)
    for start in range(0, len(view), size):
        yield view[start : start + size]
