"""Small helpers shared by the API test modules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.conftest import Api

# The spec's fixed texts, written out here (not imported from agentdir): the tests are
# an independent reading of ca_apis.md.
ID_RULE = (
    "The agent id must be between 2 and 50 characters using only letters, numbers, "
    "and special characters like ., @, _, -"
)
NAME_RULE = (
    "The agent name must not be empty and it should be between 2 and 50 alphanumeric "
    "characters and allow special characters such as., @, _, -"
)

# Checks of 5.2 whose answers createAgent and updateAgent share, word for word.
SHARED_ANSWERS: dict[int, tuple[int, dict[str, Any]]] = {
    10: (409, {"status": "error", "message": "Agent Already Exists"}),
    11: (400, {"status": "error", "message": "Agent Name is required"}),
    13: (400, {"message": "Password is required", "status": "error"}),
    14: (400, {"message": "Password length must be between 3 and 50 characters",
               "status": "error"}),
    15: (400, {"message": "Email should not be null or empty", "status": "error"}),
    16: (400, {"message": "Invalid email format", "status": "error"}),
    17: (400, {"message": "Agent data must be between 2 and 100 characters using only letters, "
                          "numbers, and special characters like ., @, _, -",
               "status": "error"}),
    18: (400, {"message": "Invalid sipLocation", "status": "error"}),
    19: (400, {"message": "Invalid screenRecording", "status": "error"}),
    20: (400, {"Status": "Fail",
               "Message": {"autoAnswer": "autoAnswer must be 1 to 20 letters, digits, _ or -"}}),
    21: (400, {"Status": "Fail", "Message": {"locked": "locked must be true or false"}}),
}


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
