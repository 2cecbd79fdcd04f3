"""The Redis rate-limit store: exact across every worker and host of a deployment.

Each check is one round trip: a Lua script that drops the hits that left the
window, counts the rest, and records the new hit only if it is accepted, all
atomically inside Redis. Hits are kept in a sorted set per (account, endpoint),
scored by time.

Times come from the workers' injected clock, so hosts must keep their clocks in
sync (NTP); a skew of a few milliseconds moves a window edge by as much.
"""

from __future__ import annotations

import secrets
from typing import Any

import redis.asyncio as redis
from redis.exceptions import RedisError

from agentdir.errors import ServiceUnavailable
from agentdir.ratelimit.policy import Limit
from agentdir.ratelimit.window import Decision, decide

__all__ = ["RedisStore"]

# Returns {accepted (0/1), live hits before this request as strings of their scores...}.
# Scores go back as strings: Lua numbers would be truncated to integers on the way out.
_ACQUIRE = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local live = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
local count = #live / 2
local accepted = 0
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  accepted = 1
end
redis.call('PEXPIRE', key, math.ceil(window * 1000) + 1000)
local out = {accepted}
for i = 2, #live, 2 do
  out[#out + 1] = live[i]
end
return out
"""


class RedisStore:
    def __init__(self, client: redis.Redis, *, prefix: str = "agentdir:") -> None:
        self._client = client
        self._prefix = prefix
        self._script = client.register_script(_ACQUIRE)

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "agentdir:") -> RedisStore:
        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=1.0,
            socket_timeout=1.0,
            health_check_interval=10,
            retry_on_timeout=False,
        )
        return cls(client, prefix=prefix)

    async def acquire(self, key: str, endpoint: str, limit: Limit, now: float) -> Decision:
        member = f"{now!r}:{secrets.token_hex(6)}"
        try:
            reply: list[Any] = await self._script(
                keys=[self._prefix + key],
                args=[repr(now), limit.window_seconds, limit.requests, member],
            )
        except (RedisError, OSError) as exc:
            raise ServiceUnavailable("rate-limit store") from exc
        # Redis decided atomically; `decide` applies the same rule to the same numbers
        # (scores round-trip exactly as strings) to compute the headers.
        live = sorted(float(score) for score in reply[1:])
        return decide(endpoint, limit, live, now)

    async def ping(self) -> None:
        try:
            await self._client.ping()
        except (RedisError, OSError) as exc:
            raise ServiceUnavailable("rate-limit store") from exc

    async def close(self) -> None:
        await self._client.aclose()
