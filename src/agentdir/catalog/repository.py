"""SQL for skills, agent groups and SIP locations."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from agentdir.storage.database import Connection
from agentdir.storage.schema import agent_group_table, sip_location_table, skill_table
from agentdir.storage.text import storable

__all__ = ["CATALOG_TABLES", "existing_names", "insert_entry"]

CATALOG_TABLES = {
    "skill": skill_table,
    "group": agent_group_table,
    "sip-location": sip_location_table,
}


async def existing_names(
    conn: Connection, kind: str, account_id: int, names: Iterable[str]
) -> set[str]:
    """Which of `names` exist in the account's catalog of `kind`."""
    wanted = sorted({name for name in names if storable(name)})
    if not wanted:
        return set()
    table = CATALOG_TABLES[kind]
    query = sa.select(table.c.name).where(
        table.c.account_id == account_id, table.c.name.in_(wanted)
    )
    return {str(name) for name in (await conn.execute(query)).scalars()}


async def insert_entry(
    conn: Connection, kind: str, account_id: int, name: str, now: float, **extra: object
) -> None:
    table = CATALOG_TABLES[kind]
    await conn.execute(
        table.insert().values(account_id=account_id, name=name, created_at=now, **extra)
    )
