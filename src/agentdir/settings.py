"""Typed settings, read once from the environment (and CLI flags layered on top).

No other module reads the environment: everything takes a `Settings`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping

from agentdir.ratelimit.policy import DEFAULT_LIMITS, Limit, parse_limit_overrides

__all__ = ["Settings", "SettingsError", "load_settings", "normalise_database_url"]

DEFAULT_DATABASE_FILE = "agentdir.sqlite3"
MAX_BODY_BYTES = 65_536


class SettingsError(ValueError):
    """A setting has a value agentdir cannot use."""


@dataclasses.dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = f"sqlite:///{DEFAULT_DATABASE_FILE}"
    redis_url: str | None = None
    redis_key_prefix: str = "agentdir:"
    database_pool_size: int = 10
    token_secret: str | None = dataclasses.field(default=None, repr=False)
    rate_limits: Mapping[str, Limit] = dataclasses.field(
        default_factory=lambda: dict(DEFAULT_LIMITS)
    )
    # Argon2id cost; the defaults are OWASP's minimum (m=19 MiB, t=2, p=1).
    argon2_time_cost: int = 2
    argon2_memory_kib: int = 19_456
    argon2_parallelism: int = 1
    hash_threads: int = dataclasses.field(default_factory=lambda: os.cpu_count() or 1)
    rate_limit_fail_open: bool = False
    log_level: str = "info"
    max_body_bytes: int = MAX_BODY_BYTES
    token_ttl_seconds: int = 3600

    @property
    def async_database_url(self) -> str:
        return normalise_database_url(self.database_url)

    @property
    def is_sqlite(self) -> bool:
        return self.async_database_url.startswith("sqlite")

    def with_overrides(self, **changes: object) -> Settings:
        present = {k: v for k, v in changes.items() if v is not None}
        return dataclasses.replace(self, **present)  # type: ignore[arg-type]


def normalise_database_url(url: str) -> str:
    """Map the user-facing URL schemes onto the async drivers agentdir ships."""
    for prefix in ("sqlite+aiosqlite://", "sqlite://"):
        if url.startswith(prefix):
            path = url.removeprefix(prefix).removeprefix("/").split("?")[0]
            if path in {"", ":memory:"}:
                # Each connection would get its own, empty, database.
                raise SettingsError(
                    "AGENTDIR_DATABASE_URL needs a SQLite file (sqlite:///PATH); "
                    "an in-memory database is not supported"
                )
            return "sqlite+aiosqlite://" + url.removeprefix(prefix)
    if url.startswith("postgresql+asyncpg://"):
        return url
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url.removeprefix(prefix)
    raise SettingsError(
        "AGENTDIR_DATABASE_URL must start with sqlite:/// or postgresql://"
    )


def _flag(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise SettingsError(f"{name} must be true or false")


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build settings from AGENTDIR_* variables; unset ones keep safe defaults."""
    env = os.environ if environ is None else environ
    base = Settings()
    database_url = env.get("AGENTDIR_DATABASE_URL") or base.database_url
    normalise_database_url(database_url)  # fail early on an unknown scheme
    limits = dict(DEFAULT_LIMITS)
    if env.get("AGENTDIR_RATE_LIMITS"):
        try:
            limits.update(parse_limit_overrides(env["AGENTDIR_RATE_LIMITS"]))
        except ValueError as exc:
            raise SettingsError(f"AGENTDIR_RATE_LIMITS: {exc}") from None
    hash_threads = base.hash_threads
    if env.get("AGENTDIR_HASH_THREADS"):
        try:
            hash_threads = int(env["AGENTDIR_HASH_THREADS"])
        except ValueError:
            raise SettingsError("AGENTDIR_HASH_THREADS must be a whole number") from None
        if hash_threads < 1:
            raise SettingsError("AGENTDIR_HASH_THREADS must be at least 1")
    return dataclasses.replace(
        base,
        database_url=database_url,
        redis_url=env.get("AGENTDIR_REDIS_URL") or None,
        redis_key_prefix=env.get("AGENTDIR_REDIS_PREFIX") or base.redis_key_prefix,
        token_secret=env.get("AGENTDIR_TOKEN_SECRET") or None,
        rate_limits=limits,
        hash_threads=hash_threads,
        rate_limit_fail_open=_flag(
            env.get("AGENTDIR_RATE_LIMIT_FAIL_OPEN", ""), "AGENTDIR_RATE_LIMIT_FAIL_OPEN"
        ),
        log_level=env.get("AGENTDIR_LOG_LEVEL", base.log_level),
    )

