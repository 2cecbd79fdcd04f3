"""SQL for accounts."""

from __future__ import annotations

import sqlalchemy as sa

from agentdir.accounts.models import Account, AuthMode
from agentdir.storage.database import Connection, Row
from agentdir.storage.schema import account_table as t
from agentdir.storage.sql import query
from agentdir.storage.text import storable

__all__ = [
    "any_account",
    "bump_token_generation",
    "find_account",
    "insert_account",
    "set_api_key_hash",
    "set_auth_mode",
]

_FIND = query(sa.select(
    t.c.id, t.c.user_name, t.c.api_key_hash, t.c.auth_mode, t.c.token_generation
).where(t.c.user_name == sa.bindparam("b_user")))
_ANY = query(sa.select(t.c.id).limit(1))
_INSERT = query(t.insert().values(
    user_name=sa.bindparam("b_user", type_=t.c.user_name.type),
    api_key_hash=sa.bindparam("b_hash", type_=t.c.api_key_hash.type),
    auth_mode=sa.bindparam("b_mode", type_=t.c.auth_mode.type),
    token_generation=0,
    created_at=sa.bindparam("b_now", type_=t.c.created_at.type),
).returning(t.c.id))
_WHERE_ID = t.c.id == sa.bindparam("b_id")
_SET_KEY = query(t.update().where(_WHERE_ID).values(
    api_key_hash=sa.bindparam("b_hash", type_=t.c.api_key_hash.type)))
_SET_MODE = query(t.update().where(_WHERE_ID).values(
    auth_mode=sa.bindparam("b_mode", type_=t.c.auth_mode.type)))
_BUMP = query(t.update().where(_WHERE_ID)
              .values(token_generation=t.c.token_generation + 1)
              .returning(t.c.token_generation))


def _account(row: Row) -> Account:
    return Account(
        id=row[0],
        user_name=row[1],
        api_key_hash=row[2],
        auth_mode=AuthMode(row[3]),
        token_generation=row[4],
    )


async def find_account(conn: Connection, user_name: str) -> Account | None:
    if not storable(user_name):
        return None
    row = await conn.fetchrow(_FIND, {"b_user": user_name})
    return None if row is None else _account(row)


async def any_account(conn: Connection) -> bool:
    return await conn.fetchrow(_ANY) is not None


async def insert_account(
    conn: Connection, *, user_name: str, api_key_hash: str, auth_mode: AuthMode, now: float
) -> Account:
    row = await conn.fetchrow(_INSERT, {"b_user": user_name, "b_hash": api_key_hash,
                                        "b_mode": auth_mode.value, "b_now": now})
    assert row is not None
    return Account(
        id=row[0],
        user_name=user_name,
        api_key_hash=api_key_hash,
        auth_mode=auth_mode,
        token_generation=0,
    )


async def set_api_key_hash(conn: Connection, account_id: int, api_key_hash: str) -> None:
    await conn.run(_SET_KEY, {"b_id": account_id, "b_hash": api_key_hash})


async def set_auth_mode(conn: Connection, account_id: int, auth_mode: AuthMode) -> None:
    await conn.run(_SET_MODE, {"b_id": account_id, "b_mode": auth_mode.value})


async def bump_token_generation(conn: Connection, account_id: int) -> int:
    """Increment and return the account's token generation, atomically."""
    row = await conn.fetchrow(_BUMP, {"b_id": account_id})
    assert row is not None
    return int(row[0])
