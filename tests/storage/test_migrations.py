"""Migrations on both engines: from empty, from the previous revision with data in it,
back down, and the migrated schema equals the Table objects the code queries."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from agentdir.storage.database import Database
from agentdir.storage.migrate import (
    SchemaTooNew,
    current_revision,
    downgrade,
    head_revision,
    upgrade,
)
from agentdir.storage.schema import metadata
from agentdir.storage.sql import query
from tests.backends import POSTGRES_URL, Backend, admin_sql


@pytest.fixture
async def empty_db(backend: Backend, tmp_path: object) -> AsyncIterator[Database]:
    """A database with no tables at all, on the backend under test."""
    if backend.name == "sqlite":
        db = Database.connect(f"sqlite:///{tmp_path}/empty.sqlite3")
        yield db
        await db.dispose()
        return
    name = f"agentdir_mig_{uuid.uuid4().hex[:10]}"
    await admin_sql(f'CREATE DATABASE "{name}"')
    db = Database.connect(f"{POSTGRES_URL}/{name}")
    try:
        yield db
    finally:
        await db.dispose()
        await admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _schema_differences(db: Database) -> list[object]:
    def compare(conn: sa.Connection) -> list[object]:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    async with db.migration_engine() as engine, engine.connect() as conn:
        return await conn.run_sync(compare)


async def test_upgrade_from_empty_reaches_head_and_matches_the_code_schema(
    empty_db: Database,
) -> None:
    assert await current_revision(empty_db) is None
    await upgrade(empty_db)
    assert await current_revision(empty_db) == head_revision()
    assert await _schema_differences(empty_db) == []


async def test_upgrade_from_previous_revision_keeps_data(empty_db: Database) -> None:
    await upgrade(empty_db, "0001")
    async with empty_db.write() as conn:
        await conn.run(query(sa.text(
            "INSERT INTO accounts (user_name, api_key_hash, auth_mode, token_generation, "
            "created_at) VALUES ('keep', 'h', 'BASIC_AUTH', 3, 1.5)"
        )))
    await upgrade(empty_db)
    assert await current_revision(empty_db) == head_revision()
    async with empty_db.read() as conn:
        found = await conn.fetchall(query(sa.text(
            "SELECT user_name, token_generation FROM accounts"
        )))
    assert found == [("keep", 3)]


async def test_upgrade_is_idempotent_at_head(empty_db: Database) -> None:
    await upgrade(empty_db)
    await upgrade(empty_db)
    assert await current_revision(empty_db) == head_revision()


async def test_downgrade_to_base_and_up_again(empty_db: Database) -> None:
    await upgrade(empty_db)
    await downgrade(empty_db, "0001")
    assert await current_revision(empty_db) == "0001"
    await downgrade(empty_db, "base")
    assert await current_revision(empty_db) is None
    await upgrade(empty_db)
    assert await _schema_differences(empty_db) == []


async def test_a_schema_newer_than_the_code_is_refused(empty_db: Database) -> None:
    await upgrade(empty_db)
    async with empty_db.write() as conn:
        await conn.run(query(sa.text("UPDATE alembic_version SET version_num = '9999'")))
    with pytest.raises(SchemaTooNew, match="9999"):
        await upgrade(empty_db)
