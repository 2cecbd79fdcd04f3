"""The database handle: connections, transactions, and fault mapping.

SQLite and PostgreSQL differ only here, by URL. Services open transactions through
`Database.write()` / `read()` / `lookup()`, get a `Connection`, and run the
precompiled statements of `storage.sql` on it; they never see the driver.

Both backends talk to their driver directly. On the request path SQLAlchemy's
connection pool, events and result processing cost several times what the
statements themselves cost (bench/README.md has the numbers); it still owns the
schema, the statement text (compiled once, in `storage.sql`) and the migrations.

- SQLite: the standard sqlite3 driver, on the event loop's own thread. A statement
  takes microseconds; handing it to a driver thread would cost more than that.
- PostgreSQL: an asyncpg pool. asyncpg notices a connection the server closed (a
  restart, `pg_terminate_backend`) and the pool replaces it on the next acquire, so
  the first request after an outage succeeds without a ping per checkout.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any, Protocol

import asyncpg
import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from agentdir.errors import ServiceUnavailable
from agentdir.settings import normalise_database_url
from agentdir.storage.sql import Query, query

__all__ = ["Connection", "Database", "Row", "UniqueViolation", "is_unavailable_error"]

SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_IDLE_CONNECTIONS = 8
PG_CONNECT_TIMEOUT_S = 5
PG_COMMAND_TIMEOUT_S = 30

Row = tuple[Any, ...]
_NO_PARAMS: Mapping[str, Any] = {}
_encode_json = msgspec.json.encode
_decode_json = msgspec.json.decode
_PING = query(sa.select(sa.literal(1)))


class UniqueViolation(Exception):
    """A write hit a unique constraint (a concurrent writer took the same key)."""


_PG_UNAVAILABLE = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,  # includes ConnectionDoesNotExistError
    asyncpg.exceptions.OperatorInterventionError,  # admin shutdown, cannot connect now
    asyncpg.exceptions.InsufficientResourcesError,  # too many connections
    # A connection killed mid-statement can leave the protocol mid-operation; asyncpg
    # then terminates it on release, so this too only means "the connection died".
    asyncpg.exceptions.InternalClientError,
    # A migration changed a table under a prepared statement, inside a transaction
    # (outside one asyncpg re-prepares by itself); the cache entry is dropped, so the
    # client's retry succeeds.
    asyncpg.exceptions.InvalidCachedStatementError,
)


def is_unavailable_error(exc: BaseException) -> bool:
    """Whether `exc` means "the database cannot be reached or is too busy right now"."""
    if isinstance(exc, (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError)):
        return False
    if isinstance(exc, (sqlite3.OperationalError, *_PG_UNAVAILABLE)):
        return True
    if isinstance(exc, sa.exc.SQLAlchemyError):  # migrations still run on SQLAlchemy
        return isinstance(exc, (sa.exc.OperationalError, sa.exc.InterfaceError)) or (
            isinstance(exc, sa.exc.DBAPIError) and exc.orig is not None
            and is_unavailable_error(exc.orig))
    return isinstance(exc, (OSError, ConnectionError, asyncio.TimeoutError))


class Connection(Protocol):
    """What services see of a transaction: run precompiled statements."""

    dialect: str  # "sqlite" or "postgresql", for the rare statement only one can run

    async def fetchrow(self, q: Query, params: Mapping[str, Any] = ...) -> Row | None: ...

    async def fetchall(self, q: Query, params: Mapping[str, Any] = ...) -> list[Row]: ...

    async def run(self, q: Query, params: Mapping[str, Any] = ...) -> int:
        """Execute a statement that returns no rows; the number of rows it changed."""
        ...


class _SqliteConnection:
    __slots__ = ("_raw",)
    dialect = "sqlite"

    def __init__(self, raw: sqlite3.Connection) -> None:
        self._raw = raw

    def _execute(self, q: Query, params: Mapping[str, Any]) -> sqlite3.Cursor:
        c = q.sqlite
        if not c.text:
            raise NotImplementedError("this statement runs on PostgreSQL only")
        if c.constants:
            params = {**c.constants, **params}
        if c.json_params:
            args = [_encode_json(params[n]).decode() if n in c.json_params else params[n]
                    for n in c.params]
        else:
            args = [params[n] for n in c.params]
        return self._raw.execute(c.text, args)

    @staticmethod
    def _row(q: Query, row: Row) -> Row:
        if not q.json_columns:
            return row
        values = list(row)
        for i in q.json_columns:
            if values[i] is not None:
                values[i] = _decode_json(values[i])
        return tuple(values)

    async def fetchrow(self, q: Query, params: Mapping[str, Any] = _NO_PARAMS) -> Row | None:
        # fetchall, not fetchone: a statement left unfinished (INSERT ... RETURNING
        # stepped once) would keep the transaction from committing.
        rows = self._execute(q, params).fetchall()
        return self._row(q, rows[0]) if rows else None

    async def fetchall(self, q: Query, params: Mapping[str, Any] = _NO_PARAMS) -> list[Row]:
        return [self._row(q, row) for row in self._execute(q, params).fetchall()]

    async def run(self, q: Query, params: Mapping[str, Any] = _NO_PARAMS) -> int:
        cursor = self._execute(q, params)
        cursor.fetchall()  # runs a RETURNING clause to completion; nothing otherwise
        return cursor.rowcount


class _PostgresConnection:
    __slots__ = ("_raw",)
    dialect = "postgresql"

    def __init__(self, raw: asyncpg.pool.PoolConnectionProxy[Any]) -> None:
        self._raw = raw

    async def fetchrow(self, q: Query, params: Mapping[str, Any] = _NO_PARAMS) -> Row | None:
        c = q.postgres
        row = await self._raw.fetchrow(c.text, *c.args(params))
        return None if row is None else tuple(row)

    async def fetchall(self, q: Query, params: Mapping[str, Any] = _NO_PARAMS) -> list[Row]:
        c = q.postgres
        return [tuple(row) for row in await self._raw.fetch(c.text, *c.args(params))]

    async def run(self, q: Query, params: Mapping[str, Any] = _NO_PARAMS) -> int:
        c = q.postgres
        status: str = await self._raw.execute(c.text, *c.args(params))
        tail = status.rpartition(" ")[2]  # "UPDATE 1", "INSERT 0 1", "DELETE 3"
        return int(tail) if tail.isdigit() else 0


async def _keep_session(_conn: asyncpg.Connection[Any]) -> None:
    """The pool's reset on release. asyncpg's default sends RESET ALL, UNLISTEN and
    more on every release: a round trip per request for session state agentdir never
    sets. (asyncpg still rolls back a transaction left open, before calling this.)"""


async def _init_pg_connection(conn: asyncpg.Connection[Any]) -> None:
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(type_name, schema="pg_catalog", format="text",
                                  encoder=lambda v: _encode_json(v).decode(),
                                  decoder=_decode_json)


class Database:
    """Connections plus the transaction discipline agentdir relies on."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = normalise_database_url(url)  # SQLAlchemy form, for migrations
        self.is_postgres = self.url.startswith("postgresql")
        self._pool_size = pool_size
        self._pg_pool: asyncpg.Pool[Any] | None = None
        self._pg_pool_lock = asyncio.Lock()
        self._sqlite_path = sa.make_url(self.url).database or ""
        self._sqlite_idle: list[sqlite3.Connection] = []
        # SQLite has one writer at a time. Transactions never wait on anything but
        # the database, so they never interleave on the loop; the lock keeps that
        # true (cooperatively) should one ever await something slow.
        self._sqlite_write_lock = asyncio.Lock()

    @classmethod
    def connect(cls, url: str, *, pool_size: int = 10) -> Database:
        return cls(url, pool_size=pool_size)

    # --- transactions -----------------------------------------------------------------

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Connection]:
        """A read-write transaction. On SQLite it takes the write lock up front
        (BEGIN IMMEDIATE), so concurrent writers queue instead of failing on upgrade."""
        if self.is_postgres:
            async with self._pg_transaction(begin=True) as conn:
                yield conn
            return
        async with self._sqlite_write_lock, self._sqlite_transaction("BEGIN IMMEDIATE") as c:
            yield c

    @asynccontextmanager
    async def single_write(self) -> AsyncIterator[Connection]:
        """For a write the repository makes atomic by itself: one statement on
        PostgreSQL (its own transaction, so no BEGIN/COMMIT round trips), a short
        write transaction on SQLite, where statements cost no round trip."""
        if self.is_postgres:
            async with self._pg_transaction(begin=False) as conn:
                yield conn
            return
        async with self.write() as conn:
            yield conn

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Connection]:
        """A read transaction: one consistent snapshot."""
        if self.is_postgres:
            async with self._pg_transaction(begin=True) as conn:
                yield conn
            return
        async with self._sqlite_transaction("BEGIN") as conn:
            yield conn

    @asynccontextmanager
    async def lookup(self) -> AsyncIterator[Connection]:
        """For a single statement: no BEGIN/COMMIT around it (each statement is atomic
        on its own), which saves two round trips on the authentication hot path."""
        if self.is_postgres:
            async with self._pg_transaction(begin=False) as conn:
                yield conn
            return
        async with self._sqlite_transaction(None) as conn:
            yield conn

    # --- SQLite -----------------------------------------------------------------------

    def _sqlite_open(self) -> sqlite3.Connection:
        # isolation_level=None: the driver never opens transactions behind our back, so
        # BEGIN IMMEDIATE is ours to send. check_same_thread=False: a connection may be
        # used from another thread's loop (test clients), never by two at once.
        raw = sqlite3.connect(self._sqlite_path, isolation_level=None,
                              check_same_thread=False,
                              timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
        raw.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        raw.execute("PRAGMA journal_mode = WAL")
        raw.execute("PRAGMA synchronous = NORMAL")
        raw.execute("PRAGMA foreign_keys = ON")
        return raw

    @asynccontextmanager
    async def _sqlite_transaction(self, begin: str | None) -> AsyncIterator[Connection]:
        try:
            raw = self._sqlite_idle.pop() if self._sqlite_idle else self._sqlite_open()
        except sqlite3.Error as exc:
            raise ServiceUnavailable("database") from exc
        healthy = False
        try:
            if begin is not None:
                raw.execute(begin)
            try:
                yield _SqliteConnection(raw)
            except BaseException:
                if raw.in_transaction:
                    raw.execute("ROLLBACK")
                healthy = True
                raise
            if raw.in_transaction:
                raw.execute("COMMIT")
            healthy = True
        except sqlite3.IntegrityError as exc:
            raise UniqueViolation(str(exc)) from exc
        except sqlite3.OperationalError as exc:
            raise ServiceUnavailable("database") from exc
        finally:
            if healthy and not raw.in_transaction \
                    and len(self._sqlite_idle) < SQLITE_IDLE_CONNECTIONS:
                self._sqlite_idle.append(raw)
            else:
                raw.close()

    # --- PostgreSQL -------------------------------------------------------------------

    async def _pool(self) -> asyncpg.Pool[Any]:
        if self._pg_pool is not None:
            return self._pg_pool
        async with self._pg_pool_lock:
            if self._pg_pool is None:
                dsn = sa.make_url(self.url).set(drivername="postgresql")
                pool: asyncpg.Pool[Any] = asyncpg.create_pool(
                    dsn.render_as_string(hide_password=False),
                    min_size=0,
                    max_size=2 * self._pool_size,
                    timeout=PG_CONNECT_TIMEOUT_S,
                    command_timeout=PG_COMMAND_TIMEOUT_S,
                    max_inactive_connection_lifetime=300,
                    init=_init_pg_connection,
                    reset=_keep_session,
                )
                await pool  # with min_size=0 this connects nothing yet
                self._pg_pool = pool
        return self._pg_pool

    @asynccontextmanager
    async def _pg_transaction(self, *, begin: bool) -> AsyncIterator[Connection]:
        try:
            pool = await self._pool()
            async with pool.acquire(timeout=PG_CONNECT_TIMEOUT_S) as raw:
                if not begin:
                    yield _PostgresConnection(raw)
                    return
                async with raw.transaction():
                    yield _PostgresConnection(raw)
        except asyncpg.UniqueViolationError as exc:
            raise UniqueViolation(str(exc)) from exc
        except (TimeoutError, *_PG_UNAVAILABLE, OSError) as exc:
            raise ServiceUnavailable("database") from exc

    # --- the rest ---------------------------------------------------------------------

    @asynccontextmanager
    async def migration_engine(self) -> AsyncIterator[AsyncEngine]:
        """A SQLAlchemy engine for Alembic and schema inspection, disposed after use."""
        engine = create_async_engine(self.url)
        try:
            yield engine
        finally:
            await engine.dispose()

    async def ping(self) -> None:
        async with self.lookup() as conn:
            await conn.fetchrow(_PING)

    async def dispose(self) -> None:
        if self._pg_pool is not None:
            pool, self._pg_pool = self._pg_pool, None
            await pool.close()
        while self._sqlite_idle:
            self._sqlite_idle.pop().close()
