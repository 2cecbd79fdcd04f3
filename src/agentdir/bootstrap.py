"""Wiring: builds every service object from settings, in one place."""

from __future__ import annotations

import dataclasses

from agentdir.agents.passwords import PasswordHasher
from agentdir.auth.secret import load_token_secret
from agentdir.auth.tokens import TokenCodec
from agentdir.clock import Clock, SystemClock
from agentdir.ratelimit.limiter import RateLimiter
from agentdir.ratelimit.redis_store import RedisStore
from agentdir.ratelimit.store import MemoryStore, RateLimitStore
from agentdir.settings import Settings
from agentdir.storage.database import Database

__all__ = ["Services", "build_services", "make_hasher"]


@dataclasses.dataclass(slots=True)
class Services:
    settings: Settings
    clock: Clock
    db: Database
    tokens: TokenCodec
    limiter: RateLimiter
    hasher: PasswordHasher

    async def close(self) -> None:
        await self.limiter.close()
        self.hasher.close()
        await self.db.dispose()


def make_hasher(settings: Settings) -> PasswordHasher:
    return PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_kib=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
        threads=settings.hash_threads,
    )


def make_rate_limit_store(settings: Settings) -> RateLimitStore:
    """Redis when configured (shared by every worker and host), else this process's memory."""
    if settings.redis_url:
        return RedisStore.from_url(settings.redis_url, prefix=settings.redis_key_prefix)
    return MemoryStore()


async def build_services(
    settings: Settings,
    *,
    clock: Clock | None = None,
    db: Database | None = None,
    rate_limit_store: RateLimitStore | None = None,
) -> Services:
    clock = clock or SystemClock()
    db = db or Database.connect(settings.database_url, pool_size=settings.database_pool_size)
    secret = await load_token_secret(db, settings.token_secret)
    store = rate_limit_store or make_rate_limit_store(settings)
    return Services(
        settings=settings,
        clock=clock,
        db=db,
        tokens=TokenCodec(secret, clock, settings.token_ttl_seconds),
        limiter=RateLimiter(
            store, settings.rate_limits, clock, fail_open=settings.rate_limit_fail_open
        ),
        hasher=make_hasher(settings),
    )
