"""Small helpers shared by the API test modules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.conftest import Api


def iso(seconds: float) -> str:
    """The record's timestamp format, computed independently of the service."""
    return dt.datetime.fromtimestamp(int(seconds), tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def matches(actual: Any, expected: Any) -> bool:
    """Parsed-JSON equality with key order and JSON types; `...` is any non-empty text."""
    if expected is ...:
        return isinstance(actual, str) and bool(actual.strip())
    if isinstance(expected, dict):
        return (isinstance(actual, dict) and list(actual) == list(expected)
                and all(matches(actual[k], v) for k, v in expected.items()))
    if isinstance(expected, list):
        return (isinstance(actual, list) and len(actual) == len(expected)
                and all(matches(a, e) for a, e in zip(actual, expected, strict=True)))
    return type(actual) is type(expected) and actual == expected


async def read_agent(api: Api, agent_id: str) -> dict[str, Any] | None:
    """The agent record via AgentDetails, or None when there is no live agent."""
    response = await api.call("AgentDetails", {"agentId": agent_id})
    if response.status_code == 404:
        return None
    assert response.status_code == 200, response.text
    [item] = response.json()["message"]
    record: dict[str, Any] = item["Details"]
    return record
