"""SQL for agents and their audit entries."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from agentdir.agents.models import Agent
from agentdir.storage.database import Connection, Row
from agentdir.storage.schema import MODE_FIELDS, agent_table, audit_table, mode_column
from agentdir.storage.sql import Query, postgres_only, query
from agentdir.storage.text import storable

__all__ = [
    "agent_columns",
    "any_agent_with_id",
    "find_live_agent",
    "insert_agent",
    "insert_audit",
    "list_live_agents",
    "save_update",
    "soft_delete_agent",
    "update_agent_row",
]

t = agent_table
_MODE_COLUMNS = {field: mode_column(field) for field in MODE_FIELDS}
_COLUMNS = [c.name for c in t.columns]
_AT = {name: i for i, name in enumerate(_COLUMNS)}
_MODE_AT = {field: _AT[column] for field, column in _MODE_COLUMNS.items()}
(_PK, _ACCOUNT, _AGENT_ID, _NAME, _EMAIL, _HASH, _DATA, _SIP, _SCREEN, _AUTO, _LOCKED,
 _CONTROLS, _SKILLS, _GROUPS, _VERSION, _CREATED, _UPDATED) = (
    _AT[c] for c in ("id", "account_id", "agent_id", "agent_name", "email", "password_hash",
                     "agent_data", "sip_location", "screen_recording", "auto_answer",
                     "locked", "call_controls", "skills", "groups", "version", "created_at",
                     "updated_at"))


def _agent(row: Row) -> Agent:
    return Agent(
        pk=row[_PK],
        account_id=row[_ACCOUNT],
        agent_id=row[_AGENT_ID],
        agent_name=row[_NAME],
        email=row[_EMAIL],
        password_hash=row[_HASH],
        agent_data=row[_DATA],
        sip_location=row[_SIP],
        screen_recording=bool(row[_SCREEN]),
        auto_answer=row[_AUTO],
        locked=bool(row[_LOCKED]),
        modes={field: bool(row[at]) for field, at in _MODE_AT.items()},
        call_controls=dict(row[_CONTROLS]),
        skills={str(name): int(priority) for name, priority in row[_SKILLS]},
        groups=list(row[_GROUPS]),
        version=row[_VERSION],
        created_at=row[_CREATED],
        updated_at=row[_UPDATED],
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


def _binds(names: list[str]) -> dict[str, Any]:
    return {name: sa.bindparam(name, type_=t.c[name].type) for name in names}


# Everything but the row's identity and its lifetime stamps (agent_columns' keys).
_UPDATABLE = [c.name for c in t.columns
              if c.name not in {"id", "account_id", "created_at", "deleted_at"}]

_LIVE = (t.c.account_id == sa.bindparam("b_account"), t.c.agent_id == sa.bindparam("b_agent"),
         t.c.deleted_at.is_(None))
_FIND_LIVE = query(sa.select(t).where(*_LIVE))
# SQLite has no FOR UPDATE; its write transactions hold the database's write lock.
_FIND_LIVE_LOCKED = query(sa.select(t).where(*_LIVE),
                          postgres=sa.select(t).where(*_LIVE).with_for_update())
_ANY_WITH_ID = query(
    sa.select(t.c.id)
    .where(t.c.account_id == sa.bindparam("b_account"), t.c.agent_id == sa.bindparam("b_agent"))
    .limit(1)
)
_LIST_LIVE = query(sa.select(t).where(t.c.account_id == sa.bindparam("b_account"),
                                      t.c.deleted_at.is_(None)))
_UPDATE = query(t.update().where(t.c.id == sa.bindparam("b_pk")).values(**_binds(_UPDATABLE)))
_INSERT = query(t.insert().values(**_binds([*_UPDATABLE, "account_id", "created_at"]))
                .returning(t.c.id))
_NOW = sa.bindparam("b_now", type_=t.c.deleted_at.type)
_SOFT_DELETE = query(t.update().where(t.c.id == sa.bindparam("b_pk")).values(
    deleted_at=_NOW, updated_at=_NOW))
_AUDIT_COLUMNS = ["at", "account_id", "agent_pk", "agent_id", "action", "actor", "changes"]
_INSERT_AUDIT = query(audit_table.insert().values(
    **{name: sa.bindparam(name, type_=audit_table.c[name].type) for name in _AUDIT_COLUMNS}))
_ALWAYS_SET = ("version", "updated_at")


@functools.lru_cache(maxsize=512)
def _guarded_update(columns: tuple[str, ...]) -> tuple[Query, Query]:
    """UPDATE ... SET `columns` WHERE id and version still match: for SQLite, and for
    PostgreSQL with its audit INSERT in the same statement (one round trip, no
    BEGIN/COMMIT; the INSERT reads the UPDATE's RETURNING, so no audit row is written
    when the guard matched nothing).

    Only the changed columns are set: SQLite rewrites an index entry whenever one of
    its columns is in the SET list, changed or not, and every page it touches is
    written to the WAL and copied back at the next checkpoint. Compiled once per
    set of columns (a handful in practice: the fields clients send together)."""
    update = (t.update()
              .where(t.c.id == sa.bindparam("b_pk"),
                     t.c.version == sa.bindparam("b_old_version"))
              .values(**_binds(list(columns))))
    audit = {name: sa.bindparam(f"audit_{name}", type_=audit_table.c[name].type)
             for name in _AUDIT_COLUMNS if name != "agent_pk"}
    updated = update.returning(t.c.id).cte("updated")
    row = sa.select(*(updated.c.id if name == "agent_pk" else audit[name]
                      for name in _AUDIT_COLUMNS))
    with_audit = audit_table.insert().from_select(_AUDIT_COLUMNS, row).returning(
        audit_table.c.agent_pk)
    return query(update), postgres_only(with_audit)


async def find_live_agent(
    conn: Connection, account_id: int, agent_id: str, *, lock: bool = False
) -> Agent | None:
    """The live agent with this ID. With `lock`, the row stays locked until the
    transaction ends (SELECT ... FOR UPDATE; SQLite already holds the write lock)."""
    if not storable(agent_id):
        return None
    q = _FIND_LIVE_LOCKED if lock else _FIND_LIVE
    row = await conn.fetchrow(q, {"b_account": account_id, "b_agent": agent_id})
    return None if row is None else _agent(row)


async def any_agent_with_id(conn: Connection, account_id: int, agent_id: str) -> bool:
    """Whether this ID ever named an agent of the account, live or deleted."""
    if not storable(agent_id):
        return False
    params = {"b_account": account_id, "b_agent": agent_id}
    return await conn.fetchrow(_ANY_WITH_ID, params) is not None


async def list_live_agents(conn: Connection, account_id: int) -> list[Agent]:
    rows = await conn.fetchall(_LIST_LIVE, {"b_account": account_id})
    # Sorted here, by code point: a database's collation (en_US on PostgreSQL, say)
    # would order "a.b" and "ab" differently from SQLite.
    return sorted((_agent(row) for row in rows), key=lambda agent: agent.agent_id)


async def insert_agent(conn: Connection, agent: Agent) -> int:
    values = agent_columns(agent)
    values.update(account_id=agent.account_id, created_at=agent.created_at)
    row = await conn.fetchrow(_INSERT, values)
    assert row is not None
    return int(row[0])


async def update_agent_row(conn: Connection, agent: Agent) -> None:
    values = agent_columns(agent)
    values["b_pk"] = agent.pk
    await conn.run(_UPDATE, values)


async def save_update(
    conn: Connection, before: Agent, after: Agent, *, actor: str, at: float,
    changes: Mapping[str, Any],
) -> bool:
    """Store `after` and its audit entry, only if the row is still at `before`'s
    version; False (nothing written) if another writer got there first.

    Open it with `Database.single_write()`: on PostgreSQL this is one statement."""
    old, new = agent_columns(before), agent_columns(after)
    columns = tuple(c for c in new if c in _ALWAYS_SET or new[c] != old[c])
    values = {c: new[c] for c in columns}
    values.update(b_pk=after.pk, b_old_version=before.version)
    audit = {"at": at, "account_id": after.account_id, "agent_pk": after.pk,
             "agent_id": after.agent_id, "action": "update", "actor": actor,
             "changes": dict(changes)}
    guarded, guarded_with_audit = _guarded_update(columns)
    if conn.dialect == "postgresql":
        values.update({f"audit_{name}": value for name, value in audit.items()})
        return await conn.fetchrow(guarded_with_audit, values) is not None
    if await conn.run(guarded, values) == 0:
        return False
    await conn.run(_INSERT_AUDIT, audit)
    return True


async def soft_delete_agent(conn: Connection, pk: int, now: float) -> None:
    await conn.run(_SOFT_DELETE, {"b_pk": pk, "b_now": now})


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
    await conn.run(
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
