"""The account as the rest of the service sees it."""

from __future__ import annotations

import dataclasses
import enum

__all__ = ["Account", "AuthMode"]


class AuthMode(enum.StrEnum):
    BASIC = "BASIC_AUTH"
    TOKEN = "TOKEN_AUTH"  # noqa: S105 - a mode name, not a secret

    @classmethod
    def from_cli(cls, word: str) -> AuthMode:
        return {"basic": cls.BASIC, "token": cls.TOKEN}[word.lower()]


@dataclasses.dataclass(frozen=True, slots=True)
class Account:
    id: int
    user_name: str
    api_key_hash: str = dataclasses.field(repr=False)
    auth_mode: AuthMode
    token_generation: int
