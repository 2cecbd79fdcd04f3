"""updateAgent (spec 5): checks 8-25 in the spec's order, then one guarded write.

Optimistic: the checks run on the agent as read, without a lock, and the write
only applies if the row is still at the version that was read (one statement on
PostgreSQL: UPDATE ... WHERE version = n and the audit INSERT together). If another
writer got there first, the checks run again on the new row. After
OPTIMISTIC_ATTEMPTS lost races the request takes the row lock instead, so a hot
agent cannot starve a writer.

A password is hashed once, before the first write attempt and outside any
transaction (Argon2id takes tens of milliseconds), and only after the checks
have passed, so a bad request never costs a hash.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from agentdir.agents import repository
from agentdir.agents.audit import record_changes
from agentdir.agents.checks import (
    Edits,
    apply_edits,
    check_fields_15_to_24,
    check_name,
    check_password,
    is_given,
)
from agentdir.agents.models import Agent
from agentdir.agents.passwords import PasswordHasher
from agentdir.agents.rules import MISSING, is_blank, is_valid_agent_id
from agentdir.auth.service import Caller
from agentdir.clock import Clock
from agentdir.contract import AGENT_ID_RULE
from agentdir.errors import (
    AgentAlreadyExists,
    AgentNameRequired,
    AgentNotFound,
    FieldRejected,
    PreconditionFailed,
)
from agentdir.storage.database import Connection, Database, UniqueViolation

__all__ = ["OPTIMISTIC_ATTEMPTS", "etag", "if_match_allows", "update_agent"]

OPTIMISTIC_ATTEMPTS = 3


def etag(version: int) -> str:
    return f'"{version}"'


def if_match_allows(header: str, version: int) -> bool:
    """RFC 9110 If-Match with strong comparison: `*` or a list holding `"<version>"`."""
    value = header.strip()
    if value == "*":
        return True
    return any(tag.strip() == etag(version) for tag in value.split(","))


async def _check(
    conn: Connection, caller: Caller, body: dict[str, Any], if_match: str | None,
    *, lock: bool,
) -> tuple[Agent, Edits]:
    account_id = caller.account.id
    agent_id = body.get("agentId", MISSING)  # 8
    if not isinstance(agent_id, str) or is_blank(agent_id):
        raise AgentNotFound()
    agent = await repository.find_live_agent(conn, account_id, agent_id, lock=lock)
    if agent is None:
        raise AgentNotFound()
    edits = Edits()

    new_id = body.get("agentIdNew", MISSING)
    if is_given(new_id):
        if not is_valid_agent_id(new_id):  # 9
            raise FieldRejected("agentIdNew", AGENT_ID_RULE)
        if new_id != agent.agent_id:
            if await repository.find_live_agent(conn, account_id, new_id) is not None:  # 10
                raise AgentAlreadyExists()
            edits.agent_id = new_id

    names = {f: body.get(f, MISSING) for f in ("agentName", "agentNameNew")}
    if any(v is not MISSING and is_blank(v) for v in names.values()):  # 11
        raise AgentNameRequired()
    for field, value in names.items():  # 12
        if value is not MISSING:
            check_name(field, value)
    new_name = names["agentNameNew"] if names["agentNameNew"] is not MISSING else names["agentName"]
    if new_name is not MISSING:
        edits.agent_name = new_name

    edits.password = check_password(body.get("password", MISSING), required=False)  # 13-14
    await check_fields_15_to_24(conn, account_id, body, edits)  # 15-24

    if if_match is not None and not if_match_allows(if_match, agent.version):  # 25
        raise PreconditionFailed()
    return agent, edits


async def update_agent(
    *,
    db: Database,
    hasher: PasswordHasher,
    clock: Clock,
    caller: Caller,
    body: dict[str, Any],
    if_match: str | None,
) -> Agent:
    """Apply one updateAgent request; returns the agent as stored afterwards."""
    password_hash: str | None = None
    for _ in range(OPTIMISTIC_ATTEMPTS):
        async with db.lookup() as conn:
            agent, edits = await _check(conn, caller, body, if_match, lock=False)
        if edits.password is not None and password_hash is None:
            password_hash = await hasher.hash(edits.password)
        updated, changes = _apply(agent, edits, password_hash, clock.now())
        async with _unique_agent_id(), db.single_write() as conn:
            if await repository.save_update(conn, agent, updated, actor=caller.actor,
                                            at=updated.updated_at, changes=changes):
                return updated
    # Every attempt lost a race for this agent: queue on its row lock instead.
    async with _unique_agent_id(), db.write() as conn:
        agent, edits = await _check(conn, caller, body, if_match, lock=True)
        updated, changes = _apply(agent, edits, password_hash, clock.now())
        saved = await repository.save_update(conn, agent, updated, actor=caller.actor,
                                             at=updated.updated_at, changes=changes)
        if not saved:  # the row is locked: its version cannot have moved
            raise RuntimeError(f"agent row {agent.pk} changed under its lock")
    return updated


def _apply(
    agent: Agent, edits: Edits, password_hash: str | None, now: float
) -> tuple[Agent, dict[str, Any]]:
    updated = apply_edits(agent, edits, password_hash=password_hash, now=now)
    return updated, record_changes(agent, updated, password_changed=password_hash is not None)


@asynccontextmanager
async def _unique_agent_id() -> AsyncIterator[None]:
    try:
        yield
    except UniqueViolation:
        # A concurrent createAgent or rename took agentIdNew between check 10 and the write.
        raise AgentAlreadyExists() from None
