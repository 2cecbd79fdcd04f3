"""Hostile input gets a documented answer, never a 500, on both backends."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api

NUL = "a\x00b"


@pytest.mark.parametrize(
    ("endpoint", "body", "status", "expected"),
    [
        ("updateAgent", {"agentId": NUL, "email": "a@example.com"}, 404,
         {"status": "error", "message": "Agent not found"}),
        ("AgentDetails", {"agentId": NUL}, 404, {"status": "error", "message": "Agent not found"}),
        ("deleteAgent", {"agentId": NUL}, 404,
         {"messages": "Invalid Agent Details", "status": "error"}),
        ("updateAgent", {"agentId": "known", "email": "a@example.com", "sipLocation": NUL}, 400,
         {"message": "Invalid sipLocation", "status": "error"}),
        ("updateAgent", {"agentId": "known", "email": "a@example.com", "assignSkills": [NUL]},
         400, {"Status": "Fail", "Message": {
             "assignSkills[0]": "skill 'a\\x00b' does not exist in this account"}}),
        ("updateAgent", {"agentId": "known", "email": "a@example.com",
                         "assignAgentGroups": NUL}, 400,
         {"Status": "Fail", "Message": {
             "assignAgentGroups": "group 'a\\x00b' does not exist in this account"}}),
        ("createAgent", {"agentId": "new1", "agentName": "Ann Lee", "password": NUL,
                         "email": "a@example.com"}, 200,
         {"Status": "Success", "Message": "Agent Created Successfully"}),
    ],
    ids=["update-agentId", "details-agentId", "delete-agentId", "sipLocation", "skill",
         "group", "password-is-hashed-so-nul-is-fine"],
)
async def test_nul_characters_answer_documented_bodies(
    api: Api, endpoint: str, body: dict[str, Any], status: int, expected: dict[str, Any]
) -> None:
    await api.seed_agent("known")
    response = await api.call(endpoint, body)
    assert (response.status_code, response.json()) == (status, expected)


async def test_nul_in_user_name_is_invalid_user_details(api: Api) -> None:
    response = await api.call("updateAgent", {"userName": "x\x00", "agentId": "a"})
    assert response.status_code == 401
    assert response.json()["message"] == "Invalid User Details"


@pytest.mark.parametrize(
    "value",
    [10**40, -(10**40), 1.5e300, [], {}, [[[]]], {"a": {"b": {}}}, True, "x" * 60000],
    ids=["huge-int", "huge-negative", "huge-float", "empty-list", "empty-object", "nested-list",
         "nested-object", "bool", "long-string"],
)
@pytest.mark.parametrize(
    "field",
    ["agentIdNew", "agentName", "agentNameNew", "password", "email", "agentData",
     "sipLocation", "screenRecording", "autoAnswer", "inbound", "locked", "callControls",
     "assignSkills", "unAssignSkills", "assignAgentGroups", "unAssignAgentGroups"],
)
async def test_any_value_in_any_field_is_never_a_server_error(
    api: Api, field: str, value: Any
) -> None:
    await api.seed_agent("target")
    api.clock.advance(60)  # a fresh rate-limit window for every case
    response = await api.call(
        "updateAgent", {"agentId": "target", "email": "t@example.com", field: value}
    )
    assert response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/json"


async def test_deeply_nested_body_under_the_size_limit_is_invalid_or_answered(api: Api) -> None:
    depth = 30000
    raw = b'{"userName": "x", "deep": ' + b"[" * depth + b"]" * depth + b"}"
    response = await api.call("updateAgent", content=raw)
    assert response.status_code in (400, 401)
