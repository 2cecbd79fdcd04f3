"""The database handle: one async engine, transactions, and fault mapping.

SQLite and PostgreSQL differ only here, by URL. Services open transactions
through `Database.write()` / `Database.read()` and never see the dialect.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from agentdir.errors import ServiceUnavailable
from agentdir.settings import normalise_database_url

__all__ = ["Database", "is_unavailable_error"]

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


class Database:
    """An async engine plus the transaction discipline agentdir relies on."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"

    @classmethod
    def connect(cls, url: str, *, pool_size: int = 10) -> Database:
        async_url = normalise_database_url(url)
        # Every connection use goes through _transaction, which always commits or rolls
        # back: the pool's ROLLBACK on return would be a wasted round trip.
        kwargs: dict[str, Any] = {"pool_reset_on_return": None}
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
        engine = create_async_engine(async_url, **kwargs)
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine)
        return cls(engine)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A read-write transaction. On SQLite it takes the write lock up front
        (BEGIN IMMEDIATE), so concurrent writers queue instead of failing on upgrade."""
        async with self._transaction("write") as conn:
            yield conn

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A read transaction: one consistent snapshot."""
        async with self._transaction("read") as conn:
            yield conn

    @asynccontextmanager
    async def lookup(self) -> AsyncIterator[AsyncConnection]:
        """For a single SELECT: no BEGIN/COMMIT around it (each statement is atomic
        on its own), which saves two round trips on the authentication hot path."""
        async with self._transaction("lookup") as conn:
            yield conn

    @asynccontextmanager
    async def _transaction(self, mode: str) -> AsyncIterator[AsyncConnection]:
        try:
            async with self.engine.connect() as conn:
                if self.is_sqlite:
                    await conn.execution_options(agentdir_mode=mode)
                elif mode == "lookup":
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


def _configure_sqlite(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

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
