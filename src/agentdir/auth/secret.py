"""The deployment's token-signing secret (spec 3): configured, or generated once and
kept in the database so every worker and every restart signs with the same key."""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from agentdir.errors import OperatorError
from agentdir.storage.database import Database, UniqueViolation
from agentdir.storage.schema import deployment_setting_table as t
from agentdir.storage.sql import query

__all__ = ["MIN_SECRET_BYTES", "load_token_secret"]

MIN_SECRET_BYTES = 64  # RFC 7518 3.2: an HS512 key at least as long as the hash
_NAME = "token_secret"
_READ = query(sa.select(t.c.value).where(t.c.name == sa.bindparam("b_name")))
_STORE = query(t.insert().values(name=sa.bindparam("b_name", type_=t.c.name.type),
                                 value=sa.bindparam("b_value", type_=t.c.value.type)))


async def load_token_secret(db: Database, configured: str | None) -> bytes:
    if configured is not None:
        key = configured.encode("utf-8")
        if len(key) < MIN_SECRET_BYTES:
            raise OperatorError(
                f"AGENTDIR_TOKEN_SECRET must be at least {MIN_SECRET_BYTES} bytes long"
            )
        return key
    async with db.read() as conn:
        stored = await conn.fetchrow(_READ, {"b_name": _NAME})
    if stored is not None:
        return str(stored[0]).encode("utf-8")
    try:
        async with db.write() as conn:
            await conn.run(_STORE, {"b_name": _NAME, "b_value": secrets.token_urlsafe(64)})
    except UniqueViolation:
        pass  # another worker stored one first; use theirs
    async with db.read() as conn:
        stored = await conn.fetchrow(_READ, {"b_name": _NAME})
    assert stored is not None
    return str(stored[0]).encode("utf-8")
