"""Token bookkeeping for TOKEN_AUTH accounts (sans-IO).

Generate on first use, reuse until shortly before expiry, and never exceed the
server's budget of 10 generations in a rolling hour (spec section 3): a
generation refused by that budget would lock the account out for up to an hour.
"""

from __future__ import annotations

import base64
import binascii
import collections
import json

from agentdir.client._errors import TokenBudgetExhausted
from agentdir.client._models import Token

__all__ = ["TOKEN_BUDGET", "TokenKeeper", "token_expiry"]

TOKEN_BUDGET = (10, 3600.0)  # generations per window (seconds)
DEFAULT_LIFETIME = 3600.0


def token_expiry(token: str, *, issued_at: float) -> float:
    """The `exp` claim of a JWT (read, not verified); `issued_at` + 1 h if absent."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return float(claims["exp"])
    except (IndexError, ValueError, KeyError, TypeError, binascii.Error):
        return issued_at + DEFAULT_LIFETIME


class TokenKeeper:
    """Holds the current token and the history of generations."""

    def __init__(self, *, refresh_margin: float = 60.0, token: str | None = None,
                 now: float = 0.0) -> None:
        self.refresh_margin = refresh_margin
        self.current: Token | None = None
        self._generations: collections.deque[float] = collections.deque()
        if token is not None:
            self.current = Token(token, token_expiry(token, issued_at=now))

    def usable(self, now: float) -> str | None:
        """The current token if it is still good for `refresh_margin` seconds."""
        if self.current is not None and now < self.current.expires_at - self.refresh_margin:
            return self.current.token
        return None

    def generations_in_window(self, now: float) -> int:
        window = TOKEN_BUDGET[1]
        while self._generations and self._generations[0] <= now - window:
            self._generations.popleft()
        return len(self._generations)

    def claim_generation(self, now: float) -> None:
        """Count one generation, or raise TokenBudgetExhausted if the budget is spent."""
        limit, window = TOKEN_BUDGET
        if self.generations_in_window(now) >= limit:
            raise TokenBudgetExhausted(self._generations[0] + window - now)
        self._generations.append(now)

    def store(self, token: str, now: float) -> Token:
        self.current = Token(token, token_expiry(token, issued_at=now))
        return self.current

    def discard(self) -> None:
        self.current = None
