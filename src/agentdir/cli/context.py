"""What every CLI command shares: settings, an event loop, and a migrated database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from agentdir.settings import Settings
from agentdir.storage.database import Database
from agentdir.storage.migrate import upgrade

__all__ = ["run_with_db", "settings_of"]

T = TypeVar("T")


def settings_of(ctx: click.Context) -> Settings:
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


def run_with_db(settings: Settings, action: Callable[[Database], Awaitable[T]]) -> T:
    """Run `action` on a database brought up to the current schema."""

    async def main() -> T:
        db = Database.connect(settings.database_url, pool_size=2)
        try:
            await upgrade(db)
            return await action(db)
        finally:
            await db.dispose()

    return asyncio.run(main())
