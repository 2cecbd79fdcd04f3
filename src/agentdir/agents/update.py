"""updateAgent (spec 5): checks 8-25 in the spec's order, then one transaction.

A password change is hashed outside the transaction (Argon2id takes tens of
milliseconds and must not hold the agent's lock): the checks run once
without the lock to refuse bad requests before hashing, then again under the
lock, which is what decides.
"""

from __future__ import annotations

from typing import Any

from agentdir.agents import repository
from agentdir.agents.audit import record_audit, record_changes
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

__all__ = ["etag", "if_match_allows", "update_agent"]


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
    password_hash = None
    if body.get("password", MISSING) is not MISSING:
        async with db.read() as conn:
            _, edits = await _check(conn, caller, body, if_match, lock=False)
        assert edits.password is not None
        password_hash = await hasher.hash(edits.password)
    try:
        async with db.write() as conn:
            agent, edits = await _check(conn, caller, body, if_match, lock=True)
            now = clock.now()
            updated = apply_edits(agent, edits, password_hash=password_hash, now=now)
            await repository.update_agent_row(conn, updated)
            await record_audit(
                conn,
                agent=updated,
                action="update",
                actor=caller.actor,
                at=now,
                changes=record_changes(agent, updated, password_changed=password_hash is not None),
            )
    except UniqueViolation:
        # A concurrent createAgent or rename took agentIdNew between check 10 and the write.
        raise AgentAlreadyExists() from None
    return updated
