"""Creating catalog entries: skills through the API (spec 9), and skills, groups and SIP
locations through the operator CLI (spec 10)."""

from __future__ import annotations

import dataclasses
from typing import Any

from agentdir.accounts import repository as accounts
from agentdir.agents import repository as agents
from agentdir.agents.audit import record_audit, record_changes
from agentdir.agents.models import Agent
from agentdir.agents.rules import MISSING
from agentdir.auth.service import Caller
from agentdir.catalog import repository
from agentdir.catalog.rules import (
    check_catalog_name,
    check_priority,
    check_record,
    check_skill_detail,
    check_skill_name,
)
from agentdir.clock import Clock
from agentdir.errors import FieldRejected, OperatorError, SkillAlreadyExists
from agentdir.storage.database import Database, UniqueViolation

__all__ = ["add_catalog_entry", "create_skill"]


def _agent_assignments(value: Any) -> list[tuple[str, str, int]]:
    """(error key prefix, agentId, priority) for each item of `agents`."""
    if value is MISSING or value is None:
        return []
    if not isinstance(value, list):
        raise FieldRejected("agents", "agents must be an array")
    items: list[tuple[str, str, int]] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        key = f"agents[{index}]"
        if not isinstance(item, dict):
            raise FieldRejected(key, "each item must be an object {agentId, priority}")
        agent_id = item.get("agentId", MISSING)
        if not isinstance(agent_id, str) or not agent_id.strip():
            raise FieldRejected(f"{key}.agentId", "agentId is required")
        if agent_id in seen:
            raise FieldRejected(f"{key}.agentId", f"agent {agent_id!r} is listed twice")
        seen.add(agent_id)
        priority = check_priority(f"{key}.priority", item.get("priority", MISSING))
        items.append((key, agent_id, priority))
    return items


async def create_skill(*, db: Database, clock: Clock, caller: Caller, body: dict[str, Any]) -> None:
    name = check_skill_name(body.get("skillName", MISSING))
    detail = check_skill_detail(body.get("skillDetail1", MISSING))
    record = check_record(body.get("record", MISSING))
    assignments = _agent_assignments(body.get("agents", MISSING))
    account_id = caller.account.id
    try:
        async with db.write() as conn:
            targets: list[tuple[Agent, int]] = []
            for key, agent_id, priority in assignments:
                agent = await agents.find_live_agent(conn, account_id, agent_id, lock=True)
                if agent is None:
                    raise FieldRejected(f"{key}.agentId", f"agent {agent_id!r} not found")
                targets.append((agent, priority))
            if await repository.existing_names(conn, "skill", account_id, [name]):
                raise SkillAlreadyExists()
            now = clock.now()
            await repository.insert_entry(
                conn, "skill", account_id, name, now, detail=detail, record=record
            )
            for agent, priority in targets:
                updated = dataclasses.replace(
                    agent,
                    skills={**agent.skills, name: priority},
                    version=agent.version + 1,
                    updated_at=now,
                )
                await agents.update_agent_row(conn, updated)
                await record_audit(
                    conn, agent=updated, action="update", actor=caller.actor, at=now,
                    changes=record_changes(agent, updated, password_changed=False),
                )
    except UniqueViolation:
        raise SkillAlreadyExists() from None


async def add_catalog_entry(
    *, db: Database, clock: Clock, user_name: str, kind: str, name: str
) -> None:
    """Operator: add a skill, group or SIP location to an account."""
    try:
        if kind == "skill":
            check_skill_name(name)
        else:
            check_catalog_name(kind, name)
    except FieldRejected as exc:
        raise OperatorError(exc.message) from None
    except ValueError as exc:
        raise OperatorError(str(exc)) from None
    try:
        async with db.write() as conn:
            account = await accounts.find_account(conn, user_name)
            if account is None:
                raise OperatorError(f"no account named {user_name!r}")
            if await repository.existing_names(conn, kind, account.id, [name]):
                raise OperatorError(f"{kind} {name!r} already exists in {user_name!r}")
            extra = {"record": check_record(MISSING)} if kind == "skill" else {}
            await repository.insert_entry(conn, kind, account.id, name, clock.now(), **extra)
    except UniqueViolation:
        raise OperatorError(f"{kind} {name!r} already exists in {user_name!r}") from None
