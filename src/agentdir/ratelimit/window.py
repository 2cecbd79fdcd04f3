"""The rolling-window rule, as pure arithmetic shared by every store.

A request at time `now` is accepted iff fewer than `limit.requests` accepted
requests lie in the window (now - w, now]. Equivalently: no half-open window
[s, s + w) ever holds more than `limit.requests` accepted requests.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

from agentdir.ratelimit.policy import Limit

__all__ = ["Decision", "decide", "decide_from_counts", "live_hits"]


@dataclasses.dataclass(frozen=True, slots=True)
class Decision:
    endpoint: str
    limit: Limit
    allowed: bool
    remaining: int
    reset_after: int  # whole seconds until the oldest counted request leaves the window

    @property
    def retry_after(self) -> int:
        return max(1, self.reset_after)


def _ceil_seconds(seconds: float) -> int:
    # Round up, but do not turn 60.000000001 (float noise) into 61.
    return max(0, math.ceil(round(seconds, 6)))


def live_hits(hits: Sequence[float], now: float, window: float) -> Sequence[float]:
    """The accepted times still inside the window (now - window, now]; `hits` ascending."""
    start = now - window
    first = 0
    while first < len(hits) and hits[first] <= start:
        first += 1
    return hits[first:]


def decide(endpoint: str, limit: Limit, live: Sequence[float], now: float) -> Decision:
    """Decide on a request given the accepted times already inside its window."""
    count = len(live)
    return decide_from_counts(
        endpoint,
        limit,
        count=count,
        oldest=live[0] if count else None,
        blocking=live[count - limit.requests] if count >= limit.requests else None,
        now=now,
    )


def decide_from_counts(
    endpoint: str,
    limit: Limit,
    *,
    count: int,
    oldest: float | None,
    blocking: float | None,
    now: float,
) -> Decision:
    """The same decision from three numbers, so a store never ships the whole window:
    `count` live hits, the `oldest` of them, and the hit `limit.requests` places
    from the newest (`blocking`, needed only when the window is full)."""
    window = limit.window_seconds
    if count < limit.requests:
        return Decision(
            endpoint=endpoint,
            limit=limit,
            allowed=True,
            remaining=limit.requests - count - 1,
            reset_after=_ceil_seconds((oldest if oldest is not None else now) + window - now),
        )
    # The request is refused; a slot frees when the hit `requests`-th from the
    # newest leaves the window.
    assert blocking is not None
    return Decision(
        endpoint=endpoint,
        limit=limit,
        allowed=False,
        remaining=0,
        reset_after=max(1, _ceil_seconds(blocking + window - now)),
    )
