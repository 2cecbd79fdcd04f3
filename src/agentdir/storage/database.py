"""The database handle: engines, transactions, and fault mapping.

SQLite and PostgreSQL differ only here, by URL. Services open transactions
through `Database.write()` / `read()` / `lookup()`, get a `Connection`, and never
see the dialect.

PostgreSQL runs on asyncpg. SQLite statements run on the event loop's own thread
through the standard sqlite3 driver: each takes microseconds, while handing it to
a driver thread (aiosqlite) costs several thread switches per statement and was
the largest cost of an updateAgent. The async SQLite engine remains for schema
migrations.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

import msgspec
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from agentdir.errors import ServiceUnavailable
from agentdir.settings import normalise_database_url

__all__ = ["Connection", "Database", "is_unavailable_error"]

SQLITE_BUSY_TIMEOUT_MS = 10_000


def is_unavailable_error(exc: BaseException) -> bool:
    """Whether `exc` means "the database cannot be reached or is too busy right now"."""
    if isinstance(exc, sa.exc.IntegrityError):
        return False
    if isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)):
        return True
    if isinstance(exc, sa.exc.DBAPIError):
        # asyncpg reports a server shutting down or a killed backend as plain DBAPI errors.
        name = type(exc.orig).__name__ if exc.orig is not None else ""
        return name in {
            "AdminShutdownError",
            "CannotConnectNowError",
            "ConnectionDoesNotExistError",
            "ConnectionFailureError",
            "TooManyConnectionsError",
            "InterfaceError",
            "ConnectionRejectionError",
        }
    return isinstance(exc, (OSError, ConnectionError, asyncio.TimeoutError))


def _json_dumps(value: Any) -> str:
    return msgspec.json.encode(value).decode()


class Connection(Protocol):
    """What services see of a transaction."""

    async def execute(
        self, statement: sa.Executable, parameters: Any = None
    ) -> sa.CursorResult[Any]: ...


class _InLoopConnection:
    """A sync SQLite connection behind the async `Connection` interface."""

    __slots__ = ("_conn",)

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    async def execute(
        self, statement: sa.Executable, parameters: Any = None
    ) -> sa.CursorResult[Any]:
        return self._conn.execute(statement, parameters)


class Database:
    """The engines plus the transaction discipline agentdir relies on."""

    def __init__(self, engine: AsyncEngine, sqlite_engine: sa.Engine | None = None) -> None:
        self.engine = engine  # async: migrations, and every PostgreSQL transaction
        self._sqlite = sqlite_engine
        # SQLite has one writer at a time. Transactions never wait on anything but
        # the database, so they never interleave on the loop; the lock keeps that
        # true (cooperatively) should one ever await something slow.
        self._sqlite_write_lock = asyncio.Lock()

    @classmethod
    def connect(cls, url: str, *, pool_size: int = 10) -> Database:
        async_url = normalise_database_url(url)
        # Every connection use goes through _transaction, which always commits or rolls
        # back: the pool's ROLLBACK on return would be a wasted round trip.
        kwargs: dict[str, Any] = {
            "pool_reset_on_return": None,
            # The JSON columns (controls, skills, groups, audit changes) through msgspec:
            # several times faster than the json module SQLAlchemy uses by default.
            "json_serializer": _json_dumps,
            "json_deserializer": msgspec.json.decode,
        }
        if async_url.startswith("postgresql"):
            # Pre-ping costs a round trip per checkout, but after PostgreSQL restarts it
            # lets the first request on each stale connection succeed instead of 503.
            kwargs.update(
                pool_size=pool_size,
                max_overflow=pool_size,
                pool_pre_ping=True,
                pool_recycle=1800,
                pool_timeout=5,
                connect_args={"timeout": 5, "command_timeout": 30},
            )
            return cls(create_async_engine(async_url, **kwargs))
        engine = create_async_engine(async_url, **kwargs)
        _configure_sqlite(engine.sync_engine)
        sync_url = engine.url.set(drivername="sqlite+pysqlite")
        sqlite_engine = sa.create_engine(sync_url, **kwargs)
        _configure_sqlite(sqlite_engine)
        return cls(engine, sqlite_engine)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Connection]:
        """A read-write transaction. On SQLite it takes the write lock up front
        (BEGIN IMMEDIATE), so concurrent writers queue instead of failing on upgrade."""
        if self._sqlite is None:
            async with self._transaction("write") as conn:
                yield conn
            return
        async with self._sqlite_write_lock, self._transaction("write") as conn:
            yield conn

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Connection]:
        """A read transaction: one consistent snapshot."""
        async with self._transaction("read") as conn:
            yield conn

    @asynccontextmanager
    async def lookup(self) -> AsyncIterator[Connection]:
        """For a single SELECT: no BEGIN/COMMIT around it (each statement is atomic
        on its own), which saves two round trips on the authentication hot path."""
        async with self._transaction("lookup") as conn:
            yield conn

    @asynccontextmanager
    async def _transaction(self, mode: str) -> AsyncIterator[Connection]:
        try:
            if self._sqlite is not None:
                with self._sqlite.connect() as sync_conn:
                    sync_conn.execution_options(agentdir_mode=mode)
                    with sync_conn.begin():
                        yield _InLoopConnection(sync_conn)
                return
            async with self.engine.connect() as conn:
                if mode == "lookup":
                    await conn.execution_options(isolation_level="AUTOCOMMIT")
                async with conn.begin():
                    yield conn
        except sa.exc.SQLAlchemyError as exc:
            if is_unavailable_error(exc):
                raise ServiceUnavailable("database") from exc
            raise
        except (TimeoutError, OSError) as exc:
            raise ServiceUnavailable("database") from exc

    async def ping(self) -> None:
        async with self.lookup() as conn:
            await conn.execute(sa.text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._sqlite is not None:
            self._sqlite.dispose()


def _configure_sqlite(sync_engine: sa.Engine) -> None:
    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from the driver so BEGIN IMMEDIATE is possible.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        mode = conn.get_execution_options().get("agentdir_mode", "read")
        if mode == "write":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif mode == "read":
            conn.exec_driver_sql("BEGIN")
        # "lookup": the driver runs the statement in autocommit mode.
