"""The deployment's token-signing secret (spec 3): configured, or generated once and
kept in the database so every worker and every restart signs with the same key."""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from agentdir.errors import OperatorError
from agentdir.storage.database import Database
from agentdir.storage.schema import deployment_setting_table as t

__all__ = ["MIN_SECRET_BYTES", "load_token_secret"]

MIN_SECRET_BYTES = 64  # RFC 7518 3.2: an HS512 key at least as long as the hash
_NAME = "token_secret"


async def load_token_secret(db: Database, configured: str | None) -> bytes:
    if configured is not None:
        key = configured.encode("utf-8")
        if len(key) < MIN_SECRET_BYTES:
            raise OperatorError(
                f"AGENTDIR_TOKEN_SECRET must be at least {MIN_SECRET_BYTES} bytes long"
            )
        return key
    select = sa.select(t.c.value).where(t.c.name == _NAME)
    async with db.read() as conn:
        stored = (await conn.execute(select)).scalar_one_or_none()
    if stored is not None:
        return str(stored).encode("utf-8")
    try:
        async with db.write() as conn:
            await conn.execute(t.insert().values(name=_NAME, value=secrets.token_urlsafe(64)))
    except sa.exc.IntegrityError:
        pass  # another worker stored one first; use theirs
    async with db.read() as conn:
        return str((await conn.execute(select)).scalar_one()).encode("utf-8")
