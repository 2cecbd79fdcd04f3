"""Operator actions on accounts (used by the CLI and the demo seed)."""

from __future__ import annotations

import re

from agentdir.accounts import repository
from agentdir.accounts.keys import hash_api_key, new_api_key
from agentdir.accounts.models import Account, AuthMode
from agentdir.clock import Clock
from agentdir.errors import OperatorError
from agentdir.storage.database import Database, UniqueViolation

__all__ = ["create_account", "rotate_api_key", "set_auth_mode"]

_USER_NAME = re.compile(r"[A-Za-z0-9.@_-]{2,100}\Z")


async def create_account(
    db: Database, *, user_name: str, auth_mode: AuthMode, clock: Clock
) -> tuple[Account, str]:
    """Create an account; returns it with its apiKey, which is never retrievable again."""
    if not _USER_NAME.match(user_name):
        raise OperatorError(
            "a userName is 2-100 characters of letters, digits and . @ _ -"
        )
    api_key = new_api_key()
    try:
        async with db.write() as conn:
            if await repository.find_account(conn, user_name) is not None:
                raise OperatorError(f"account {user_name!r} already exists")
            account = await repository.insert_account(
                conn,
                user_name=user_name,
                api_key_hash=hash_api_key(api_key),
                auth_mode=auth_mode,
                now=clock.now(),
            )
    except UniqueViolation:
        raise OperatorError(f"account {user_name!r} already exists") from None
    return account, api_key


async def rotate_api_key(db: Database, *, user_name: str) -> tuple[Account, str]:
    """Replace the apiKey; the old one stops working with the next request anywhere."""
    api_key = new_api_key()
    async with db.write() as conn:
        account = await repository.find_account(conn, user_name)
        if account is None:
            raise OperatorError(f"no account named {user_name!r}")
        await repository.set_api_key_hash(conn, account.id, hash_api_key(api_key))
    return account, api_key


async def set_auth_mode(db: Database, *, user_name: str, auth_mode: AuthMode) -> Account:
    async with db.write() as conn:
        account = await repository.find_account(conn, user_name)
        if account is None:
            raise OperatorError(f"no account named {user_name!r}")
        await repository.set_auth_mode(conn, account.id, auth_mode)
    return account
