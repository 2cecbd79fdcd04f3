"""One builder per endpoint: keyword arguments in, a `Call` out (shared by both clients)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from agentdir.client._core import (
    AGENT_FIELDS,
    Call,
    agent_body,
    parse_ack,
    parse_details,
    parse_update,
)
from agentdir.client._models import AgentSummary, Result, UpdateResult

__all__ = ["RecordMode", "agent_details", "create_agent", "create_skill", "delete_agent",
           "update_agent"]

RecordMode = Literal[
    "Record the call in Full", "Record only the Conversation", "Do not record calls"
]


def _fields(arguments: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in arguments.items() if k in AGENT_FIELDS}


def create_agent(arguments: Mapping[str, Any]) -> Call[Result]:
    return Call("createAgent", agent_body(_fields(arguments)), parse_ack)


def update_agent(arguments: Mapping[str, Any], *, detailed: bool,
                 if_match: int | str | None) -> Call[UpdateResult]:
    headers: dict[str, str] = {}
    if if_match is not None:
        headers["If-Match"] = if_match if isinstance(if_match, str) else f'"{if_match}"'
    params = {"detailedResponse": "true"} if detailed else {}
    return Call("updateAgent", agent_body(_fields(arguments)), parse_update, params, headers)


def delete_agent(agent_id: str) -> Call[Result]:
    return Call("deleteAgent", {"agentId": agent_id}, parse_ack)


def agent_details(agent_id: str | None) -> Call[list[AgentSummary]]:
    body = {} if agent_id is None else {"agentId": agent_id}
    return Call("AgentDetails", body, parse_details)


def create_skill(skill_name: str, *, skill_detail1: str | None, record: str | None,
                 agents: Mapping[str, int] | None) -> Call[Result]:
    body: dict[str, Any] = {"skillName": skill_name}
    if skill_detail1 is not None:
        body["skillDetail1"] = skill_detail1
    if record is not None:
        body["record"] = record
    if agents is not None:
        body["agents"] = [{"agentId": a, "priority": p} for a, p in agents.items()]
    return Call("skill", body, parse_ack)
