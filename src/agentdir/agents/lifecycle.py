"""createAgent (spec 6) and deleteAgent (spec 7)."""

from __future__ import annotations

import dataclasses
from typing import Any

from agentdir.agents import repository
from agentdir.agents.audit import record_audit, record_changes
from agentdir.agents.checks import (
    Edits,
    apply_edits,
    check_fields_15_to_24,
    check_name,
    check_password,
)
from agentdir.agents.models import Agent, default_modes
from agentdir.agents.passwords import PasswordHasher
from agentdir.agents.rules import MISSING, is_blank, is_valid_agent_id
from agentdir.auth.service import Caller
from agentdir.clock import Clock, utc_iso
from agentdir.contract import AGENT_ID_RULE
from agentdir.errors import (
    AgentAlreadyExists,
    AgentIdRequired,
    AgentNameRequired,
    DeleteAlreadyDeleted,
    DeleteUnknownAgent,
    FieldRejected,
)
from agentdir.storage.database import Connection, Database, UniqueViolation

__all__ = ["create_agent", "delete_agent"]


async def _check_create(conn: Connection, caller: Caller, body: dict[str, Any]) -> Edits:
    account_id = caller.account.id
    agent_id = body.get("agentId", MISSING)
    if agent_id is MISSING or is_blank(agent_id):  # 8
        raise AgentIdRequired()
    if not is_valid_agent_id(agent_id):  # 9
        raise FieldRejected("agentId", AGENT_ID_RULE)
    if await repository.find_live_agent(conn, account_id, agent_id) is not None:  # 10
        raise AgentAlreadyExists()
    name = body.get("agentName", MISSING)
    if name is MISSING or is_blank(name):  # 11
        raise AgentNameRequired()
    check_name("agentName", name)  # 12
    edits = Edits(agent_id=agent_id, agent_name=name)
    edits.password = check_password(body.get("password", MISSING), required=True)  # 13-14
    await check_fields_15_to_24(conn, account_id, body, edits)  # 15-24
    return edits


async def create_agent(
    *,
    db: Database,
    hasher: PasswordHasher,
    clock: Clock,
    caller: Caller,
    body: dict[str, Any],
) -> Agent:
    async with db.read() as conn:
        edits = await _check_create(conn, caller, body)
    assert edits.password is not None
    password_hash = await hasher.hash(edits.password)
    try:
        async with db.write() as conn:
            edits = await _check_create(conn, caller, body)
            now = clock.now()
            assert edits.agent_id is not None
            assert edits.agent_name is not None
            assert edits.email is not None
            blank = Agent(
                pk=0,
                account_id=caller.account.id,
                agent_id=edits.agent_id,
                agent_name=edits.agent_name,
                email=edits.email,
                password_hash=password_hash,
                agent_data=None,
                sip_location=None,
                screen_recording=False,
                auto_answer=None,
                locked=False,
                modes=default_modes(),
                call_controls={},
                skills={},
                groups=[],
                version=0,
                created_at=now,
                updated_at=now,
            )
            # apply_edits counts one version: a new agent starts at 1.
            agent = apply_edits(blank, edits, password_hash=password_hash, now=now)
            pk = await repository.insert_agent(conn, agent)
            agent = _with_pk(agent, pk)
            await record_audit(
                conn, agent=agent, action="create", actor=caller.actor, at=now,
                changes=record_changes(None, agent, password_changed=True),
            )
    except UniqueViolation:
        raise AgentAlreadyExists() from None  # a concurrent create of the same ID won
    return agent


def _with_pk(agent: Agent, pk: int) -> Agent:
    return dataclasses.replace(agent, pk=pk)


async def delete_agent(*, db: Database, clock: Clock, caller: Caller, body: dict[str, Any]) -> str:
    """Soft-delete; returns the agentId deleted."""
    account_id = caller.account.id
    agent_id = body.get("agentId", MISSING)
    if not isinstance(agent_id, str) or is_blank(agent_id):  # 8
        raise DeleteUnknownAgent()
    async with db.write() as conn:
        agent = await repository.find_live_agent(conn, account_id, agent_id, lock=True)
        if agent is None:
            if await repository.any_agent_with_id(conn, account_id, agent_id):  # 9
                raise DeleteAlreadyDeleted()
            raise DeleteUnknownAgent()  # 8
        now = clock.now()
        await repository.soft_delete_agent(conn, agent.pk, now)
        await record_audit(
            conn, agent=agent, action="delete", actor=caller.actor, at=now,
            changes={"deletedAt": {"old": None, "new": utc_iso(now)}},
        )
    return agent_id
