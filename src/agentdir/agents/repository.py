"""SQL for agents and their audit entries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from agentdir.agents.models import Agent
from agentdir.storage.database import Connection
from agentdir.storage.schema import MODE_FIELDS, agent_table, audit_table, mode_column
from agentdir.storage.text import storable

__all__ = [
    "agent_columns",
    "any_agent_with_id",
    "find_live_agent",
    "insert_agent",
    "insert_audit",
    "list_live_agents",
    "soft_delete_agent",
    "update_agent_row",
]

t = agent_table
_MODE_COLUMNS = {field: mode_column(field) for field in MODE_FIELDS}
_SELECT = sa.select(t)


def _agent(row: Any) -> Agent:
    m = row._mapping
    return Agent(
        pk=m["id"],
        account_id=m["account_id"],
        agent_id=m["agent_id"],
        agent_name=m["agent_name"],
        email=m["email"],
        password_hash=m["password_hash"],
        agent_data=m["agent_data"],
        sip_location=m["sip_location"],
        screen_recording=bool(m["screen_recording"]),
        auto_answer=m["auto_answer"],
        locked=bool(m["locked"]),
        modes={field: bool(m[col]) for field, col in _MODE_COLUMNS.items()},
        call_controls=dict(m["call_controls"]),
        skills={str(name): int(priority) for name, priority in m["skills"]},
        groups=list(m["groups"]),
        version=m["version"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
    )


def agent_columns(agent: Agent) -> dict[str, Any]:
    """Column values of everything an update may change."""
    values: dict[str, Any] = {
        "agent_id": agent.agent_id,
        "agent_name": agent.agent_name,
        "email": agent.email,
        "password_hash": agent.password_hash,
        "agent_data": agent.agent_data,
        "sip_location": agent.sip_location,
        "screen_recording": agent.screen_recording,
        "auto_answer": agent.auto_answer,
        "locked": agent.locked,
        "call_controls": agent.call_controls,
        "skills": [[name, priority] for name, priority in sorted(agent.skills.items())],
        "groups": agent.groups,
        "version": agent.version,
        "updated_at": agent.updated_at,
    }
    for field, column in _MODE_COLUMNS.items():
        values[column] = agent.modes[field]
    return values


# Statements built once, with bound parameters: the hot path then skips statement
# construction and hits SQLAlchemy's compiled cache at once.
_FIND_LIVE = _SELECT.where(
    t.c.account_id == sa.bindparam("b_account"),
    t.c.agent_id == sa.bindparam("b_agent"),
    t.c.deleted_at.is_(None),
)
_FIND_LIVE_LOCKED = _FIND_LIVE.with_for_update()
_ANY_WITH_ID = (
    sa.select(t.c.id)
    .where(t.c.account_id == sa.bindparam("b_account"), t.c.agent_id == sa.bindparam("b_agent"))
    .limit(1)
)
_UPDATE = t.update().where(t.c.id == sa.bindparam("b_pk"))
_INSERT = t.insert().returning(t.c.id)
_INSERT_AUDIT = audit_table.insert()


async def find_live_agent(
    conn: Connection, account_id: int, agent_id: str, *, lock: bool = False
) -> Agent | None:
    """The live agent with this ID. With `lock`, the row stays locked until the
    transaction ends (SELECT ... FOR UPDATE; SQLite already holds the write lock)."""
    if not storable(agent_id):
        return None
    query = _FIND_LIVE_LOCKED if lock else _FIND_LIVE
    row = (await conn.execute(query, {"b_account": account_id, "b_agent": agent_id})).first()
    return None if row is None else _agent(row)


async def any_agent_with_id(conn: Connection, account_id: int, agent_id: str) -> bool:
    """Whether this ID ever named an agent of the account, live or deleted."""
    if not storable(agent_id):
        return False
    params = {"b_account": account_id, "b_agent": agent_id}
    return (await conn.execute(_ANY_WITH_ID, params)).first() is not None


async def list_live_agents(conn: Connection, account_id: int) -> list[Agent]:
    query = _SELECT.where(t.c.account_id == account_id, t.c.deleted_at.is_(None))
    rows = (await conn.execute(query)).all()
    # Sorted here, by code point: a database's collation (en_US on PostgreSQL, say)
    # would order "a.b" and "ab" differently from SQLite.
    return sorted((_agent(row) for row in rows), key=lambda agent: agent.agent_id)


async def insert_agent(conn: Connection, agent: Agent) -> int:
    values = agent_columns(agent)
    values.update(account_id=agent.account_id, created_at=agent.created_at)
    result = await conn.execute(_INSERT, values)
    return int(result.scalar_one())


async def update_agent_row(conn: Connection, agent: Agent) -> None:
    # The parameter keys make the SET clause.
    await conn.execute(_UPDATE, {"b_pk": agent.pk, **agent_columns(agent)})


async def soft_delete_agent(conn: Connection, pk: int, now: float) -> None:
    await conn.execute(t.update().where(t.c.id == pk).values(deleted_at=now, updated_at=now))


async def insert_audit(
    conn: Connection,
    *,
    at: float,
    account_id: int,
    agent_pk: int,
    agent_id: str,
    action: str,
    actor: str,
    changes: Mapping[str, Any],
) -> None:
    await conn.execute(
        _INSERT_AUDIT,
        {
            "at": at,
            "account_id": account_id,
            "agent_pk": agent_pk,
            "agent_id": agent_id,
            "action": action,
            "actor": actor,
            "changes": dict(changes),
        },
    )
