"""SQLite group commit, on a real database file: blocks that run in the same loop turn
share one COMMIT, a failing block rolls back alone, nothing returns before it is
durable, and a failed COMMIT fails every block in it."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentdir.errors import ServiceUnavailable
from agentdir.storage.group_commit import GroupCommitWriter


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.statements: list[str] = []
        setup = sqlite3.connect(path, isolation_level=None)
        setup.execute("PRAGMA journal_mode = WAL")
        setup.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        setup.execute("CREATE TABLE item (name TEXT UNIQUE, parent INTEGER REFERENCES "
                      "parent (id) DEFERRABLE INITIALLY DEFERRED)")
        setup.execute("INSERT INTO parent VALUES (1)")
        setup.close()
        self.writer = GroupCommitWriter(self.open)

    def open(self) -> sqlite3.Connection:
        raw = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        raw.execute("PRAGMA foreign_keys = ON")
        raw.set_trace_callback(self.statements.append)
        return raw

    def commits(self) -> int:
        return self.statements.count("COMMIT")

    def names(self) -> list[str]:
        """What another connection sees: only committed rows."""
        reader = sqlite3.connect(self.path)
        try:
            return sorted(row[0] for row in reader.execute("SELECT name FROM item"))
        finally:
            reader.close()

    async def insert(self, name: str, parent: int = 1) -> None:
        async with self.writer.write() as raw:
            raw.execute("INSERT INTO item VALUES (?, ?)", (name, parent))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "group.sqlite3")
    yield s
    s.writer.close()


async def test_blocks_of_one_loop_turn_share_one_commit(store: Store) -> None:
    await asyncio.gather(*(store.insert(f"n{i}") for i in range(10)))
    assert store.commits() == 1
    assert store.names() == sorted(f"n{i}" for i in range(10))


async def test_sequential_blocks_commit_each(store: Store) -> None:
    for i in range(3):
        await store.insert(f"s{i}")
        assert store.names() == [f"s{j}" for j in range(i + 1)]  # durable on return
    assert store.commits() == 3


async def test_a_failing_block_rolls_back_alone(store: Store) -> None:
    async def failing() -> None:
        async with store.writer.write() as raw:
            raw.execute("INSERT INTO item VALUES ('half', 1)")
            raise ValueError("checks failed after a statement")

    results = await asyncio.gather(store.insert("a"), failing(), store.insert("b"),
                                   return_exceptions=True)
    assert [type(r) for r in results] == [type(None), ValueError, type(None)]
    assert store.names() == ["a", "b"]
    assert store.commits() == 1


async def test_a_constraint_error_rolls_back_only_that_block(store: Store) -> None:
    await store.insert("taken")
    results = await asyncio.gather(store.insert("fresh"), store.insert("taken"),
                                   return_exceptions=True)
    assert results[0] is None
    assert isinstance(results[1], sqlite3.IntegrityError)
    assert store.names() == ["fresh", "taken"]


async def test_nothing_is_visible_before_the_block_returns(store: Store) -> None:
    seen_inside: list[list[str]] = []

    async def writer() -> None:
        async with store.writer.write() as raw:
            raw.execute("INSERT INTO item VALUES ('pending', 1)")
        seen_inside.append(store.names())

    async def other() -> None:
        await store.insert("other")
        seen_inside.append(store.names())

    await asyncio.gather(writer(), other())
    assert seen_inside == [["other", "pending"], ["other", "pending"]]


async def test_a_failed_commit_fails_every_block_in_it_and_writes_nothing(
    store: Store,
) -> None:
    # A deferred foreign key is checked at COMMIT: one bad block sinks the batch.
    results = await asyncio.gather(store.insert("good"), store.insert("orphan", parent=99),
                                   return_exceptions=True)
    assert all(isinstance(r, ServiceUnavailable) for r in results), results
    assert store.names() == []
    # The writer recovers: the next block opens a fresh transaction.
    await store.insert("after")
    assert store.names() == ["after"]


async def test_a_block_that_awaits_delays_the_commit_until_it_is_done(store: Store) -> None:
    release = asyncio.Event()

    async def slow() -> None:
        async with store.writer.write() as raw:
            raw.execute("INSERT INTO item VALUES ('slow', 1)")
            await release.wait()  # the commit is due now, but must not cut this block
            raw.execute("INSERT INTO item VALUES ('slow-2', 1)")

    async def fast() -> None:
        await store.insert("fast")

    task = asyncio.gather(slow(), fast())
    for _ in range(5):
        await asyncio.sleep(0)  # let the loop turn: the scheduled COMMIT must wait
    assert store.names() == []
    release.set()
    await task
    assert store.names() == ["fast", "slow", "slow-2"]
