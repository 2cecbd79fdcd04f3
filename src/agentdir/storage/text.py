"""What text the databases can hold.

PostgreSQL text cannot contain NUL characters (asyncpg raises on them), while
JSON strings can. A NUL-bearing name therefore names nothing that exists:
lookups answer "not found" instead of sending it to the database.
"""

from __future__ import annotations

__all__ = ["storable"]


def storable(value: str) -> bool:
    return "\x00" not in value
