"""Queries over the audit trail."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import sqlalchemy as sa

from agentdir.accounts import repository as accounts
from agentdir.errors import OperatorError
from agentdir.storage.database import Database
from agentdir.storage.schema import audit_table as t

__all__ = ["AuditEntry", "list_audit", "parse_since"]

_RELATIVE = re.compile(r"^(\d+)\s*([smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclasses.dataclass(frozen=True, slots=True)
class AuditEntry:
    at: float
    agent_id: str
    action: str
    actor: str
    changes: dict[str, Any]


def parse_since(text: str, now: float) -> float:
    """`2026-12-04T10:00:00Z`, `2026-12-04`, or a relative `90m` / `2h` / `7d` ago."""
    match = _RELATIVE.match(text.strip())
    if match:
        return now - int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    try:
        when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise OperatorError(
            f"cannot read --since {text!r}; use an ISO time (2026-12-04T10:00:00Z) or 2h, 7d"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.timestamp()


async def list_audit(
    db: Database, *, user_name: str, agent_id: str | None = None, since: float | None = None
) -> list[AuditEntry]:
    async with db.read() as conn:
        account = await accounts.find_account(conn, user_name)
        if account is None:
            raise OperatorError(f"no account named {user_name!r}")
        query = sa.select(t.c.at, t.c.agent_id, t.c.action, t.c.actor, t.c.changes).where(
            t.c.account_id == account.id
        )
        if agent_id is not None:
            query = query.where(t.c.agent_id == agent_id)
        if since is not None:
            query = query.where(t.c.at >= since)
        rows = (await conn.execute(query.order_by(t.c.at, t.c.id))).all()
    return [AuditEntry(r.at, r.agent_id, r.action, r.actor, dict(r.changes)) for r in rows]
