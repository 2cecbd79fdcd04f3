"""SQL for skills, agent groups and SIP locations."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from agentdir.storage.database import Connection
from agentdir.storage.schema import agent_group_table, sip_location_table, skill_table
from agentdir.storage.sql import Query, query
from agentdir.storage.text import storable

__all__ = ["CATALOG_TABLES", "existing_names", "insert_entry"]

CATALOG_TABLES = {
    "skill": skill_table,
    "group": agent_group_table,
    "sip-location": sip_location_table,
}


def _existing(table: sa.Table) -> Query:
    # A list parameter: a JSON array unpacked by json_each on SQLite, an array on
    # PostgreSQL. One statement whatever the number of names.
    account = table.c.account_id == sa.bindparam("b_account")
    names_json = sa.bindparam("b_names", type_=sa.JSON)
    in_list = table.c.name.in_(
        sa.select(sa.column("value", sa.String)).select_from(sa.func.json_each(names_json)))
    names_array = sa.bindparam("b_names", type_=postgresql.ARRAY(sa.String))
    return query(sa.select(table.c.name).where(account, in_list),
                 postgres=sa.select(table.c.name).where(account,
                                                        table.c.name == sa.any_(names_array)))


def _insert(table: sa.Table) -> Query:
    names = [c.name for c in table.columns if c.name != "id"]
    return query(table.insert().values(
        **{name: sa.bindparam(name, type_=table.c[name].type) for name in names}))


_EXISTING = {kind: _existing(table) for kind, table in CATALOG_TABLES.items()}
_INSERT = {kind: _insert(table) for kind, table in CATALOG_TABLES.items()}
_EXTRA = {kind: {c.name for c in table.columns} - {"id", "account_id", "name", "created_at"}
          for kind, table in CATALOG_TABLES.items()}


async def existing_names(
    conn: Connection, kind: str, account_id: int, names: Iterable[str]
) -> set[str]:
    """Which of `names` exist in the account's catalog of `kind`."""
    wanted = sorted({name for name in names if storable(name)})
    if not wanted:
        return set()
    rows = await conn.fetchall(_EXISTING[kind], {"b_account": account_id, "b_names": wanted})
    return {str(row[0]) for row in rows}


async def insert_entry(
    conn: Connection, kind: str, account_id: int, name: str, now: float, **extra: object
) -> None:
    unknown = extra.keys() - _EXTRA[kind]
    if unknown:
        raise TypeError(f"{kind} has no column {sorted(unknown)}")
    values = dict.fromkeys(_EXTRA[kind])
    values.update(extra, account_id=account_id, name=name, created_at=now)
    await conn.run(_INSERT[kind], values)
