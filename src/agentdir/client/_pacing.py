"""Rate limits on the client side (sans-IO): retry budget and pacing.

Pacing keeps a batch under the server's limits so it never sees a 429. It trusts
the server's `RateLimit` headers when they are sent (agentdir sends them; they
also reveal raised limits) and otherwise counts its own requests against the
documented defaults over a rolling window.
"""

from __future__ import annotations

import collections
import dataclasses
import re
from collections.abc import Mapping

from agentdir.client._models import RateLimitState

__all__ = ["DEFAULT_LIMITS", "Pacer", "RetryPolicy", "parse_rate_limit", "retry_after"]

# Spec section 4: endpoint -> (requests, window seconds).
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "updateAgent": (5, 60),
    "createAgent": (5, 60),
    "deleteAgent": (5, 60),
    "AgentDetails": (10, 60),
    "skill": (10, 60),
    "generateToken": (10, 3600),
}


@dataclasses.dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long to keep retrying after 429 (and 503) answers.

    `max_retries` retries per call, and at most `max_wait` seconds of waiting in
    all for one call. A wait longer than what is left of the budget is not
    started: the error is raised at once.
    """

    max_retries: int = 5
    max_wait: float = 300.0


_PARAM = re.compile(r"\b([a-z]+)=(\d+)")


def _params(value: str | None) -> dict[str, int]:
    return {k: int(v) for k, v in _PARAM.findall(value or "")}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def parse_rate_limit(headers: Mapping[str, str]) -> RateLimitState | None:
    """Read `RateLimit`/`RateLimit-Policy` (or `X-RateLimit-*`) response headers."""
    state, policy = _params(headers.get("ratelimit")), _params(headers.get("ratelimit-policy"))
    remaining = state.get("r", _int(headers.get("x-ratelimit-remaining")))
    reset = state.get("t", _int(headers.get("x-ratelimit-reset")))
    if remaining is None or reset is None:
        return None
    limit = policy.get("q", _int(headers.get("x-ratelimit-limit")))
    return RateLimitState(limit=limit, window=policy.get("w"), remaining=remaining, reset=reset)


def retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


class Pacer:
    """Knows, per endpoint, how long to wait before the next request fits the limit."""

    def __init__(self, limits: Mapping[str, tuple[int, int]] | None = None) -> None:
        self.limits = dict(DEFAULT_LIMITS if limits is None else limits)
        self._sent: dict[str, collections.deque[float]] = collections.defaultdict(
            collections.deque)
        self._blocked_until: dict[str, float] = {}
        self._server_reports: set[str] = set()

    def window(self, endpoint: str) -> int:
        return self.limits.get(endpoint, (5, 60))[1]

    def delay(self, endpoint: str, now: float) -> float:
        """Seconds to wait before sending to `endpoint` (0 if it may go now)."""
        if endpoint in self._server_reports:
            return max(0.0, self._blocked_until.get(endpoint, 0.0) - now)
        if endpoint not in self.limits:
            return 0.0
        count, window = self.limits[endpoint]
        sent = self._sent[endpoint]
        while sent and sent[0] <= now - window:
            sent.popleft()
        return 0.0 if len(sent) < count else sent[0] + window - now

    def sent(self, endpoint: str, now: float) -> None:
        self._sent[endpoint].append(now)

    def observe(self, endpoint: str, state: RateLimitState | None, now: float,
                refused_for: float | None = None) -> None:
        """Learn from a response: its limit state, or a 429's Retry-After."""
        if refused_for is not None:
            self._blocked_until[endpoint] = now + refused_for
            self._server_reports.add(endpoint)
            return
        if state is None:
            return
        self._server_reports.add(endpoint)
        if state.limit is not None and state.window is not None:
            self.limits[endpoint] = (state.limit, state.window)
        if state.remaining <= 0:
            self._blocked_until[endpoint] = now + state.reset
        else:
            self._blocked_until.pop(endpoint, None)
