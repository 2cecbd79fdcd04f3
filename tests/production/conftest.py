"""Production-deployment tests: real `agentdir serve` processes over PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from tests.backends import migrate as migrate_database
from tests.production.processes import (
    PgDatabase,
    create_database,
    drop_database,
    require_backends,
)


@pytest.fixture(autouse=True, scope="session")
def _production_backends() -> None:
    """Every test here needs PostgreSQL and Redis: skip without them, fail under CI=true."""
    require_backends()


@pytest.fixture
def database() -> Iterator[PgDatabase]:
    """A migrated PostgreSQL database of the test's own, dropped afterwards."""
    db = asyncio.run(create_database())
    try:
        asyncio.run(migrate_database(db.url))
        yield db
    finally:
        asyncio.run(drop_database(db))
