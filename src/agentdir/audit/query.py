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
from agentdir.storage.sql import query

__all__ = ["AuditEntry", "list_audit", "parse_since"]

_RELATIVE = re.compile(r"^(\d+)\s*([smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# Optional filters as "IS NULL OR": one precompiled statement for every combination.
_AGENT = sa.bindparam("b_agent", type_=t.c.agent_id.type)
_SINCE = sa.bindparam("b_since", type_=t.c.at.type)
_LIST = query(
    sa.select(t.c.at, t.c.agent_id, t.c.action, t.c.actor, t.c.changes)
    .where(t.c.account_id == sa.bindparam("b_account"),
           sa.or_(_AGENT.is_(None), t.c.agent_id == _AGENT),
           sa.or_(_SINCE.is_(None), t.c.at >= _SINCE))
    .order_by(t.c.at, t.c.id)
)


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
        rows = await conn.fetchall(
            _LIST, {"b_account": account.id, "b_agent": agent_id, "b_since": since})
    return [AuditEntry(at, agent, action, actor, dict(changes))
            for at, agent, action, actor, changes in rows]
