"""The authentication steps A3-A6 (spec 2.1) and generateToken (spec 3)."""

from __future__ import annotations

import dataclasses
from typing import Any

from agentdir.accounts import repository as accounts
from agentdir.accounts.keys import api_key_matches
from agentdir.accounts.models import Account, AuthMode
from agentdir.agents.rules import MISSING, is_blank
from agentdir.auth.tokens import TokenCodec
from agentdir.errors import InvalidUserDetails, TokenMissing, UserNameMissing
from agentdir.storage.database import Database

__all__ = ["Caller", "authenticate", "bearer_token", "issue_token", "verify_credentials"]


_NO_ACCOUNT_HASH = "0" * 64


@dataclasses.dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: the account and the credential that proved it (for the audit)."""

    account: Account
    actor: str


def bearer_token(authorization: str | None) -> str | None:
    """The token of `Authorization: Bearer <token>`; None when missing or empty (A4).

    A header with another scheme is returned whole, so it fails as Invalid Token (A6).
    """
    if authorization is None or not authorization.strip():
        return None
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return authorization
    return value.strip() or None


async def verify_credentials(db: Database, user_name: Any, api_key: str) -> Account:
    """A3: the userName names an account and the apiKey is that account's."""
    if user_name is MISSING or is_blank(user_name):
        raise UserNameMissing()
    if not isinstance(user_name, str):
        raise InvalidUserDetails()
    async with db.lookup() as conn:
        account = await accounts.find_account(conn, user_name)
    # Hash the key even for an unknown userName, so timing does not tell which it was.
    stored_hash = account.api_key_hash if account is not None else _NO_ACCOUNT_HASH
    if not api_key_matches(api_key, stored_hash) or account is None:
        raise InvalidUserDetails()
    return account


async def authenticate(
    db: Database,
    codec: TokenCodec,
    *,
    user_name: Any,
    api_key: str,
    authorization: str | None,
) -> Caller:
    """Steps A3-A6. The account row is read on every request, so a new token or a
    rotated apiKey takes effect at once on every worker."""
    account = await verify_credentials(db, user_name, api_key)
    if account.auth_mode is not AuthMode.TOKEN:
        return Caller(account, "apiKey")
    token = bearer_token(authorization)
    if token is None:
        raise TokenMissing()
    codec.verify(token, user_name=account.user_name, generation=account.token_generation)
    return Caller(account, f"token:{account.token_generation}")


async def issue_token(db: Database, codec: TokenCodec, account: Account) -> str:
    """A new token; bumping the generation revokes every older token of the account."""
    async with db.write() as conn:
        generation = await accounts.bump_token_generation(conn, account.id)
    return codec.issue(account.user_name, generation)
