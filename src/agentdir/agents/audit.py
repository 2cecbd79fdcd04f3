"""Audit entries: which fields an action changed, old and new; passwords only as "changed"."""

from __future__ import annotations

from typing import Any

from agentdir.agents.models import Agent, record_fields
from agentdir.agents.repository import insert_audit
from agentdir.storage.database import Connection

__all__ = ["record_audit", "record_changes"]

def record_changes(old: Agent | None, new: Agent, *, password_changed: bool) -> dict[str, Any]:
    """{field: {"old": ..., "new": ...}} for every record field that differs."""
    before = record_fields(old) if old is not None else {}
    after = record_fields(new)
    changes: dict[str, Any] = {}
    for field, value in after.items():
        previous = before.get(field)
        if old is not None and isinstance(value, dict) and isinstance(previous, dict):
            # modes and callControls: one entry per switch that changed.
            for key in value.keys() | previous.keys():
                if value.get(key) != previous.get(key):
                    changes[f"{field}.{key}"] = {"old": previous.get(key), "new": value.get(key)}
        elif old is None or previous != value:
            changes[field] = {"old": previous, "new": value}
    if password_changed:
        changes["password"] = "changed"  # noqa: S105 - the audit never holds the value
    return changes


async def record_audit(
    conn: Connection,
    *,
    agent: Agent,
    action: str,
    actor: str,
    at: float,
    changes: dict[str, Any],
) -> None:
    await insert_audit(
        conn,
        at=at,
        account_id=agent.account_id,
        agent_pk=agent.pk,
        agent_id=agent.agent_id,
        action=action,
        actor=actor,
        changes=changes,
    )
