"""Datasets: 1e3 accounts and N agents, written with bulk SQL (not through the API).

The schema comes from agentdir's own migrations (`agentdir migrate`); rows are then
bulk-inserted: sqlite3 `executemany` in one transaction, or PostgreSQL `COPY`.
Every agent reuses one precomputed Argon2id hash (same parameters as the service).
apiKeys are deterministic, so the load scripts know them; only their SHA-256 is stored.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from argon2 import PasswordHasher, Type

from agentdir.accounts.keys import hash_api_key
from agentdir.settings import Settings
from agentdir.storage.schema import MODE_FIELDS, mode_column

__all__ = ["ACCOUNTS", "Dataset", "Target", "bench_hash", "migrate", "seed"]

ACCOUNTS = 1000
# Account roles, by index: update scenarios rotate over the basic ones; generateToken
# bumps the token generation of its own accounts; the token scenario owns the TOKEN_AUTH ones.
GEN_ACCOUNTS = range(980, 990)
TOKEN_ACCOUNTS = range(990, 1000)
BASIC_ACCOUNTS = range(0, 980)
MODE_COLUMNS = [mode_column(f) for f in MODE_FIELDS]


@dataclasses.dataclass(frozen=True, slots=True)
class Target:
    user_name: str
    api_key: str
    agent_id: str


@dataclasses.dataclass(frozen=True, slots=True)
class Dataset:
    agents: int
    per_account: int

    def user_name(self, i: int) -> str:
        return f"acct{i:04d}"

    def api_key(self, i: int) -> str:
        return f"bench-api-key-{i:04d}-{'k' * 32}"

    def agent_id(self, j: int) -> str:
        return f"ag{j:07d}"

    def target(self, i: int, j: int) -> Target:
        return Target(self.user_name(i), self.api_key(i), self.agent_id(j))

    def targets(self, accounts: range, count: int, seed: int = 7) -> list[Target]:
        """`count` (account, agent) pairs: all of them when few, else a random spread."""
        total = len(accounts) * self.per_account
        if total <= count:
            return [self.target(i, j) for j in range(self.per_account) for i in accounts]
        rng = random.Random(seed)
        picks = rng.sample(range(total), count)
        return [self.target(accounts[p % len(accounts)], p // len(accounts)) for p in picks]


def bench_hash(settings: Settings | None = None) -> str:
    s = settings or Settings()
    hasher = PasswordHasher(time_cost=s.argon2_time_cost, memory_cost=s.argon2_memory_kib,
                            parallelism=s.argon2_parallelism, hash_len=32, salt_len=16,
                            type=Type.ID)
    return hasher.hash("bench-password")


def migrate(database_url: str) -> None:
    env = dict(os.environ, AGENTDIR_DATABASE_URL=database_url)
    subprocess.run([sys.executable, "-m", "agentdir", "migrate"], env=env, check=True,
                   stdout=subprocess.DEVNULL)


def _account_rows(ds: Dataset, now: float) -> list[tuple[object, ...]]:
    return [
        (i + 1, ds.user_name(i), hash_api_key(ds.api_key(i)),
         "TOKEN_AUTH" if i in TOKEN_ACCOUNTS else "BASIC_AUTH", 0, now)
        for i in range(ACCOUNTS)
    ]


AGENT_COLUMNS = ["account_id", "agent_id", "agent_name", "email", "password_hash",
                 "agent_data", "sip_location", "screen_recording", "auto_answer", "locked",
                 *MODE_COLUMNS, "call_controls", "skills", "groups", "version",
                 "created_at", "updated_at", "deleted_at"]


def _agent_rows(ds: Dataset, password_hash: str, now: float, lo: int, hi: int):
    """Agents lo..hi-1 in the global numbering: agent j of account i is number j*ACCOUNTS+i."""
    modes = tuple(f == "inbound" for f in MODE_FIELDS)
    for n in range(lo, hi):
        i, j = n % ACCOUNTS, n // ACCOUNTS
        yield (i + 1, ds.agent_id(j), f"Agent {j}", f"agent{j}.{i}@example.com", password_hash,
               None, None, False, None, False, *modes, "{}", "[]", "[]", 1, now, now, None)


def seed_sqlite(path: Path, ds: Dataset, password_hash: str) -> float:
    started = time.perf_counter()
    migrate(f"sqlite:///{path}")
    now = time.time()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO accounts (id, user_name, api_key_hash, auth_mode, "
                     "token_generation, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                     _account_rows(ds, now))
    placeholders = ", ".join("?" for _ in AGENT_COLUMNS)
    sql = f'INSERT INTO agents ({", ".join(AGENT_COLUMNS)}) VALUES ({placeholders})'
    chunk = 100_000
    for lo in range(0, ds.agents, chunk):
        conn.executemany(sql, _agent_rows(ds, password_hash, now, lo, min(ds.agents, lo + chunk)))
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return time.perf_counter() - started


async def _copy_pg(dsn: str, ds: Dataset, password_hash: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        now = time.time()
        await conn.copy_records_to_table(
            "accounts", records=_account_rows(ds, now),
            columns=["id", "user_name", "api_key_hash", "auth_mode", "token_generation",
                     "created_at"])
        await conn.execute("SELECT setval(pg_get_serial_sequence('accounts', 'id'), $1)",
                           ACCOUNTS)
        chunk = 200_000
        for lo in range(0, ds.agents, chunk):
            rows = list(_agent_rows(ds, password_hash, now, lo, min(ds.agents, lo + chunk)))
            await conn.copy_records_to_table("agents", records=rows, columns=AGENT_COLUMNS)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


def seed_postgres(database_url: str, ds: Dataset, password_hash: str) -> float:
    started = time.perf_counter()
    migrate(database_url)
    asyncio.run(_copy_pg(database_url, ds, password_hash))
    return time.perf_counter() - started


async def _admin(sql: str, admin_dsn: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def create_pg_database(admin_dsn: str, name: str) -> None:
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', admin_dsn))
    asyncio.run(_admin(f'CREATE DATABASE "{name}"', admin_dsn))


def drop_pg_database(admin_dsn: str, name: str) -> None:
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', admin_dsn))


def seed(kind: str, where: str, agents: int, password_hash: str) -> float:
    """Seed `agents` agents over 1e3 accounts; returns seconds taken."""
    ds = Dataset(agents=agents, per_account=max(1, agents // ACCOUNTS))
    if kind == "sqlite":
        return seed_sqlite(Path(where), ds, password_hash)
    return seed_postgres(where, ds, password_hash)


def dataset(agents: int) -> Dataset:
    return Dataset(agents=agents, per_account=max(1, agents // ACCOUNTS))


if __name__ == "__main__":  # manual use: python -m bench.seed sqlite /tmp/x.sqlite3 1000
    kind, where, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    print(json.dumps({"seconds": seed(kind, where, n, bench_hash())}))
