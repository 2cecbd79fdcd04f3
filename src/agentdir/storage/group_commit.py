"""SQLite write transactions with group commit.

A SQLite COMMIT writes every page the transaction touched to the WAL: for an
updateAgent (agent row, its indexes, the audit row and its indexes) that was the
largest single cost of the request. Here concurrent write blocks share one
transaction, committed once per event-loop turn:

- each `write()` block runs inside a SAVEPOINT of the open transaction (opening it
  with BEGIN IMMEDIATE if none is open), so a block that fails rolls back alone;
- the first block of a transaction schedules the COMMIT with `call_soon`, so it
  runs once the blocks already on the loop have had their turn;
- a block returns only after the COMMIT that holds its changes, so no caller ever
  answers for a write that is not durable; if the COMMIT fails, every block in it
  fails with ServiceUnavailable, and none of them was answered yet.

Blocks never interleave: the lock admits one at a time (SQLite statements run on
the loop's thread and do not await, so in practice it is never contended).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from agentdir.errors import ServiceUnavailable

__all__ = ["GroupCommitWriter"]

_SAVEPOINT = "agentdir_write"


class GroupCommitWriter:
    """The one connection that writes, and the transaction its blocks share."""

    def __init__(self, open_connection: Callable[[], sqlite3.Connection]) -> None:
        self._open_connection = open_connection
        self._raw: sqlite3.Connection | None = None
        self._lock = asyncio.Lock()
        self._pending: asyncio.Future[None] | None = None  # the open transaction's COMMIT

    @asynccontextmanager
    async def write(self) -> AsyncIterator[sqlite3.Connection]:
        async with self._lock:
            raw, committed = self._join()
            raw.execute(f"SAVEPOINT {_SAVEPOINT}")
            try:
                yield raw
            except BaseException as exc:
                self._undo_block(raw, exc)
                raise
            raw.execute(f"RELEASE {_SAVEPOINT}")
        await asyncio.shield(committed)

    def _join(self) -> tuple[sqlite3.Connection, asyncio.Future[None]]:
        """The shared transaction, opened if there is none."""
        if self._pending is not None and self._raw is not None:
            return self._raw, self._pending
        if self._raw is None:
            self._raw = self._open_connection()
        self._raw.execute("BEGIN IMMEDIATE")
        loop = asyncio.get_running_loop()
        self._pending = loop.create_future()
        loop.call_soon(self._commit)
        return self._raw, self._pending

    def _undo_block(self, raw: sqlite3.Connection, exc: BaseException) -> None:
        try:
            raw.execute(f"ROLLBACK TO {_SAVEPOINT}")
            raw.execute(f"RELEASE {_SAVEPOINT}")
        except sqlite3.Error as undo_error:
            # SQLite rolled the whole transaction back (an I/O error, say): the other
            # blocks in it are lost too, and must not be answered as written.
            self._fail(undo_error)
            return
        if not raw.in_transaction:
            self._fail(exc)

    def _commit(self) -> None:
        if self._lock.locked():
            # A block is still running (it awaited something): commit after it.
            asyncio.get_running_loop().call_soon(self._commit)
            return
        pending, raw = self._pending, self._raw
        if pending is None or raw is None:
            return
        try:
            raw.execute("COMMIT")
        except sqlite3.Error as exc:
            self._fail(exc)
            return
        self._pending = None
        pending.set_result(None)

    def _fail(self, cause: BaseException) -> None:
        """End the shared transaction without committing; its blocks get a 503."""
        pending, raw = self._pending, self._raw
        self._pending, self._raw = None, None
        if raw is not None:
            try:
                if raw.in_transaction:
                    raw.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the connection is discarded either way
            raw.close()
        if pending is not None and not pending.done():
            error = ServiceUnavailable("database")
            error.__cause__ = cause
            pending.set_exception(error)
            # Retrieved by every waiting block; mark it so asyncio does not warn
            # when the failing block was the only one.
            pending.exception()

    def close(self) -> None:
        """Commit what is pending (shutdown after the last request) and close."""
        if self._pending is not None and not self._lock.locked():
            self._commit()
        if self._raw is not None:
            self._raw.close()
            self._raw = None
