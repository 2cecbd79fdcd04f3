"""Schema migrations through Alembic, on a SQLAlchemy engine opened for the purpose."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from agentdir.errors import OperatorError
from agentdir.storage.database import Database

__all__ = ["SchemaTooNew", "current_revision", "downgrade", "head_revision", "upgrade"]


class SchemaTooNew(OperatorError):
    """The database was migrated by a newer agentdir than this one."""


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", "agentdir.storage:migrations")
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def _known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}


async def current_revision(db: Database) -> str | None:
    def read(sync_conn: sa.Connection) -> str | None:
        return MigrationContext.configure(sync_conn).get_current_revision()

    async with db.migration_engine() as engine, engine.connect() as conn:
        return await conn.run_sync(read)


async def upgrade(db: Database, target: str = "head") -> None:
    """Bring the schema up to `target`; refuse a database newer than this code."""
    current = await current_revision(db)
    if current is not None and current not in _known_revisions():
        raise SchemaTooNew(
            f"the database is at schema revision {current}, which this agentdir "
            f"(head {head_revision()}) does not know; upgrade agentdir"
        )
    config = _config()

    def run(sync_conn: sa.Connection, cfg: Any = config) -> None:
        cfg.attributes["connection"] = sync_conn
        command.upgrade(cfg, target)

    async with db.migration_engine() as engine, engine.begin() as conn:
        await conn.run_sync(run)


async def downgrade(db: Database, target: str) -> None:
    """Step the schema back to `target` (a revision, or "base")."""
    config = _config()

    def run(sync_conn: sa.Connection, cfg: Any = config) -> None:
        cfg.attributes["connection"] = sync_conn
        command.downgrade(cfg, target)

    async with db.migration_engine() as engine, engine.begin() as conn:
        await conn.run_sync(run)
