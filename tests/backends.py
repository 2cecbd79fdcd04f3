"""The storage backends the API suite runs on, and how to reach them."""

from __future__ import annotations

import dataclasses
import os
import socket

import asyncpg

from agentdir.storage.database import Database
from agentdir.storage.migrate import upgrade

POSTGRES_URL = os.environ.get("AGENTDIR_TEST_POSTGRES", "postgresql://127.0.0.1:5432")
REDIS_URL = os.environ.get("AGENTDIR_TEST_REDIS", "redis://127.0.0.1:6379/0")
ADMIN_DATABASE = "test"

# Backend name -> why its suite did not run (reported at the end of the run).
UNAVAILABLE_BACKENDS: dict[str, str] = {}


@dataclasses.dataclass(frozen=True)
class Backend:
    name: str
    database_url: str
    redis_url: str | None


def selected_backends() -> list[str]:
    """AGENTDIR_TEST_BACKENDS=sqlite runs only the embedded backend (quick local runs)."""
    chosen = os.environ.get("AGENTDIR_TEST_BACKENDS", "sqlite,postgres")
    return [name.strip() for name in chosen.split(",") if name.strip()]


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def postgres_and_redis_missing() -> str | None:
    if not port_open("127.0.0.1", 5432):
        return "PostgreSQL does not answer on 127.0.0.1:5432"
    if not port_open("127.0.0.1", 6379):
        return "Redis does not answer on 127.0.0.1:6379"
    return None


async def admin_sql(statement: str) -> None:
    conn = await asyncpg.connect(f"{POSTGRES_URL}/{ADMIN_DATABASE}")
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


async def migrate(url: str) -> None:
    db = Database.connect(url)
    try:
        await upgrade(db)
    finally:
        await db.dispose()


