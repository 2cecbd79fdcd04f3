"""SQL for accounts."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from agentdir.accounts.models import Account, AuthMode
from agentdir.storage.database import Connection
from agentdir.storage.schema import account_table as t
from agentdir.storage.text import storable

__all__ = ["bump_token_generation", "find_account", "insert_account", "update_account"]

_FIND = sa.select(
    t.c.id, t.c.user_name, t.c.api_key_hash, t.c.auth_mode, t.c.token_generation
).where(t.c.user_name == sa.bindparam("b_user"))


def _account(row: Any) -> Account:
    return Account(
        id=row.id,
        user_name=row.user_name,
        api_key_hash=row.api_key_hash,
        auth_mode=AuthMode(row.auth_mode),
        token_generation=row.token_generation,
    )


async def find_account(conn: Connection, user_name: str) -> Account | None:
    if not storable(user_name):
        return None
    row = (await conn.execute(_FIND, {"b_user": user_name})).first()
    return None if row is None else _account(row)


async def insert_account(
    conn: Connection, *, user_name: str, api_key_hash: str, auth_mode: AuthMode, now: float
) -> Account:
    result = await conn.execute(
        t.insert()
        .values(
            user_name=user_name,
            api_key_hash=api_key_hash,
            auth_mode=auth_mode.value,
            token_generation=0,
            created_at=now,
        )
        .returning(t.c.id)
    )
    return Account(
        id=result.scalar_one(),
        user_name=user_name,
        api_key_hash=api_key_hash,
        auth_mode=auth_mode,
        token_generation=0,
    )


async def update_account(conn: Connection, account_id: int, **values: Any) -> None:
    await conn.execute(t.update().where(t.c.id == account_id).values(**values))


async def bump_token_generation(conn: Connection, account_id: int) -> int:
    """Increment and return the account's token generation, atomically."""
    result = await conn.execute(
        t.update()
        .where(t.c.id == account_id)
        .values(token_generation=t.c.token_generation + 1)
        .returning(t.c.token_generation)
    )
    return int(result.scalar_one())
