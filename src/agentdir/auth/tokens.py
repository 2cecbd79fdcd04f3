"""HS512 JWTs with a per-account generation: issuing a token supersedes all older ones."""

from __future__ import annotations

import dataclasses
from typing import Any

import jwt

from agentdir.clock import Clock
from agentdir.errors import InvalidToken, TokenExpired

__all__ = ["TokenClaims", "TokenCodec"]

ALGORITHM = "HS512"


@dataclasses.dataclass(frozen=True, slots=True)
class TokenClaims:
    user_name: str
    generation: int
    issued_at: int
    expires_at: int


class TokenCodec:
    def __init__(self, secret: bytes, clock: Clock, ttl_seconds: int = 3600) -> None:
        self._secret = secret
        self._clock = clock
        self.ttl_seconds = ttl_seconds

    def issue(self, user_name: str, generation: int) -> str:
        issued_at = int(self._clock.now())
        claims = {
            "sub": user_name,
            "iat": issued_at,
            "exp": issued_at + self.ttl_seconds,
            "gen": generation,
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def verify(self, token: str, *, user_name: str, generation: int) -> TokenClaims:
        """Raise TokenExpired (A5) or InvalidToken (A6); return the claims otherwise.

        Expiry is checked against the injected clock, after the signature: PyJWT's
        own exp check would read the system time.
        """
        try:
            payload: dict[str, Any] = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                options={
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                    "require": ["sub", "iat", "exp", "gen"],
                },
            )
        except jwt.PyJWTError:
            raise InvalidToken() from None
        expires_at, issued_at, gen = payload["exp"], payload["iat"], payload["gen"]
        if not all(isinstance(v, int) and not isinstance(v, bool)
                   for v in (expires_at, issued_at, gen)):
            raise InvalidToken()
        if self._clock.now() >= expires_at:
            raise TokenExpired()
        if payload["sub"] != user_name or gen != generation:
            raise InvalidToken()
        return TokenClaims(user_name, gen, issued_at, expires_at)
