"""Rate-limit policies: which endpoint allows how many requests per window."""

from __future__ import annotations

import dataclasses
import re

__all__ = ["DEFAULT_LIMITS", "ENDPOINTS", "Limit", "parse_limit_overrides"]


@dataclasses.dataclass(frozen=True, slots=True)
class Limit:
    requests: int
    window_seconds: int

    def __str__(self) -> str:
        return f"{self.requests}/{self.window_seconds}"


# Spec section 4: per account and per endpoint, over a rolling window.
DEFAULT_LIMITS: dict[str, Limit] = {
    "updateAgent": Limit(5, 60),
    "createAgent": Limit(5, 60),
    "deleteAgent": Limit(5, 60),
    "AgentDetails": Limit(10, 60),
    "skill": Limit(10, 60),
    "generateToken": Limit(10, 3600),
}
ENDPOINTS = tuple(DEFAULT_LIMITS)

_ITEM = re.compile(r"^\s*([A-Za-z]+)\s*=\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_limit_overrides(text: str) -> dict[str, Limit]:
    """Parse `updateAgent=5/60,AgentDetails=10/60` into limits.

    Raises ValueError naming the bad item; unknown endpoints are errors, not
    silently ignored, so a typo cannot leave a limit at its default.
    """
    limits: dict[str, Limit] = {}
    for item in text.split(","):
        if not item.strip():
            continue
        match = _ITEM.match(item)
        if match is None:
            raise ValueError(f"cannot read {item.strip()!r}; expected ENDPOINT=COUNT/SECONDS")
        endpoint, count, window = match.group(1), int(match.group(2)), int(match.group(3))
        if endpoint not in DEFAULT_LIMITS:
            raise ValueError(f"unknown endpoint {endpoint!r}; known: {', '.join(ENDPOINTS)}")
        if count < 1 or window < 1:
            raise ValueError(f"{endpoint}: count and window must be at least 1")
        limits[endpoint] = Limit(count, window)
    return limits
