"""AgentDetails (spec 8): one live agent, or every live agent of the account."""

from __future__ import annotations

import dataclasses
from typing import Any

from agentdir.agents import repository
from agentdir.agents.models import Agent
from agentdir.agents.rules import MISSING, is_blank
from agentdir.auth.service import Caller
from agentdir.errors import AgentNotFound
from agentdir.storage.database import Database

__all__ = ["Listing", "agent_details"]


@dataclasses.dataclass(frozen=True, slots=True)
class Listing:
    agents: list[Agent]
    single: bool  # one agent was asked for by agentId


async def agent_details(*, db: Database, caller: Caller, body: dict[str, Any]) -> Listing:
    agent_id = body.get("agentId", MISSING)
    async with db.read() as conn:
        if agent_id is MISSING or is_blank(agent_id):
            return Listing(await repository.list_live_agents(conn, caller.account.id), False)
        if not isinstance(agent_id, str):
            raise AgentNotFound()
        agent = await repository.find_live_agent(conn, caller.account.id, agent_id)
    if agent is None:
        raise AgentNotFound()
    return Listing([agent], True)
